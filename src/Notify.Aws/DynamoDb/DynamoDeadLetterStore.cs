using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using Notify.Core;
using Notify.Core.DeadLetters;
using Notify.Core.Events;
using Notify.Core.Resources;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// Dead letters (<c>DL#{id}</c>), listed newest first through the <c>DEADLETTERS</c> listing of <c>gsi1</c>, expiring with
/// the retention. The raw body is stored once: when it is the event's own JSON (the usual case) the event is read back
/// from it rather than stored twice, which keeps a large message within DynamoDB's 400 KB item limit.
/// </summary>
public sealed class DynamoDeadLetterStore : IDeadLetterStore
{
    public const int MaxLimit = 1000;

    private readonly IAmazonDynamoDB _dynamo;
    private readonly string _table;
    private readonly DynamoStoreOptions _options;

    public DynamoDeadLetterStore(IAmazonDynamoDB dynamo, ResourceNaming naming, IOptions<DynamoStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(options);
        _dynamo = dynamo ?? throw new ArgumentNullException(nameof(dynamo));
        _table = naming.Table(NotifyResources.MainTable);
        _options = options.Value;
    }

    /// <summary>Creates or replaces the dead letter of its id.</summary>
    public async Task PutAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        ArgumentException.ThrowIfNullOrEmpty(deadLetter.Id, nameof(deadLetter));
        var item = DynamoKeys.Of(DynamoKeys.DeadLetter(deadLetter.Id), DynamoKeys.DeadLetterSk);
        item[DynamoKeys.Gsi1Pk] = DynamoAttributes.S(DynamoKeys.DeadLettersListing);
        item[DynamoKeys.Gsi1Sk] = DynamoAttributes.S($"{DynamoAttributes.FormatTime(deadLetter.DeadLetteredAt)}#{deadLetter.Id}");
        item["id"] = DynamoAttributes.S(deadLetter.Id);
        item["eventId"] = DynamoAttributes.S(deadLetter.EventId);
        item["lane"] = DynamoAttributes.S(SnakeCase<Priority>.Name(deadLetter.Lane));
        item["rawBody"] = DynamoAttributes.S(deadLetter.RawBody);
        if (deadLetter.Event is { } accepted)
        {
            var json = JsonSerializer.Serialize(accepted, NotifyJson.Options);
            if (json == deadLetter.RawBody)
            {
                item["bodyIsEvent"] = DynamoAttributes.Bool(true);
            }
            else
            {
                item["event"] = DynamoAttributes.S(json);
            }
        }

        item["receiveCount"] = DynamoAttributes.N(deadLetter.ReceiveCount);
        item["lastErrors"] = new AttributeValue { M = deadLetter.LastErrors.ToDictionary(kv => kv.Key, kv => DynamoAttributes.S(kv.Value), StringComparer.Ordinal) };
        item["firstReceivedAt"] = DynamoAttributes.Time(deadLetter.FirstReceivedAt);
        item["deadLetteredAt"] = DynamoAttributes.Time(deadLetter.DeadLetteredAt);
        item[DynamoKeys.Ttl] = DynamoAttributes.N(DynamoAttributes.EpochSeconds(deadLetter.DeadLetteredAt + _options.Retention));
        await _dynamo.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, cancellationToken);
    }

    /// <summary>The newest dead letters first, at most <paramref name="limit"/> (1..<see cref="MaxLimit"/>).</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        return [.. (await _dynamo.QueryAsync(_table, DynamoKeys.DeadLettersListing, newestFirst: true, limit, cancellationToken)).Select(ToDeadLetter)];
    }

    public async Task<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var response = await _dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = DynamoKeys.Of(DynamoKeys.DeadLetter(id), DynamoKeys.DeadLetterSk), ConsistentRead = true },
            cancellationToken);
        return response.Item is { Count: > 0 } item ? ToDeadLetter(item) : null;
    }

    /// <summary>True when there was a dead letter to delete (after a redrive, say).</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var response = await _dynamo.DeleteItemAsync(
            new DeleteItemRequest { TableName = _table, Key = DynamoKeys.Of(DynamoKeys.DeadLetter(id), DynamoKeys.DeadLetterSk), ReturnValues = ReturnValue.ALL_OLD },
            cancellationToken);
        return response.Attributes is { Count: > 0 };
    }

    private static DeadLetter ToDeadLetter(Dictionary<string, AttributeValue> item)
    {
        var rawBody = item.String("rawBody");
        var accepted = item.Boolean("bodyIsEvent") ? JsonSerializer.Deserialize<AcceptedEvent>(rawBody, NotifyJson.Options)
            : item.ContainsKey("event") ? item.FromJson<AcceptedEvent>("event")
            : null;
        return new DeadLetter(
            item.String("id"),
            item.String("eventId"),
            SnakeCase<Priority>.Parse(item.String("lane")),
            accepted,
            rawBody,
            (int)item.Long("receiveCount"),
            (item.Map("lastErrors") ?? []).ToDictionary(kv => kv.Key, kv => kv.Value.S ?? string.Empty, StringComparer.Ordinal),
            item.TimeOf("firstReceivedAt"),
            item.TimeOf("deadLetteredAt"));
    }
}
