using System.ComponentModel.DataAnnotations;

namespace Notify.Worker.Lanes;

/// <summary>The settings every SQS consumer of the worker shares: its concurrency, its polling and its lease on messages.</summary>
public abstract class MessageConsumerOptions : IValidatableObject
{
    protected MessageConsumerOptions(int maxConcurrency) => MaxConcurrency = maxConcurrency;

    /// <summary>Handlers running at once; a receive never asks for more messages than there are free slots.</summary>
    [Range(1, 1000)]
    public int MaxConcurrency { get; set; }

    /// <summary>Long-poll wait of a receive on an idle queue, 0–20 s.</summary>
    [Range(0, 20)]
    public int WaitTimeSeconds { get; set; } = 20;

    /// <summary>
    /// The lease on a received message (set on the receive itself, whatever the queue's default) and the length of each
    /// extension. Bounds how long a crashed worker's messages stay hidden.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "12:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A message still being handled this long after its lease was last set gets it extended by <see cref="VisibilityTimeout"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "06:00:00")]
    public TimeSpan ExtendAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// On shutdown, how long running handlers may still finish (and have their outcome applied) before they are cancelled
    /// and their messages released.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(20);

    public bool Enabled { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The extension loop checks every ExtendAfter / 2 at most, so a lease is renewed at most 1.5 x ExtendAfter after it
        // was set; half the lease leaves room for that and for a slow call.
        if (ExtendAfter * 2 > VisibilityTimeout)
        {
            yield return new ValidationResult(
                $"{nameof(ExtendAfter)} ({ExtendAfter}) must be at most half of {nameof(VisibilityTimeout)} ({VisibilityTimeout}).",
                [nameof(ExtendAfter), nameof(VisibilityTimeout)]);
        }
    }
}
