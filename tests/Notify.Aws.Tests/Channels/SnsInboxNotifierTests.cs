using System.Text.Json;
using Notify.Aws.Channels.InApp;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Sqs;
using Notify.Core.Delivery;
using Notify.Core.Resources;

namespace Notify.Aws.Tests.Channels;

/// <summary>The inbox announcer against moto: what it publishes reaches a queue subscribed to the inbox-events topic.</summary>
public sealed class SnsInboxNotifierTests(ChannelsFixture fixture) : IClassFixture<ChannelsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_deliver_the_stored_item_as_a_notification_to_a_queue_subscribed_to_the_inbox_topic()
    {
        using var sns = new SnsClient(fixture.Moto.Connection);
        using var sqs = new SqsClient(fixture.Moto.Connection);
        var (queueUrl, queueArn) = await sqs.CreateWithArnAsync("inbox");
        await sns.SubscribeAsync(
            new SubscribeRequest
            {
                TopicArn = fixture.TopicArn(NotifyResources.InboxEventsTopic),
                Protocol = "sqs",
                Endpoint = queueArn,
                Attributes = new() { ["RawMessageDelivery"] = "true" },
            },
            Ct);
        var at = new DateTimeOffset(2025, 5, 1, 12, 30, 0, TimeSpan.Zero);
        var notifier = new SnsInboxNotifier(sns, fixture.Naming);

        await notifier.NotifyStoredAsync(new InboxItemStored("alice", "evt-1#in_app", "evt-1", "order.shipped", "Shipped", "Your order is on its way", at), Ct);

        var body = await sqs.WaitForBodyAsync(queueUrl, b => b.Contains("evt-1", StringComparison.Ordinal), "the inbox announcement");
        using var json = JsonDocument.Parse(body!);
        var root = json.RootElement;
        Assert.Equal("type", root.EnumerateObject().First().Name);
        Assert.Equal("notification", root.GetProperty("type").GetString());
        Assert.Equal("alice", root.GetProperty("userId").GetString());
        Assert.Equal("evt-1#in_app", root.GetProperty("notificationId").GetString());
        Assert.Equal("evt-1", root.GetProperty("eventId").GetString());
        Assert.Equal("order.shipped", root.GetProperty("eventType").GetString());
        Assert.Equal("Shipped", root.GetProperty("title").GetString());
        Assert.Equal("Your order is on its way", root.GetProperty("body").GetString());
        Assert.Equal(at, root.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Should_look_the_topic_up_once_for_many_announcements()
    {
        using var recorder = new RecordingHandler();
        using var sns = new SnsClient(fixture.Moto.Connection, handler: recorder);
        var notifier = new SnsInboxNotifier(sns, fixture.Naming);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            notifier.NotifyStoredAsync(new InboxItemStored("bob", $"n-{i}", $"e-{i}", "t", null, null, DateTimeOffset.UnixEpoch), Ct)));

        var create = Assert.Single(recorder.Actions("CreateTopic"));
        Assert.Contains($"Name={fixture.Naming.Topic(NotifyResources.InboxEventsTopic)}", create.Members);
        var publishes = recorder.Actions("Publish");
        Assert.Equal(5, publishes.Count);
        Assert.All(publishes, p => Assert.Contains($"TopicArn={fixture.TopicArn(NotifyResources.InboxEventsTopic)}", p.Members));
    }

    [Fact]
    public void Should_leave_absent_title_and_body_out_of_the_announcement()
    {
        var json = SnsInboxNotifier.Serialize(new InboxItemStored("u", "n", "e", "t", null, null, DateTimeOffset.UnixEpoch));

        Assert.Equal("""{"type":"notification","userId":"u","notificationId":"n","eventId":"e","eventType":"t","at":"1970-01-01T00:00:00+00:00"}""", json);
    }
}
