using System.Collections.ObjectModel;
using System.Globalization;
using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Notify.Core.Resources;
using Notify.Core.Stats;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// Delivery counts per UTC minute: one item per minute (<c>STATS#{yyyyMMddHHmm}</c> / <c>STATS</c>) with one number per
/// channel and status (<c>email#sent</c>, <c>in_app#failed</c>). Workers add with <c>ADD</c>, which needs no read and
/// sums what every worker adds to the minute; each worker flushes one such update per minute and interval, not one
/// write per notification. Items expire after <see cref="Retention"/>. A window is read with <c>BatchGetItem</c> of its
/// minutes' keys (a minute with no item reads as empty).
/// </summary>
public sealed class DynamoDeliveryStatsStore : IDeliveryStatsStore
{
    /// <summary>How long a minute's item lives (TTL); the dashboard reads at most the last hour.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(2);

    /// <summary>The longest window one read may ask for (one day: 15 batches).</summary>
    public const int MaxMinutes = 24 * 60;

    // BatchGetItem's limit of keys per request.
    private const int BatchSize = 100;

    // Unprocessed keys (throttling, or the 16 MB answer limit) are asked again with backoff, this many times in all.
    private const int MaxBatchAttempts = 6;

    private static readonly IReadOnlyDictionary<(string Channel, string Status), long> Empty =
        ReadOnlyDictionary<(string Channel, string Status), long>.Empty;

    private readonly IAmazonDynamoDB _dynamo;
    private readonly string _table;
    private readonly TimeProvider _time;

    public DynamoDeliveryStatsStore(IAmazonDynamoDB dynamo, ResourceNaming naming, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(naming);
        _dynamo = dynamo ?? throw new ArgumentNullException(nameof(dynamo));
        _table = naming.Table(NotifyResources.MainTable);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>One <c>UpdateItem</c>: <c>SET ttl</c> and <c>ADD</c> each count; nothing at all when every count is 0.</summary>
    public async Task AddAsync(DateTimeOffset minute, IReadOnlyDictionary<(string Channel, string Status), long> counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var start = DeliveryMinute.Of(minute);
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#ttl"] = DynamoKeys.Ttl };
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [":ttl"] = DynamoAttributes.N(DynamoAttributes.EpochSeconds(start + Retention)),
        };
        var adds = new List<string>(counts.Count);
        foreach (var ((channel, status), count) in counts)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(counts));
            if (count == 0)
            {
                continue;
            }

            // Placeholders by position: the attribute names carry '#', which a placeholder cannot.
            var i = adds.Count.ToString(CultureInfo.InvariantCulture);
            names["#c" + i] = AttributeName(channel, status);
            values[":n" + i] = DynamoAttributes.N(count);
            adds.Add($"#c{i} :n{i}");
        }

        if (adds.Count == 0)
        {
            return;
        }

        await _dynamo.UpdateItemAsync(
            new UpdateItemRequest
            {
                TableName = _table,
                Key = DynamoKeys.Of(DynamoKeys.Stats(start), DynamoKeys.StatsSk),
                UpdateExpression = $"SET #ttl = :ttl ADD {string.Join(", ", adds)}",
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<MinuteStats>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var first = DeliveryMinute.Of(from);
        var last = DeliveryMinute.Of(to);
        ArgumentOutOfRangeException.ThrowIfLessThan(last, first, nameof(to));
        var count = (int)((last - first).Ticks / TimeSpan.TicksPerMinute) + 1;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxMinutes, nameof(to));

        var minutes = Enumerable.Range(0, count).Select(i => first.AddMinutes(i)).ToList();
        var found = new Dictionary<string, IReadOnlyDictionary<(string Channel, string Status), long>>(StringComparer.Ordinal);
        foreach (var chunk in minutes.Chunk(BatchSize))
        {
            var keys = chunk.Select(m => DynamoKeys.Of(DynamoKeys.Stats(m), DynamoKeys.StatsSk)).ToList();
            await GetAllAsync(keys, found, cancellationToken);
        }

        return [.. minutes.Select(m => new MinuteStats(m, found.GetValueOrDefault(DynamoKeys.Stats(m)) ?? Empty))];
    }

    private async Task GetAllAsync(
        List<Dictionary<string, AttributeValue>> keys,
        Dictionary<string, IReadOnlyDictionary<(string Channel, string Status), long>> found,
        CancellationToken cancellationToken)
    {
        var pending = keys;
        for (var attempt = 1; ; attempt++)
        {
            var response = await _dynamo.BatchGetItemAsync(
                new BatchGetItemRequest { RequestItems = new() { [_table] = new KeysAndAttributes { Keys = pending } } },
                cancellationToken);
            if (response.Responses?.GetValueOrDefault(_table) is { } items)
            {
                foreach (var item in items)
                {
                    found[item.String(DynamoKeys.Pk)] = CountsOf(item);
                }
            }

            pending = response.UnprocessedKeys?.GetValueOrDefault(_table)?.Keys;
            if (pending is not { Count: > 0 })
            {
                return;
            }

            if (attempt == MaxBatchAttempts)
            {
                // Throttling by nature, and typed so: callers (the API's exception handler) answer it as retry-later.
                throw new ProvisionedThroughputExceededException(
                    $"DynamoDB left {pending.Count} delivery-stats keys unprocessed after {attempt} attempts.")
                {
                    ErrorCode = nameof(ProvisionedThroughputExceededException),
                    ErrorType = ErrorType.Receiver,
                    StatusCode = HttpStatusCode.BadRequest,
                };
            }

            // AWS asks for exponential backoff before retrying unprocessed keys: 50 ms, 100 ms, ... 800 ms.
            await Task.Delay(TimeSpan.FromMilliseconds(50 << (attempt - 1)), _time, cancellationToken);
        }
    }

    private static Dictionary<(string Channel, string Status), long> CountsOf(Dictionary<string, AttributeValue> item)
    {
        var counts = new Dictionary<(string Channel, string Status), long>();
        foreach (var (name, value) in item)
        {
            var separator = name.IndexOf('#', StringComparison.Ordinal);
            if (separator > 0 && value.N is { } n)
            {
                counts[(name[..separator], name[(separator + 1)..])] = long.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture);
            }
        }

        return counts;
    }

    private static string AttributeName(string channel, string status)
    {
        if (string.IsNullOrEmpty(channel) || string.IsNullOrEmpty(status) || channel.Contains('#', StringComparison.Ordinal) || status.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Channel and status must be non-empty and free of '#': '{channel}', '{status}'.", nameof(channel));
        }

        return $"{channel}#{status}";
    }
}
