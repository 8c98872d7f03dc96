using System.Globalization;
using Notify.Aws.Http;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Core.Resources;

namespace Notify.Aws.Channels.InApp;

/// <summary>What one sweep removed, and what it failed to (each failure is left for the next sweep).</summary>
public sealed record InboxSweepResult(int QueuesDeleted, int SubscriptionsRemoved, IReadOnlyList<Exception> Failures);

/// <summary>
/// Removes what dead API instances left on the inbox topic: instance queues (<see cref="InboxInstanceQueue"/>) whose
/// heartbeat tag is older than a threshold, with their subscriptions, and subscriptions whose instance queue no longer
/// exists. Leader-free: every instance sweeps now and then, and what another sweeper removed first counts as done.
/// Queues without the instance tag are never touched, whatever their name.
/// </summary>
public sealed class InboxQueueSweeper(SqsClient sqs, SnsClient sns, ResourceNaming naming)
{
    private readonly string _queuePrefix = naming.InstanceQueuePrefix(NotifyResources.InboxInstanceQueue);
    private readonly string _topicName = naming.Topic(NotifyResources.InboxInstanceQueue.Topic);

    /// <summary>Sweeps every instance queue except <paramref name="ownQueueUrl"/> whose heartbeat is before <paramref name="staleBefore"/>.</summary>
    public async Task<InboxSweepResult> SweepAsync(string? ownQueueUrl, DateTimeOffset staleBefore, CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        var topicArn = (await sns.CreateTopicAsync(new CreateTopicRequest { Name = _topicName }, cancellationToken)).TopicArn
                       ?? throw new InvalidOperationException($"SNS answered CreateTopic for '{_topicName}' without a topic ARN.");
        var subscriptions = await ListQueueSubscriptionsAsync(topicArn, cancellationToken);

        var queueNames = new HashSet<string>(StringComparer.Ordinal);
        var queuesDeleted = 0;
        var subscriptionsRemoved = 0;
        await foreach (var url in sqs.ListAllQueueUrlsAsync(_queuePrefix, cancellationToken))
        {
            var name = url[(url.LastIndexOf('/') + 1)..];
            queueNames.Add(name);
            if (url == ownQueueUrl)
            {
                continue;
            }

            try
            {
                var tags = (await sqs.ListQueueTagsAsync(new ListQueueTagsRequest { QueueUrl = url }, cancellationToken)).Tags;
                if (!tags.ContainsKey(InboxInstanceQueue.InstanceTag) || HeartbeatOf(tags) >= staleBefore)
                {
                    continue;
                }

                // Unsubscribe first: a subscription to a deleted queue makes moto refuse every Publish to the topic.
                foreach (var subscription in subscriptions.Where(s => QueueNameOf(s.Endpoint) == name))
                {
                    await UnsubscribeAsync(sns, subscription.SubscriptionArn!, cancellationToken);
                    subscriptionsRemoved++;
                }

                if (await DeleteQueueAsync(sqs, url, cancellationToken))
                {
                    queuesDeleted++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && !InboxInstanceQueue.IsMissingQueue(e))
            {
                failures.Add(e);
            }
        }

        // Subscriptions whose queue is gone (its instance died between deleting the queue and unsubscribing, or an
        // unsubscribe failed). The queue listing above may predate a queue created since, so absence is confirmed by name:
        // a subscription exists only after its queue was created, so a queue missing now was deleted.
        foreach (var orphan in subscriptions.Where(s => QueueNameOf(s.Endpoint) is { } name && !queueNames.Contains(name)))
        {
            try
            {
                if (!await QueueExistsAsync(QueueNameOf(orphan.Endpoint)!, cancellationToken))
                {
                    await UnsubscribeAsync(sns, orphan.SubscriptionArn!, cancellationToken);
                    subscriptionsRemoved++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(e);
            }
        }

        return new InboxSweepResult(queuesDeleted, subscriptionsRemoved, failures);
    }

    /// <summary>Unsubscribes; a subscription already gone (another sweeper, a second stop) counts as done.</summary>
    internal static async Task UnsubscribeAsync(SnsClient sns, string subscriptionArn, CancellationToken cancellationToken)
    {
        try
        {
            await sns.UnsubscribeAsync(new UnsubscribeRequest { SubscriptionArn = subscriptionArn }, cancellationToken);
        }
        catch (AwsServiceException e) when (e.ErrorCode is "NotFound" or "InvalidParameter")
        {
            // Gone already.
        }
    }

    /// <summary>Deletes a queue; false when it was gone already.</summary>
    internal static async Task<bool> DeleteQueueAsync(SqsClient sqs, string queueUrl, CancellationToken cancellationToken)
    {
        try
        {
            await sqs.DeleteQueueAsync(queueUrl, cancellationToken);
            return true;
        }
        catch (AwsServiceException e) when (InboxInstanceQueue.IsMissingQueue(e))
        {
            return false;
        }
    }

    /// <summary>The heartbeat tag's time; a queue without a readable one counts as never having beaten.</summary>
    private static DateTimeOffset HeartbeatOf(Dictionary<string, string> tags) =>
        tags.TryGetValue(InboxInstanceQueue.HeartbeatTag, out var value) && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.MinValue;

    private async Task<bool> QueueExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await sqs.GetQueueUrlAsync(name, cancellationToken);
            return true;
        }
        catch (AwsServiceException e) when (InboxInstanceQueue.IsMissingQueue(e))
        {
            return false;
        }
    }

    /// <summary>The topic's SQS subscriptions to instance queues of this prefix.</summary>
    private async Task<List<Subscription>> ListQueueSubscriptionsAsync(string topicArn, CancellationToken cancellationToken)
    {
        var all = new List<Subscription>();
        string? next = null;
        do
        {
            var page = await sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = topicArn, NextToken = next }, cancellationToken);
            all.AddRange(page.Subscriptions.Where(s => s.Protocol == "sqs" && s.SubscriptionArn is { Length: > 0 } arn && arn.StartsWith("arn:", StringComparison.Ordinal)
                                                       && QueueNameOf(s.Endpoint) is not null));
            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        return all;
    }

    /// <summary>The queue name of an SQS ARN (<c>arn:aws:sqs:region:account:name</c>) when it is one of this prefix's instance queues.</summary>
    private string? QueueNameOf(string? queueArn)
    {
        var name = queueArn?[(queueArn.LastIndexOf(':') + 1)..];
        return name is not null && name.StartsWith(_queuePrefix, StringComparison.Ordinal) ? name : null;
    }
}
