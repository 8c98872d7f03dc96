using System.ComponentModel.DataAnnotations;

namespace Notify.Aws.Lanes;

/// <summary>Micro-batching of lane sends (section <c>Notify:Lanes</c>).</summary>
public sealed class LanePublisherOptions
{
    public const string SectionName = "Notify:Lanes";

    /// <summary>
    /// How long a send waits for company once the first entry of a batch is there; a batch leaves as soon as it holds 10
    /// entries. Zero sends whatever is waiting at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// SendMessageBatch calls in flight per lane. Concurrent publishes carry no order between them, so overlapping calls
    /// cost nothing in FIFO terms and keep one slow call from holding up the lane.
    /// </summary>
    [Range(1, 64)]
    public int MaxConcurrentBatches { get; set; } = 4;
}
