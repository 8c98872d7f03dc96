using System.ComponentModel.DataAnnotations;
using Notify.Core.Events;

namespace Notify.Worker.Lanes;

/// <summary>
/// A single-queue consumer (<see cref="QueueConsumer"/>), e.g. of a dead-letter queue or the SES feedback queue. Bound from
/// <c>Notify:Worker:Queues:{QueueName}</c> by <see cref="LaneServiceCollectionExtensions.AddQueueConsumer{THandler}"/>.
/// </summary>
public sealed class QueueConsumerOptions() : MessageConsumerOptions(maxConcurrency: 2)
{
    public const string SectionPrefix = "Notify:Worker:Queues";

    /// <summary>The queue's logical name in <see cref="Notify.Core.Resources.NotifyResources"/> (e.g. <c>high-dlq</c>, <c>feedback</c>).</summary>
    [Required]
    public string QueueName { get; set; } = string.Empty;

    /// <summary>
    /// The lane handlers are told the messages belong to; when null, the lane whose dead-letter queue this is (or the
    /// lane itself), else <see cref="Priority.Low"/>.
    /// </summary>
    public Priority? Lane { get; set; }
}
