using System.Globalization;
using Notify.Aws.Http;
using Notify.Aws.Provisioning;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Core.Resources;

namespace Notify.Aws.Channels.InApp;

/// <summary>
/// One API instance's queue on the <c>inbox-events</c> topic (<see cref="NotifyResources.InboxInstanceQueue"/>): created
/// with its tags (<see cref="InstanceTag"/>, <see cref="HeartbeatTag"/>), a policy that lets the topic send to it and a
/// raw-delivery subscription; re-tagged as a heartbeat while the instance lives; unsubscribed and deleted when it stops.
/// Not thread-safe: one loop owns it.
/// </summary>
public sealed class InboxInstanceQueue
{
    public const string InstanceTag = "notify:inbox-instance";

    /// <summary>The last heartbeat, in Unix seconds; the sweeper removes queues whose heartbeat is too old.</summary>
    public const string HeartbeatTag = "notify:heartbeat";

    private readonly SqsClient _sqs;
    private readonly SnsClient _sns;
    private readonly TimeProvider _time;
    private readonly string _topicName;

    public InboxInstanceQueue(SqsClient sqs, SnsClient sns, ResourceNaming naming, string instanceId, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        _sqs = sqs ?? throw new ArgumentNullException(nameof(sqs));
        _sns = sns ?? throw new ArgumentNullException(nameof(sns));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        InstanceId = instanceId;
        QueueName = naming.InstanceQueue(NotifyResources.InboxInstanceQueue, instanceId);
        _topicName = naming.Topic(NotifyResources.InboxInstanceQueue.Topic);
        if (QueueName.Length > 80)
        {
            throw new ArgumentException($"The inbox queue name '{QueueName}' is longer than SQS's 80 characters; use a shorter prefix.", nameof(naming));
        }
    }

    public string InstanceId { get; }

    public string QueueName { get; }

    /// <summary>Set once <see cref="OpenAsync"/> created the queue (even if a later step failed); null before and after <see cref="CloseAsync"/>.</summary>
    public string? QueueUrl { get; private set; }

    public string? SubscriptionArn { get; private set; }

    /// <summary>A random id for a new instance: 12 lower-case hex digits, unique enough among the instances alive at once.</summary>
    public static string NewInstanceId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

    /// <summary>
    /// Creates the queue (CreateQueue is idempotent for the same attributes and tags), lets the topic send to it and
    /// subscribes it with raw message delivery, so each message body is the announcement itself. Safe to call again after a
    /// failure or after the queue was deleted under the instance (a sweeper that took it for dead).
    /// </summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var definition = NotifyResources.InboxInstanceQueue;
        var topicArn = (await _sns.CreateTopicAsync(new CreateTopicRequest { Name = _topicName }, cancellationToken)).TopicArn
                       ?? throw new InvalidOperationException($"SNS answered CreateTopic for '{_topicName}' without a topic ARN.");
        var url = (await _sqs.CreateQueueAsync(
            new CreateQueueRequest
            {
                QueueName = QueueName,
                Attributes = new()
                {
                    [QueueAttributeName.MessageRetentionPeriod] = Invariant(definition.RetentionSeconds),
                    [QueueAttributeName.VisibilityTimeout] = Invariant(definition.VisibilityTimeoutSeconds),
                },
                Tags = new() { [InstanceTag] = InstanceId, [HeartbeatTag] = UnixNow() },
            },
            cancellationToken)).QueueUrl ?? throw new InvalidOperationException($"SQS answered CreateQueue for '{QueueName}' without a URL.");

        // Known from here on, so a failure further down still lets CloseAsync remove the queue.
        QueueUrl = url;
        var arn = (await _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = [QueueAttributeName.QueueArn] }, cancellationToken)).QueueARN
                  ?? throw new InvalidOperationException($"SQS answered no ARN for '{QueueName}'.");
        await _sqs.SetQueueAttributesAsync(
            new SetQueueAttributesRequest { QueueUrl = url, Attributes = new() { [QueueAttributeName.Policy] = SqsQueueProvisioner.PolicyAllowingTopics(arn, [topicArn]) } },
            cancellationToken);
        var subscription = await _sns.SubscribeAsync(
            new SubscribeRequest
            {
                TopicArn = topicArn,
                Protocol = "sqs",
                Endpoint = arn,
                ReturnSubscriptionArn = true,
                Attributes = new() { ["RawMessageDelivery"] = "true" },
            },
            cancellationToken);
        SubscriptionArn = subscription.SubscriptionArn;
    }

    /// <summary>Tells the sweepers this instance lives: the heartbeat tag set to now.</summary>
    /// <exception cref="AwsServiceException">With <see cref="IsMissingQueue"/> true when the queue is gone; open it again.</exception>
    public Task HeartbeatAsync(CancellationToken cancellationToken) =>
        _sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = RequireUrl(), Tags = new() { [HeartbeatTag] = UnixNow() } }, cancellationToken);

    /// <summary>Long-polls for up to <paramref name="waitTimeSeconds"/> and answers what arrived (at most 10 messages).</summary>
    public async Task<IReadOnlyList<Message>> ReceiveAsync(int waitTimeSeconds, CancellationToken cancellationToken) =>
        (await _sqs.ReceiveMessageAsync(
            new ReceiveMessageRequest { QueueUrl = RequireUrl(), MaxNumberOfMessages = 10, WaitTimeSeconds = waitTimeSeconds },
            cancellationToken)).Messages;

    public async Task DeleteAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await _sqs.DeleteMessageBatchAsync(
            new DeleteMessageBatchRequest
            {
                QueueUrl = RequireUrl(),
                Entries = [.. messages.Select((m, i) => new DeleteMessageBatchRequestEntry { Id = Invariant(i), ReceiptHandle = m.ReceiptHandle })],
            },
            cancellationToken);
    }

    /// <summary>
    /// Unsubscribes, then deletes the queue: in that order, because a subscription left pointing at a deleted queue makes
    /// moto refuse every Publish to the topic (AWS only drops those deliveries). What is already gone counts as done.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (SubscriptionArn is { } subscription)
        {
            await InboxQueueSweeper.UnsubscribeAsync(_sns, subscription, cancellationToken);
            SubscriptionArn = null;
        }

        if (QueueUrl is { } url)
        {
            await InboxQueueSweeper.DeleteQueueAsync(_sqs, url, cancellationToken);
            QueueUrl = null;
        }
    }

    public static bool IsMissingQueue(Exception e) =>
        e is AwsServiceException { ErrorCode: "QueueDoesNotExist" or "AWS.SimpleQueueService.NonExistentQueue" }
            or AwsServiceException { QueryErrorCode: "AWS.SimpleQueueService.NonExistentQueue" };

    private string RequireUrl() => QueueUrl ?? throw new InvalidOperationException("The inbox queue is not open.");

    private string UnixNow() => Invariant(_time.GetUtcNow().ToUnixTimeSeconds());

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
