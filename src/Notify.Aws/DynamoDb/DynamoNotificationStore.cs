using System.Buffers.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Resources;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// Per-(event, channel) notification rows and the in-app inbox. Listing reads <c>gsi1</c> (<c>USR#{userId}#NTF</c>,
/// newest first); the unread count is a counter item (<c>USR#{userId}</c> / <c>INBOX</c>) kept in step by transactions:
/// +1 when an in-app row reaches <c>sent</c> (<see cref="UpsertAsync"/>), −1 when it is marked read.
/// </summary>
public sealed class DynamoNotificationStore : INotificationStore
{
    public const int MaxLimit = 100;

    internal const string Unread = "unread";

    // A filtered listing reads at most this many index pages per call, then answers what it has with a cursor, so a
    // rare filter over a long history costs bounded work per request.
    private const int MaxPagesPerList = 10;

    private static readonly string[] CursorAttributes = [DynamoKeys.Pk, DynamoKeys.Sk, DynamoKeys.Gsi1Pk, DynamoKeys.Gsi1Sk];

    private readonly IAmazonDynamoDB _dynamo;
    private readonly string _table;
    private readonly DynamoDeliveryStore _rows;

    public DynamoNotificationStore(IAmazonDynamoDB dynamo, ResourceNaming naming, IOptions<DynamoStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(options);
        _dynamo = dynamo ?? throw new ArgumentNullException(nameof(dynamo));
        _table = naming.Table(NotifyResources.MainTable);
        _rows = new DynamoDeliveryStore(dynamo, naming, options);
    }

    /// <summary>
    /// A user's notifications, newest first, optionally filtered by channel, status, event and creation time (at or after
    /// <see cref="NotificationQuery.Since"/>). The cursor is opaque
    /// (base64url of the last row's keys) and only valid for the same user.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is outside 1..<see cref="MaxLimit"/>.</exception>
    /// <exception cref="InvalidCursorException">The cursor was not issued for this user's listing.</exception>
    public async Task<NotificationPage> ListAsync(NotificationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(query.UserId, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, MaxLimit, nameof(query));
        var partition = DynamoKeys.UserNotifications(query.UserId);
        var cursor = query.Cursor is null ? null : DecodeCursor(query.Cursor, partition);
        return query.EventId is { } eventId
            ? await ListForEventAsync(query, eventId, cursor, cancellationToken)
            : await ListFromIndexAsync(query, partition, cursor, cancellationToken);
    }

    public async Task<int> UnreadCountAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var response = await _dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = DynamoKeys.Of(DynamoKeys.User(userId), DynamoKeys.InboxSk), ConsistentRead = true },
            cancellationToken);
        return response.Item is { Count: > 0 } item ? (int)Math.Max(0, item.Long(Unread)) : 0;
    }

    /// <summary>
    /// Sets <c>readAt</c> on the user's in-app row and decrements the unread counter in one transaction. Only in-app rows
    /// that reached the inbox (<c>sent</c> or later) can be read; any other id is <see cref="MarkReadOutcome.NotFound"/>.
    /// </summary>
    public async Task<MarkReadOutcome> MarkReadAsync(string userId, string notificationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (!NotificationId.TryParse(notificationId, out var eventId, out var channel) || channel != Channel.InApp)
        {
            return MarkReadOutcome.NotFound;
        }

        var key = NotificationItems.Key(eventId, channel);
        var read = new DynamoUpdate().Set(NotificationItems.ReadAt, DynamoAttributes.Time(now));
        var condition =
            $"attribute_exists({read.Name(DynamoKeys.Pk)}) AND {read.Name(NotificationItems.UserId)} = {read.Value(DynamoAttributes.S(userId))} " +
            $"AND {read.Name(NotificationItems.Status)} IN ({read.Value(DynamoAttributes.S("sent"))}, {read.Value(DynamoAttributes.S("delivered"))}) " +
            $"AND attribute_not_exists({read.Name(NotificationItems.ReadAt)})";
        var counter = new DynamoUpdate().Add(Unread, -1);
        var request = new TransactWriteItemsRequest
        {
            TransactItems =
            [
                new TransactWriteItem { Update = read.ToTransactUpdate(_table, key, condition) },
                new TransactWriteItem { Update = counter.ToTransactUpdate(_table, DynamoKeys.Of(DynamoKeys.User(userId), DynamoKeys.InboxSk)) },
            ],
        };

        // A conflicting transaction on the same items (two taps on one item) cancels with TransactionConflict: the row
        // read afterwards tells whether to answer or try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _dynamo.TransactWriteItemsAsync(request, cancellationToken);
                return MarkReadOutcome.Marked;
            }
            catch (TransactionCanceledException)
            {
                var row = await GetRowAsync(key, cancellationToken);
                if (row is null || row.OptionalString(NotificationItems.UserId) != userId
                    || row.OptionalString(NotificationItems.Status) is not ("sent" or "delivered"))
                {
                    return MarkReadOutcome.NotFound;
                }

                if (row.ContainsKey(NotificationItems.ReadAt))
                {
                    return MarkReadOutcome.AlreadyRead;
                }

                // The row changed between the transaction and the read (it just reached the inbox): once more.
                if (attempt == 3)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>
    /// Writes a notification row's state, forward only: nothing is written when the stored status ranks at least as high
    /// (returns false). When an in-app row reaches <c>sent</c>, the unread counter goes up in the same transaction.
    /// </summary>
    public Task<bool> UpsertAsync(NotificationRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _rows.CommitAsync(new DeliveryCommit(record.EventId, [record], null, null, record.UpdatedAt), cancellationToken);
    }

    private async Task<NotificationPage> ListFromIndexAsync(
        NotificationQuery query, string partition, Dictionary<string, AttributeValue>? cursor, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#g1pk"] = DynamoKeys.Gsi1Pk };
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":g1pk"] = DynamoAttributes.S(partition) };
        var keyCondition = "#g1pk = :g1pk";
        if (query.Since is { } since)
        {
            // The index's sort key starts with the creation time, so "since" is a key condition and costs no filtered reads.
            names["#g1sk"] = DynamoKeys.Gsi1Sk;
            values[":since"] = DynamoAttributes.Time(since);
            keyCondition += " AND #g1sk >= :since";
        }

        var filters = new List<string>();
        if (query.Channel is { } channel)
        {
            names["#channel"] = NotificationItems.Channel;
            values[":channel"] = DynamoAttributes.S(SnakeCase<Channel>.Name(channel));
            filters.Add("#channel = :channel");
        }

        if (query.Status is { } status)
        {
            names["#status"] = NotificationItems.Status;
            values[":status"] = DynamoAttributes.S(SnakeCase<NotificationStatus>.Name(status));
            filters.Add("#status = :status");
        }

        var items = new List<Dictionary<string, AttributeValue>>(query.Limit);
        var start = cursor;
        var overflow = false;
        for (var page = 0; page < MaxPagesPerList && items.Count < query.Limit; page++)
        {
            var response = await _dynamo.QueryAsync(
                new QueryRequest
                {
                    TableName = _table,
                    IndexName = DynamoKeys.Gsi1,
                    KeyConditionExpression = keyCondition,
                    FilterExpression = filters.Count == 0 ? null : string.Join(" AND ", filters),
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                    ScanIndexForward = false,

                    // One more than needed tells whether another page exists without a trailing empty page.
                    Limit = filters.Count == 0 ? query.Limit - items.Count + 1 : MaxLimit + 1,
                    ExclusiveStartKey = start,
                },
                cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                if (items.Count == query.Limit)
                {
                    overflow = true;
                    break;
                }

                items.Add(item);
            }

            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            if (overflow || start is null)
            {
                break;
            }
        }

        var nextCursor = overflow ? EncodeCursor(items[^1]) : start is null ? null : EncodeCursor(start);
        return new NotificationPage([.. items.Select(NotificationItems.ToRecord)], nextCursor);
    }

    /// <summary>An event's rows live in its own partition: at most one per channel, so the filter runs here.</summary>
    private async Task<NotificationPage> ListForEventAsync(
        NotificationQuery query, string eventId, Dictionary<string, AttributeValue>? cursor, CancellationToken cancellationToken)
    {
        var response = await _dynamo.QueryAsync(
            new QueryRequest
            {
                TableName = _table,
                KeyConditionExpression = "#pk = :pk AND begins_with(#sk, :prefix)",
                ExpressionAttributeNames = new() { ["#pk"] = DynamoKeys.Pk, ["#sk"] = DynamoKeys.Sk },
                ExpressionAttributeValues = new()
                {
                    [":pk"] = DynamoAttributes.S(DynamoKeys.Event(eventId)),
                    [":prefix"] = DynamoAttributes.S(DynamoKeys.NotificationSkPrefix),
                },
                ConsistentRead = true,
            },
            cancellationToken);
        var after = cursor?[DynamoKeys.Gsi1Sk].S;
        var since = query.Since is { } sinceTime ? DynamoAttributes.FormatTime(sinceTime) : null;
        var matching = (response.Items ?? [])
            .Where(i => i.OptionalString(NotificationItems.UserId) == query.UserId)
            .Where(i => query.Channel is not { } c || i.OptionalString(NotificationItems.Channel) == SnakeCase<Channel>.Name(c))
            .Where(i => query.Status is not { } s || i.OptionalString(NotificationItems.Status) == SnakeCase<NotificationStatus>.Name(s))
            .Where(i => after is null || string.CompareOrdinal(i.OptionalString(DynamoKeys.Gsi1Sk), after) < 0)
            .Where(i => since is null || string.CompareOrdinal(i.OptionalString(DynamoKeys.Gsi1Sk), since) >= 0)
            .OrderByDescending(i => i.OptionalString(DynamoKeys.Gsi1Sk), StringComparer.Ordinal)
            .ToList();
        var page = matching.Take(query.Limit).ToList();
        return new NotificationPage([.. page.Select(NotificationItems.ToRecord)], matching.Count > page.Count ? EncodeCursor(page[^1]) : null);
    }

    private async Task<Dictionary<string, AttributeValue>?> GetRowAsync(Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        var response = await _dynamo.GetItemAsync(new GetItemRequest { TableName = _table, Key = key, ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private static string EncodeCursor(Dictionary<string, AttributeValue> item)
    {
        var key = CursorAttributes.ToDictionary(a => a, a => item.String(a), StringComparer.Ordinal);
        return Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(key));
    }

    private static Dictionary<string, AttributeValue> DecodeCursor(string cursor, string partition)
    {
        Dictionary<string, string>? key;
        try
        {
            key = JsonSerializer.Deserialize<Dictionary<string, string>>(Base64Url.DecodeFromChars(cursor));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new InvalidCursorException("The cursor is not one this API issued.", e);
        }

        if (key is null || key.Count != CursorAttributes.Length || CursorAttributes.Any(a => !key.TryGetValue(a, out var v) || string.IsNullOrEmpty(v))
            || key[DynamoKeys.Gsi1Pk] != partition)
        {
            throw new InvalidCursorException("The cursor does not belong to this listing.");
        }

        return key.ToDictionary(kv => kv.Key, kv => DynamoAttributes.S(kv.Value), StringComparer.Ordinal);
    }
}

/// <summary>A pagination cursor that is malformed or belongs to another listing (the API answers 400).</summary>
public sealed class InvalidCursorException : ArgumentException
{
    public InvalidCursorException()
    {
    }

    public InvalidCursorException(string message)
        : base(message, "cursor")
    {
    }

    public InvalidCursorException(string message, Exception innerException)
        : base(message, "cursor", innerException)
    {
    }
}
