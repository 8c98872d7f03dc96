using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Notify.Aws.DynamoDb;
using Notify.Aws.Provisioning;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Resources;

namespace Notify.Aws.Tests.Provisioning;

public sealed class NotifyProvisionerTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    // The sender identity is not prefixed (it is an address), so each test uses its own domain on the shared moto.
    private static ProvisioningOptions Options(string prefix) => new() { Prefix = prefix, SenderIdentity = $"notify@{prefix}.example.com", CreatePlatformApplications = true };

    [Fact]
    public async Task Should_create_everything_once_and_change_nothing_when_run_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = Options("twice");

        var first = await NotifyProvisioner.ProvisionAsync(moto.Connection, options, ct);
        var second = await NotifyProvisioner.ProvisionAsync(moto.Connection, options, ct);

        Assert.All(first.Resources.Where(r => r.Kind is "queue" or "topic" or "table" or "subscription" or "ses-identity" or "ses-configuration-set"),
            r => Assert.Equal(ProvisioningAction.Created, r.Action));
        Assert.Equal(NotifyResources.PlatformApplications.Count, first.Resources.Count(r => r.Kind == "platform-application" && r.Action == ProvisioningAction.Created));
        Assert.Equal(NotifyResources.Queues.Count, first.Resources.Count(r => r.Kind == "queue"));
        Assert.Equal(NotifyResources.Topics.Count, first.Resources.Count(r => r.Kind == "topic"));
        Assert.Equal(NotifyResources.Tables.Count, first.Resources.Count(r => r.Kind == "table"));
        Assert.False(second.ChangedAnything, "second run changed: " + string.Join(", ", second.Resources.Where(r => r.Action is ProvisioningAction.Created or ProvisioningAction.Updated)));
        Assert.Equal(first.Resources.Select(r => (r.Kind, r.Name, r.Id)), second.Resources.Select(r => (r.Kind, r.Name, r.Id)));

        using var sqs = new SqsClient(moto.Connection);
        var queues = await ToListAsync(sqs.ListAllQueueUrlsAsync("twice-", ct));
        Assert.Equal(NotifyResources.Queues.Count, queues.Count);

        using var sns = new SnsClient(moto.Connection);
        var topic = first.IdOf("topic", "twice-ses-feedback");
        var subscriptions = await sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = topic }, ct);
        Assert.Single(subscriptions.Subscriptions);
    }

    [Fact]
    public async Task Should_wire_each_lane_to_its_fifo_dlq_with_the_defined_max_receive_count_when_provisioned()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await NotifyProvisioner.ProvisionAsync(moto.Connection, Options("redrive"), ct);
        using var sqs = new SqsClient(moto.Connection);

        foreach (var lane in new[] { NotifyResources.HighLane, NotifyResources.LowLane })
        {
            var naming = new ResourceNaming("redrive");
            var attributes = (await sqs.GetQueueAttributesAsync(
                new GetQueueAttributesRequest { QueueUrl = report.IdOf("queue", naming.Queue(lane)), AttributeNames = [QueueAttributeName.All] }, ct)).Attributes;
            var dlqArn = (await sqs.GetQueueAttributesAsync(
                new GetQueueAttributesRequest { QueueUrl = report.IdOf("queue", naming.Queue(lane.DeadLetter!.DeadLetterQueue)), AttributeNames = [QueueAttributeName.QueueArn] }, ct))
                .Attributes[QueueAttributeName.QueueArn];

            Assert.Equal("true", attributes[QueueAttributeName.FifoQueue]);
            Assert.Equal("false", attributes[QueueAttributeName.ContentBasedDeduplication]);
            using var redrive = JsonDocument.Parse(attributes[QueueAttributeName.RedrivePolicy]);
            Assert.Equal(dlqArn, redrive.RootElement.GetProperty("deadLetterTargetArn").GetString());
            Assert.Equal(NotifyResources.LaneMaxReceiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture), redrive.RootElement.GetProperty("maxReceiveCount").ToString());
            Assert.EndsWith(".fifo", dlqArn, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Should_create_the_table_with_its_indexes_and_ttl_when_provisioned()
    {
        var ct = TestContext.Current.CancellationToken;
        await NotifyProvisioner.ProvisionAsync(moto.Connection, Options("tables"), ct);
        using var dynamo = DynamoDbClientFactory.Create(moto.Connection);

        var table = (await dynamo.DescribeTableAsync("tables-main", ct)).Table;
        Assert.Equal(["due", "gsi1"], table.GlobalSecondaryIndexes.Select(i => i.IndexName).Order());
        Assert.Equal(Amazon.DynamoDBv2.BillingMode.PAY_PER_REQUEST, table.BillingModeSummary?.BillingMode ?? Amazon.DynamoDBv2.BillingMode.PAY_PER_REQUEST);
        var ttl = (await dynamo.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = "tables-main" }, ct)).TimeToLiveDescription;
        Assert.Equal("ttl", ttl.AttributeName);
    }

    [Fact]
    public async Task Should_restore_a_drifted_queue_attribute_and_report_it_updated_when_run_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await NotifyProvisioner.ProvisionAsync(moto.Connection, Options("drift"), ct);
        using var sqs = new SqsClient(moto.Connection);
        var url = report.IdOf("queue", "drift-high.fifo");
        await sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest { QueueUrl = url, Attributes = new() { [QueueAttributeName.VisibilityTimeout] = "7" } }, ct);

        var again = await NotifyProvisioner.ProvisionAsync(moto.Connection, Options("drift"), ct);

        Assert.Equal(ProvisioningAction.Updated, again.Resources.Single(r => r.Name == "drift-high.fifo").Action);
        Assert.All(again.Resources.Where(r => r.Name != "drift-high.fifo"), r => Assert.NotEqual(ProvisioningAction.Updated, r.Action));
        var visibility = (await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = [QueueAttributeName.VisibilityTimeout] }, ct))
            .Attributes[QueueAttributeName.VisibilityTimeout];
        Assert.Equal(NotifyResources.HighLane.VisibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), visibility);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
