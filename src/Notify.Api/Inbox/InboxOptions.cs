using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Inbox;

/// <summary>The live inbox: tokens, connections and the event stream (section <c>Notify:Inbox</c>).</summary>
internal sealed class InboxOptions
{
    public const string SectionName = "Notify:Inbox";

    public const int MinSigningKeyLength = 32;

    /// <summary>The longest lifetime a token may have, whatever is asked for: a browser credential should not outlive a session.</summary>
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromHours(1);

    public static readonly TimeSpan MinTokenLifetime = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Largest message a client may send over the hub (SignalR's <c>MaximumReceiveMessageSize</c>). Clients only receive;
    /// what they send is the handshake and pings, a few dozen bytes.
    /// </summary>
    public const int MaxClientMessageBytes = 1024;

    /// <summary>
    /// The HMAC-SHA256 key that signs and checks inbox tokens, at least <see cref="MinSigningKeyLength"/> characters. Every
    /// API instance behind one address needs the same key (a token minted by one is checked by another). Required outside
    /// Development; in Development a key is generated per process when absent, with a warning.
    /// </summary>
    [MinLength(MinSigningKeyLength, ErrorMessage = "Notify:Inbox:TokenSigningKey must be at least 32 characters (e.g. openssl rand -base64 48).")]
    public string? TokenSigningKey { get; set; }

    /// <summary>How long a minted token is valid when the request names no lifetime.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Live connections (hub and event streams together) one user may hold on one instance.</summary>
    [Range(1, 1000)]
    public int MaxConnectionsPerUser { get; set; } = 10;

    /// <summary>How often an event stream sends a <c>heartbeat</c> event, so proxies keep it open and clients notice a dead one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan StreamHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Fan-out across API instances (section <c>Notify:Inbox:FanOut</c>): each instance's own queue on the inbox topic, its
/// heartbeat, and the sweep of queues that dead instances left behind.
/// </summary>
internal sealed class InboxFanOutOptions : IValidatableObject
{
    public const string SectionName = "Notify:Inbox:FanOut";

    /// <summary>Off, the instance creates no queue and pushes nothing (the inbox endpoints still answer).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The long poll on the instance's queue; an announcement is pushed as soon as it arrives, whatever this is.</summary>
    [Range(1, 20)]
    public int WaitTimeSeconds { get; set; } = 20;

    /// <summary>How often the instance re-tags its queue with the time, telling sweepers it lives.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A queue whose heartbeat is older than this belongs to a dead instance and is swept.</summary>
    [Range(typeof(TimeSpan), "00:00:03", "1.00:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each instance sweeps (with up to a fifth of it added at random, so instances do not sweep in step).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The wait before trying again after AWS failed (creating the queue, receiving), doubled up to 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A live instance beats at most HeartbeatInterval + one long poll apart; anything closer would sweep live queues.
        var slowestBeat = HeartbeatInterval + TimeSpan.FromSeconds(WaitTimeSeconds);
        if (StaleAfter < 2 * slowestBeat)
        {
            yield return new ValidationResult(
                $"StaleAfter ({StaleAfter}) must be at least twice HeartbeatInterval + WaitTimeSeconds ({2 * slowestBeat}), or live instances' queues would be swept.",
                [nameof(StaleAfter)]);
        }
    }
}
