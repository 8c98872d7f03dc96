using Amazon.DynamoDBv2.Model;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// The notification row (<c>EVT#{eventId}</c> / <c>NTF#{channel}</c>): its mapping and its forward-only update. Each
/// status's time is an attribute of its own (<c>sentAt</c>, <c>deliveredAt</c>...), so a transition sets one attribute
/// without reading the row.
/// </summary>
internal static class NotificationItems
{
    public const string EventId = "eventId";
    public const string Channel = "channel";
    public const string UserId = "userId";
    public const string EventType = "eventType";
    public const string Status = "status";
    public const string Rank = "rank";
    public const string Attempts = "attempts";
    public const string LastError = "lastError";
    public const string Reason = "reason";
    public const string Simulated = "simulated";
    public const string CreatedAt = "createdAt";
    public const string UpdatedAt = "updatedAt";
    public const string ReadAt = "readAt";
    public const string Content = "content";

    public static string TransitionAttribute(NotificationStatus status) => SnakeCase<NotificationStatus>.Name(status) + "At";

    public static string Gsi1Sk(DateTimeOffset createdAt, string eventId, Core.Events.Channel channel) =>
        $"{DynamoAttributes.FormatTime(createdAt)}#{eventId}#{SnakeCase<Core.Events.Channel>.Name(channel)}";

    public static Dictionary<string, AttributeValue> Key(string eventId, Core.Events.Channel channel) =>
        DynamoKeys.Of(DynamoKeys.Event(eventId), DynamoKeys.Notification(channel));

    /// <summary>
    /// Writes the row's state unless the stored status ranks at least as high (equal is allowed for <c>deferred</c>,
    /// which may repeat). The creation time, index key and expiry are set once; <c>readAt</c> is never touched here.
    /// </summary>
    public static (DynamoUpdate Update, string Condition) ForwardUpdate(NotificationRecord record, TimeSpan retention, bool countAttempt = false)
    {
        var update = new DynamoUpdate()
            .SetIfNotExists(DynamoKeys.Gsi1Pk, DynamoAttributes.S(DynamoKeys.UserNotifications(record.UserId)))
            .SetIfNotExists(DynamoKeys.Gsi1Sk, DynamoAttributes.S(Gsi1Sk(record.CreatedAt, record.EventId, record.Channel)))
            .SetIfNotExists(CreatedAt, DynamoAttributes.Time(record.CreatedAt))
            .SetIfNotExists(DynamoKeys.Ttl, DynamoAttributes.N(DynamoAttributes.EpochSeconds(record.CreatedAt + retention)))
            .Set(EventId, DynamoAttributes.S(record.EventId))
            .Set(Channel, DynamoAttributes.S(SnakeCase<Core.Events.Channel>.Name(record.Channel)))
            .Set(UserId, DynamoAttributes.S(record.UserId))
            .Set(EventType, DynamoAttributes.S(record.EventType))
            .Set(Status, DynamoAttributes.S(SnakeCase<NotificationStatus>.Name(record.Status)))
            .Set(Rank, DynamoAttributes.N(record.Status.Rank()))
            .Set(Simulated, DynamoAttributes.Bool(record.Simulated))
            .Set(UpdatedAt, DynamoAttributes.Time(record.UpdatedAt));

        // A claim counts an attempt; any other write keeps the count the claims made.
        if (countAttempt)
        {
            update.Add(Attempts, 1);
        }
        else
        {
            update.SetIfNotExists(Attempts, DynamoAttributes.N(record.Attempts));
        }

        if (!string.IsNullOrEmpty(record.LastError))
        {
            update.Set(LastError, DynamoAttributes.S(record.LastError));
        }

        // The reason explains the current status (a sent row is not "rate_limited" any more); the last error stays as history.
        if (!string.IsNullOrEmpty(record.Reason))
        {
            update.Set(Reason, DynamoAttributes.S(record.Reason));
        }
        else
        {
            update.Remove(Reason);
        }

        if (record.Content is { } content && ToMap(content) is { Count: > 0 } map)
        {
            update.Set(Content, new AttributeValue { M = map });
        }

        var transitions = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var (name, at) in record.Transitions)
        {
            if (SnakeCase<NotificationStatus>.TryParse(name, out var status))
            {
                transitions[TransitionAttribute(status)] = at;
            }
        }

        transitions.TryAdd(TransitionAttribute(record.Status), record.UpdatedAt);
        foreach (var (attribute, at) in transitions)
        {
            update.Set(attribute, DynamoAttributes.Time(at));
        }

        var rank = update.Name(Rank);
        var comparison = record.Status == NotificationStatus.Deferred ? "<=" : "<";
        var condition = $"attribute_not_exists({update.Name(DynamoKeys.Pk)}) OR {rank} {comparison} {update.Value(DynamoAttributes.N(record.Status.Rank()))}";
        return (update, condition);
    }

    public static NotificationRecord ToRecord(Dictionary<string, AttributeValue> item)
    {
        var transitions = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var status in Enum.GetValues<NotificationStatus>())
        {
            if (item.OptionalTime(TransitionAttribute(status)) is { } at)
            {
                transitions[SnakeCase<NotificationStatus>.Name(status)] = at;
            }
        }

        return new NotificationRecord(
            item.String(EventId),
            SnakeCase<Core.Events.Channel>.Parse(item.String(Channel)),
            item.String(UserId),
            item.String(EventType),
            SnakeCase<NotificationStatus>.Parse(item.String(Status)),
            (int)item.Long(Attempts),
            item.OptionalString(LastError),
            item.OptionalString(Reason),
            item.Boolean(Simulated),
            item.TimeOf(CreatedAt),
            item.TimeOf(UpdatedAt),
            item.OptionalTime(ReadAt),
            transitions,
            item.Map(Content) is { } content ? FromMap(content) : null);
    }

    private static Dictionary<string, AttributeValue> ToMap(RenderedContent content)
    {
        var map = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        map.SetIfPresent("subject", content.Subject);
        map.SetIfPresent("text", content.Text);
        map.SetIfPresent("html", content.Html);
        map.SetIfPresent("title", content.Title);
        map.SetIfPresent("body", content.Body);
        return map;
    }

    private static RenderedContent FromMap(Dictionary<string, AttributeValue> map) =>
        new(map.OptionalString("subject"), map.OptionalString("text"), map.OptionalString("html"), map.OptionalString("title"), map.OptionalString("body"));
}
