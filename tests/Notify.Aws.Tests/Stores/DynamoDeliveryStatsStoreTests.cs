using System.Globalization;
using System.Reflection;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Notify.Aws.DynamoDb;
using Notify.Core.Stats;

namespace Notify.Aws.Tests.Stores;

public sealed class DynamoDeliveryStatsStoreTests(StoresFixture fixture) : IClassFixture<StoresFixture>
{
    private StoreEnvironment Env => fixture.Shared;

    // The class shares one table: each test counts on days of its own, ahead of now so that no TTL has passed.
    private static DateTimeOffset Day(int n) => new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(n).AddHours(22);

    private static Dictionary<(string Channel, string Status), long> Counts(params (string Channel, string Status, long Count)[] counts) =>
        counts.ToDictionary(c => (c.Channel, c.Status), c => c.Count);

    [Fact]
    public async Task Should_sum_what_two_workers_add_to_the_same_minute()
    {
        var ct = TestContext.Current.CancellationToken;
        var minute = Day(1).AddMinutes(30);
        using var otherClient = DynamoDbClientFactory.Create(Env.Moto.Connection);
        var workerA = new DynamoDeliveryStatsStore(Env.Dynamo, Env.Naming);
        var workerB = new DynamoDeliveryStatsStore(otherClient, Env.Naming);

        // One after the other: moto creates the item a first UpdateItem finds missing without a lock, so two first writes
        // at the same moment can lose one (seen once in CI); DynamoDB serializes writes to an item, and the store's ADD
        // is what makes the counts sum instead of overwrite.
        await workerA.AddAsync(minute.AddSeconds(12), Counts(("email", "sent", 3), ("email", "failed", 1)), ct);
        await workerB.AddAsync(minute.AddSeconds(48), Counts(("email", "sent", 4), ("in_app", "sent", 2)), ct);
        await workerA.AddAsync(minute, Counts(("email", "sent", 1)), ct);

        var read = Assert.Single(await workerB.ReadAsync(minute, minute, ct));
        Assert.Equal(minute, read.Minute);
        Assert.Equal(8, read.Counts[("email", "sent")]);
        Assert.Equal(1, read.Counts[("email", "failed")]);
        Assert.Equal(2, read.Counts[("in_app", "sent")]);
        Assert.Equal(3, read.Counts.Count);
    }

    [Fact]
    public async Task Should_return_every_requested_minute_oldest_first_with_empty_counts_where_nothing_was_added()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = Day(2);
        var store = new DynamoDeliveryStatsStore(Env.Dynamo, Env.Naming);
        await store.AddAsync(start.AddMinutes(1), Counts(("sms", "sent", 5)), ct);
        await store.AddAsync(start.AddMinutes(3), Counts(("push", "unknown", 1)), ct);

        var read = await store.ReadAsync(start.AddSeconds(59), start.AddMinutes(4).AddSeconds(1), ct);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => start.AddMinutes(i)), read.Select(m => m.Minute));
        Assert.Equal(new long[] { 0, 5, 0, 1, 0 }, read.Select(m => m.Total));
        Assert.Equal(5, read[1].Counts[("sms", "sent")]);
        Assert.Equal(1, read[3].Counts[("push", "unknown")]);
    }

    [Fact]
    public async Task Should_keep_one_item_per_minute_with_a_number_per_channel_and_status_expiring_two_days_after_the_minute()
    {
        var ct = TestContext.Current.CancellationToken;
        var minute = Day(3).AddMinutes(7);
        var store = new DynamoDeliveryStatsStore(Env.Dynamo, Env.Naming);

        await store.AddAsync(minute.AddSeconds(30), Counts(("in_app", "sent", 2), ("email", "bounced", 0)), ct);
        await store.AddAsync(minute, Counts(("email", "bounced", 0)), ct);

        var item = (await Env.Dynamo.GetItemAsync(
            new GetItemRequest
            {
                TableName = Env.Table,
                Key = new() { ["pk"] = new AttributeValue { S = "STATS#" + minute.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture) }, ["sk"] = new AttributeValue { S = "STATS" } },
            },
            ct)).Item;
        Assert.Equal(["in_app#sent", "pk", "sk", "ttl"], item.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("2", item["in_app#sent"].N);
        Assert.Equal((minute + TimeSpan.FromDays(2)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), item["ttl"].N);
    }

    [Fact]
    public async Task Should_read_a_window_longer_than_one_batch_when_it_spans_more_than_100_minutes()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = Day(4);
        var store = new DynamoDeliveryStatsStore(Env.Dynamo, Env.Naming);
        await store.AddAsync(start, Counts(("email", "sent", 1)), ct);
        await store.AddAsync(start.AddMinutes(149), Counts(("email", "sent", 2)), ct);

        var read = await store.ReadAsync(start, start.AddMinutes(149), ct);

        Assert.Equal(150, read.Count);
        Assert.Equal(1, read[0].Total);
        Assert.Equal(2, read[149].Total);
        Assert.Equal(3, read.Sum(m => m.Total));
    }

    [Fact]
    public async Task Should_ask_again_for_the_keys_dynamodb_left_unprocessed()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = Day(5);
        await new DynamoDeliveryStatsStore(Env.Dynamo, Env.Naming).AddAsync(start.AddMinutes(9), Counts(("email", "sent", 7)), ct);
        var dynamo = UnprocessingDynamo.Over(Env.Dynamo, out var calls);

        var read = await new DynamoDeliveryStatsStore(dynamo, Env.Naming).ReadAsync(start, start.AddMinutes(9), ct);

        Assert.Equal(2, calls.Count);
        Assert.Equal(5, calls[1]);
        Assert.Equal(10, read.Count);
        Assert.Equal(7, read[9].Counts[("email", "sent")]);
    }

    [Theory]
    [InlineData("email#x", "sent")]
    [InlineData("email", "")]
    public async Task Should_refuse_a_channel_or_status_that_cannot_be_an_attribute_name(string channel, string status)
    {
        var store = new DynamoDeliveryStatsStore(Env.Dynamo, Env.Naming);

        await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync(Day(6), Counts((channel, status, 1)), TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// The real client, except that the first <c>BatchGetItem</c> sends only half of its keys and answers the other half as
    /// unprocessed, as DynamoDB does when throttled. Records how many keys each <c>BatchGetItem</c> asked for.
    /// </summary>
    public class UnprocessingDynamo : DispatchProxy
    {
        private IAmazonDynamoDB _inner = null!;
        private List<int> _calls = null!;

        public static IAmazonDynamoDB Over(IAmazonDynamoDB inner, out List<int> calls)
        {
            var proxy = Create<IAmazonDynamoDB, UnprocessingDynamo>();
            var self = (UnprocessingDynamo)(object)proxy;
            self._inner = inner;
            self._calls = calls = [];
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IAmazonDynamoDB.BatchGetItemAsync) && args is [BatchGetItemRequest request, CancellationToken ct])
            {
                return BatchGetAsync(request, ct);
            }

            return targetMethod.Invoke(_inner, args);
        }

        private async Task<BatchGetItemResponse> BatchGetAsync(BatchGetItemRequest request, CancellationToken ct)
        {
            var (table, keys) = request.RequestItems.Single();
            _calls.Add(keys.Keys.Count);
            if (_calls.Count > 1)
            {
                return await _inner.BatchGetItemAsync(request, ct);
            }

            var half = keys.Keys.Count / 2;
            var response = await _inner.BatchGetItemAsync(
                new BatchGetItemRequest { RequestItems = new() { [table] = new KeysAndAttributes { Keys = keys.Keys.Take(half).ToList() } } }, ct);
            response.UnprocessedKeys = new() { [table] = new KeysAndAttributes { Keys = keys.Keys.Skip(half).ToList() } };
            return response;
        }
    }
}
