using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2.Model;
using Notify.Aws.DynamoDb;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Faults;

/// <summary>
/// Everything a request could change, read from moto past the proxy: every item of every Notify table (a Scan, each
/// item written as one canonical line, sorted), the depth of every Notify queue (visible, in flight, delayed), and what
/// the providers hold (emails, SMS, push endpoints and the pushes they received). Two snapshots are equal only when
/// nothing was stored, queued or sent in between.
/// </summary>
public sealed record StoreSnapshot(IReadOnlyList<string> Items, IReadOnlyDictionary<string, string> Queues, IReadOnlyDictionary<string, int> Providers)
{
    public int ItemCount => Items.Count;

    public static async Task<StoreSnapshot> TakeAsync(EndToEndFixture system, CancellationToken cancellationToken)
    {
        using var dynamo = DynamoDbClientFactory.Create(system.Moto.Connection);
        var items = new List<string>();
        var tables = await dynamo.ListTablesAsync(new ListTablesRequest(), cancellationToken);
        foreach (var table in (tables.TableNames ?? []).Where(t => t.StartsWith(system.Prefix + "-", StringComparison.Ordinal)))
        {
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var page = await dynamo.ScanAsync(new ScanRequest { TableName = table, ExclusiveStartKey = start, ConsistentRead = true }, cancellationToken);
                items.AddRange((page.Items ?? []).Select(item => $"{table} {Canonical(item)}"));
                start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            }
            while (start is not null);
        }

        items.Sort(StringComparer.Ordinal);

        using var sqs = new SqsClient(system.Moto.Connection);
        var queues = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var url in sqs.ListAllQueueUrlsAsync(system.Prefix, cancellationToken))
        {
            var attributes = (await sqs.GetQueueAttributesAsync(
                new GetQueueAttributesRequest
                {
                    QueueUrl = url,
                    AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
                },
                cancellationToken)).Attributes;
            queues[url[(url.LastIndexOf('/') + 1)..]] =
                $"visible={attributes.GetValueOrDefault("ApproximateNumberOfMessages")} in_flight={attributes.GetValueOrDefault("ApproximateNumberOfMessagesNotVisible")} delayed={attributes.GetValueOrDefault("ApproximateNumberOfMessagesDelayed")}";
        }

        var dump = await MotoState.DumpAsync(system.MotoEndpoint, TimeSpan.FromSeconds(60), cancellationToken);
        var endpoints = MotoState.Models(dump, "sns", "PlatformEndpoint");
        var providers = new SortedDictionary<string, int>(StringComparer.Ordinal)
        {
            ["ses emails"] = MotoState.Models(dump, "ses", "Message").Count + MotoState.Models(dump, "ses", "RawMessage").Count,
            ["sns sms"] = MotoState.Models(dump, "sns", "SMS").Count,
            ["sns push endpoints"] = endpoints.Count,
            ["sns pushes"] = endpoints.Sum(e => e["messages"]?.AsObject().Count ?? 0),
        };

        return new StoreSnapshot(items, queues, providers);
    }

    /// <summary>What differs from <paramref name="before"/>, line by line (at most <paramref name="max"/> lines each way); empty when equal.</summary>
    public string DifferenceFrom(StoreSnapshot before, int max = 20)
    {
        var text = new StringBuilder();
        var removed = before.Items.Except(Items, StringComparer.Ordinal).ToList();
        var added = Items.Except(before.Items, StringComparer.Ordinal).ToList();
        foreach (var (sign, lines) in new[] { ("-", removed), ("+", added) })
        {
            foreach (var line in lines.Take(max))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{sign} {(line.Length > 400 ? line[..400] + "…" : line)}");
            }

            if (lines.Count > max)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{sign} … {lines.Count - max} more");
            }
        }

        foreach (var key in before.Queues.Keys.Union(Queues.Keys).Where(k => before.Queues.GetValueOrDefault(k) != Queues.GetValueOrDefault(k)))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"queue {key}: {before.Queues.GetValueOrDefault(key) ?? "(none)"} -> {Queues.GetValueOrDefault(key) ?? "(none)"}");
        }

        foreach (var key in before.Providers.Keys.Where(k => before.Providers[k] != Providers.GetValueOrDefault(k)))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{key}: {before.Providers[key]} -> {Providers.GetValueOrDefault(key)}");
        }

        return text.ToString();
    }

    /// <summary>An item as one line: attributes sorted by name, each value in a canonical form (sets sorted).</summary>
    private static string Canonical(Dictionary<string, AttributeValue> item) =>
        "{" + string.Join(",", item.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={Canonical(a.Value)}")) + "}";

    private static string Canonical(AttributeValue value) => value switch
    {
        { S: { } s } => "S:" + s,
        { N: { } n } => "N:" + n,
        { B: { } b } => "B:" + Convert.ToBase64String(b.ToArray()),
        { BOOL: { } flag } => "BOOL:" + flag,
        { NULL: true } => "NULL",
        { SS: { Count: > 0 } ss } => "SS:[" + string.Join(",", ss.Order(StringComparer.Ordinal)) + "]",
        { NS: { Count: > 0 } ns } => "NS:[" + string.Join(",", ns.Order(StringComparer.Ordinal)) + "]",
        { BS: { Count: > 0 } bs } => "BS:[" + string.Join(",", bs.Select(b => Convert.ToBase64String(b.ToArray())).Order(StringComparer.Ordinal)) + "]",
        { L: { } list } => "L:[" + string.Join(",", list.Select(Canonical)) + "]",
        { M: { } map } => "M:" + Canonical(map),
        _ => "?",
    };
}
