using System.ComponentModel.DataAnnotations;

namespace Notify.Worker.Delivery;

/// <summary>How the worker delivers one event (section <c>Notify:Worker:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Notify:Worker:Delivery";

    /// <summary>Templates fall back to this locale (and its language) after the user's.</summary>
    [Required, RegularExpression("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")]
    public string DefaultLocale { get; set; } = "en";

    /// <summary>
    /// How long a claim holds a channel. A worker that dies mid-send leaves the claim; after the lease, email and in-app
    /// are sent again, SMS and push become <c>unknown</c>. Shorter than the lanes' visibility timeout (60 s), so the message
    /// a dead worker leaves behind finds the lease over when it comes back, instead of spending a receive on waiting; a
    /// live worker keeps its message invisible however long the provider takes, so nobody else claims meanwhile.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>First backoff after a transient failure; doubles with each receive of the message (SQS counts them).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:01", "12:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Templates are re-read from DynamoDB after this long, so a template edit reaches deliveries within it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan TemplateCacheDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Per-user rate limits (section <c>Notify:Worker:RateLimits</c>), enforced across worker instances by DynamoDB counters
/// in fixed windows: a notification over the limit is deferred to the next window, never dropped.
/// </summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string SectionName = "Notify:Worker:RateLimits";

    /// <summary>Notifications (one per channel) per user and window, across channels and event types.</summary>
    [Range(1, 100_000)]
    public int PerUser { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Event types with a limit of their own (e.g. <c>otp</c>: 20); they count on their own counter.</summary>
    public Dictionary<string, int> EventTypes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// High-priority events are neither limited nor counted (a password reset must not wait behind a newsletter). Set
    /// false to limit them like the rest.
    /// </summary>
    public bool HighPriorityBypasses { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (type, limit) in EventTypes)
        {
            if (limit < 1)
            {
                yield return new ValidationResult($"The limit of event type '{type}' must be at least 1.", [nameof(EventTypes)]);
            }
        }
    }
}
