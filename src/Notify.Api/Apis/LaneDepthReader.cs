using System.Collections.Concurrent;
using Notify.Aws.Sqs;
using Notify.Core.Resources;

namespace Notify.Api.Apis;

/// <summary>How many messages one queue holds, by state, as SQS approximates it.</summary>
internal sealed record QueueDepth(string Name, int Visible, int InFlight, int Delayed);

/// <summary>
/// Reads the depth of the lanes, their DLQs and the feedback queue on demand, with the same <c>GetQueueAttributes</c>
/// call the worker's <c>QueueDepthSampler</c> makes for its gauge. Queue URLs are resolved once per queue: they never
/// change while the queue exists. SQS has no age of the oldest message in its API (that is CloudWatch's).
/// </summary>
internal sealed class LaneDepthReader(SqsClient sqs, ResourceNaming naming)
{
    public static readonly IReadOnlyList<QueueDefinition> Queues =
        [NotifyResources.HighLane, NotifyResources.LowLane, NotifyResources.HighLaneDlq, NotifyResources.LowLaneDlq, NotifyResources.Feedback];

    private readonly ConcurrentDictionary<string, string> _urls = new(StringComparer.Ordinal);

    /// <summary>Every queue of <see cref="Queues"/>, in that order, read concurrently.</summary>
    public async Task<IReadOnlyList<QueueDepth>> ReadAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(Queues.Select(queue => ReadAsync(queue, cancellationToken)));

    private async Task<QueueDepth> ReadAsync(QueueDefinition queue, CancellationToken cancellationToken)
    {
        if (!_urls.TryGetValue(queue.Name, out var url))
        {
            url = _urls[queue.Name] = (await sqs.GetQueueUrlAsync(naming.Queue(queue), cancellationToken)).QueueUrl!;
        }

        var attributes = await sqs.GetQueueAttributesAsync(
            new GetQueueAttributesRequest
            {
                QueueUrl = url,
                AttributeNames =
                [
                    QueueAttributeName.ApproximateNumberOfMessages,
                    QueueAttributeName.ApproximateNumberOfMessagesNotVisible,
                    QueueAttributeName.ApproximateNumberOfMessagesDelayed,
                ],
            },
            cancellationToken);
        return new QueueDepth(
            queue.Name,
            attributes.ApproximateNumberOfMessages,
            attributes.ApproximateNumberOfMessagesNotVisible,
            attributes.ApproximateNumberOfMessagesDelayed);
    }
}
