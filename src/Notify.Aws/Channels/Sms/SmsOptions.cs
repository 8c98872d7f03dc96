using System.ComponentModel.DataAnnotations;

namespace Notify.Aws.Channels.Sms;

/// <summary>How Notify sends SMS through SNS (section <c>Notify:Sms</c>).</summary>
public sealed class SmsOptions
{
    public const string SectionName = "Notify:Sms";

    /// <summary>Messages per second this instance sends (SNS's default SMS quota is 20 per second per account).</summary>
    [Range(0.01, 100_000)]
    public double MaxSendRate { get; set; } = 20;

    /// <summary>Sends that may wait for the rate limit; the next one is answered at once as rate limited, to be retried later.</summary>
    [Range(0, 100_000)]
    public int MaxQueuedSends { get; set; } = 100;

    /// <summary>An alphanumeric sender id (1–11 letters and digits, at least one letter), where the destination country supports one.</summary>
    [RegularExpression("^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$")]
    public string? SenderId { get; set; }

    /// <summary>The E.164 number (long code, toll-free, 10DLC) to send from, where the destination country requires one.</summary>
    [RegularExpression(@"^\+[1-9][0-9]{1,14}$")]
    public string? OriginationNumber { get; set; }
}
