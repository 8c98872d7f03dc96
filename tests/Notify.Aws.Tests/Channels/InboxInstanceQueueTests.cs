using System.Globalization;
using Notify.Aws.Channels.InApp;
using Notify.Aws.Http;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Delivery;
using Notify.Core.Resources;
using Notify.ServiceDefaults.Tests.Fixtures;

namespace Notify.Aws.Tests.Channels;

/// <summary>
/// An API instance's inbox queue and the sweeper against moto: the queue hears the inbox topic raw, carries its tags,
/// goes with its subscription; the sweeper removes only what dead instances left, and leaves the topic publishable.
/// </summary>
public sealed class InboxInstanceQueueTests(ChannelsFixture fixture) : IClassFixture<ChannelsFixture>, IDisposable
{
    private readonly SqsClient _sqs = new(fixture.Moto.Connection);
    private readonly SnsClient _sns = new(fixture.Moto.Connection);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string TopicArn => fixture.TopicArn(NotifyResources.InboxEventsTopic);

    [Fact]
    public async Task Should_create_a_tagged_queue_that_hears_the_topic_raw_and_leave_nothing_when_closed()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(TimeSpan.FromDays(20_000));
        var queue = NewQueue(clock);

        await queue.OpenAsync(Ct);

        Assert.Equal($"{fixture.Naming.Prefix}-inbox-{queue.InstanceId}", queue.QueueName);
        var tags = await TagsAsync(queue.QueueUrl!);
        Assert.Equal(queue.InstanceId, tags[InboxInstanceQueue.InstanceTag]);
        Assert.Equal(Seconds(clock.GetUtcNow()), tags[InboxInstanceQueue.HeartbeatTag]);
        var attributes = (await _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queue.QueueUrl, AttributeNames = [QueueAttributeName.All] }, Ct)).Attributes;
        Assert.Equal("120", attributes[QueueAttributeName.MessageRetentionPeriod]);
        Assert.Contains(TopicArn, attributes[QueueAttributeName.Policy], StringComparison.Ordinal);
        Assert.Contains(await SubscriptionsAsync(), s => s.SubscriptionArn == queue.SubscriptionArn && s.Endpoint!.EndsWith(":" + queue.QueueName, StringComparison.Ordinal));

        clock.Advance(TimeSpan.FromMinutes(3));
        await queue.HeartbeatAsync(Ct);
        Assert.Equal(Seconds(clock.GetUtcNow()), (await TagsAsync(queue.QueueUrl!))[InboxInstanceQueue.HeartbeatTag]);

        var item = new InboxItemStored("ada", "evt-1:in_app", "evt-1", "order.shipped", null, "Shipped", DateTimeOffset.UnixEpoch);
        await new SnsInboxNotifier(_sns, fixture.Naming).NotifyStoredAsync(item, Ct);
        var received = await ReceiveOneAsync(queue);
        var stored = Assert.IsType<InboxAnnouncement.Stored>(InboxAnnouncement.Parse(received.Body));
        Assert.Equal(item, stored.Item);
        await queue.DeleteAsync([received], Ct);

        var url = queue.QueueUrl!;
        var subscription = queue.SubscriptionArn;
        await queue.CloseAsync(Ct);
        await queue.CloseAsync(Ct); // A second stop finds nothing to do.

        Assert.DoesNotContain(url, await InboxQueuesAsync());
        Assert.DoesNotContain(await SubscriptionsAsync(), s => s.SubscriptionArn == subscription);
        await PublishAsync(); // No subscription is left pointing at the deleted queue (moto would refuse the publish).
    }

    [Fact]
    public async Task Should_sweep_a_queue_with_a_stale_heartbeat_and_its_subscription_and_leave_live_and_untagged_queues()
    {
        var live = NewQueue(TimeProvider.System);
        var dead = NewQueue(TimeProvider.System);
        await live.OpenAsync(Ct);
        await dead.OpenAsync(Ct);
        var untagged = (await _sqs.CreateQueueAsync(fixture.Naming.InstanceQueuePrefix(NotifyResources.InboxInstanceQueue) + "untagged", Ct)).QueueUrl!;
        await _sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = dead.QueueUrl, Tags = new() { [InboxInstanceQueue.HeartbeatTag] = Seconds(DateTimeOffset.UtcNow.AddHours(-1)) } }, Ct);

        var result = await Sweeper().SweepAsync(live.QueueUrl, DateTimeOffset.UtcNow.AddMinutes(-5), Ct);

        Assert.Empty(result.Failures);
        Assert.Equal((1, 1), (result.QueuesDeleted, result.SubscriptionsRemoved));
        var queues = await InboxQueuesAsync();
        Assert.Contains(live.QueueUrl, queues);
        Assert.Contains(untagged, queues);
        Assert.DoesNotContain(dead.QueueUrl, queues);
        var subscriptions = await SubscriptionsAsync();
        Assert.Contains(subscriptions, s => s.SubscriptionArn == live.SubscriptionArn);
        Assert.DoesNotContain(subscriptions, s => s.SubscriptionArn == dead.SubscriptionArn);

        // The live queue still hears the topic, and a sweep that finds nothing stale removes nothing.
        await PublishAsync();
        await _sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest { QueueUrl = live.QueueUrl, Entries = [new() { Id = "0", ReceiptHandle = (await ReceiveOneAsync(live)).ReceiptHandle }] }, Ct);
        var again = await Sweeper().SweepAsync(live.QueueUrl, DateTimeOffset.UtcNow.AddMinutes(-5), Ct);
        Assert.Equal((0, 0), (again.QueuesDeleted, again.SubscriptionsRemoved));

        await live.CloseAsync(Ct);
        await _sqs.DeleteQueueAsync(untagged, Ct);
        await dead.CloseAsync(Ct); // Already swept: what is gone counts as done.
    }

    [Fact]
    public async Task Should_remove_a_subscription_whose_queue_is_gone_which_otherwise_breaks_every_publish_on_moto()
    {
        var queue = NewQueue(TimeProvider.System);
        await queue.OpenAsync(Ct);
        await _sqs.DeleteQueueAsync(queue.QueueUrl!, Ct);

        // moto delivers to subscribed queues inside Publish and fails it when one is missing; AWS would drop that delivery.
        var refused = await Assert.ThrowsAsync<AwsServiceException>(PublishAsync);
        Assert.True(InboxInstanceQueue.IsMissingQueue(refused), refused.ErrorCode);

        var result = await Sweeper().SweepAsync(null, DateTimeOffset.UtcNow.AddMinutes(-5), Ct);

        Assert.Empty(result.Failures);
        Assert.Equal((0, 1), (result.QueuesDeleted, result.SubscriptionsRemoved));
        Assert.DoesNotContain(await SubscriptionsAsync(), s => s.SubscriptionArn == queue.SubscriptionArn);
        await PublishAsync();
    }

    public void Dispose()
    {
        _sqs.Dispose();
        _sns.Dispose();
    }

    private InboxInstanceQueue NewQueue(TimeProvider time) => new(_sqs, _sns, fixture.Naming, InboxInstanceQueue.NewInstanceId(), time);

    private InboxQueueSweeper Sweeper() => new(_sqs, _sns, fixture.Naming);

    private Task PublishAsync() => _sns.PublishAsync(new PublishRequest { TopicArn = TopicArn, Message = """{"type":"noise"}""" }, Ct);

    private async Task<Message> ReceiveOneAsync(InboxInstanceQueue queue) =>
        (await Deadline.PollAsync(() => queue.ReceiveAsync(1, Ct), m => m.Count > 0, TimeSpan.FromSeconds(10), "a message on the inbox queue")).Single();

    private async Task<Dictionary<string, string>> TagsAsync(string queueUrl) =>
        (await _sqs.ListQueueTagsAsync(new ListQueueTagsRequest { QueueUrl = queueUrl }, Ct)).Tags;

    private async Task<List<string>> InboxQueuesAsync()
    {
        var urls = new List<string>();
        await foreach (var url in _sqs.ListAllQueueUrlsAsync(fixture.Naming.InstanceQueuePrefix(NotifyResources.InboxInstanceQueue), Ct))
        {
            urls.Add(url);
        }

        return urls;
    }

    private async Task<List<Subscription>> SubscriptionsAsync() =>
        (await _sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = TopicArn }, Ct)).Subscriptions;

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
