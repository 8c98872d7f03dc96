using System.ComponentModel.DataAnnotations;

namespace Notify.Aws.Http;

/// <summary>Retry and timeout policy of the AWS client layer (section <c>Aws:Retry</c>).</summary>
public sealed class AwsRetryOptions
{
    public const string SectionName = "Aws:Retry";

    /// <summary>Attempts in all, the first included (the official SDKs' standard mode uses 3).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Base of the exponential backoff; each delay is uniformly random in [0, min(MaxDelay, Base * 2^retry)] (full jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-attempt timeout. Longer than SQS's 20 s long poll so a receive is never cut short.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(35);
}
