using Notify.Core.Events;

namespace Notify.Core.Notifications;

/// <summary>
/// A channel's status. <see cref="Rank"/> only grows: every update is conditional on a lower stored rank, so a late
/// or repeated update never moves a row backwards.
/// </summary>
public enum NotificationStatus
{
    Pending,
    Deferred,
    Sending,
    Sent,
    Failed,
    Suppressed,
    Skipped,

    /// <summary>A claim expired with no recorded outcome on a channel that is never blindly re-sent (SMS, push).</summary>
    Unknown,
    Delivered,
    Bounced,
    Complained,
}

public static class NotificationStatusRank
{
    public static int Rank(this NotificationStatus status) => status switch
    {
        NotificationStatus.Pending => 0,
        NotificationStatus.Deferred => 1,
        NotificationStatus.Sending => 2,
        NotificationStatus.Delivered => 4,

        // A complaint arrives after the delivery receipt and must still land; a bounce can follow a delivery delay.
        NotificationStatus.Bounced or NotificationStatus.Complained => 5,
        _ => 3,
    };

    public static bool IsTerminal(this NotificationStatus status) => status.Rank() >= 3;
}

/// <summary>One (eventId, channel) row.</summary>
public sealed record NotificationRecord(
    string EventId,
    Channel Channel,
    string UserId,
    string EventType,
    NotificationStatus Status,
    int Attempts,
    string? LastError,
    string? Reason,
    bool Simulated,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ReadAt,
    IReadOnlyDictionary<string, DateTimeOffset> Transitions,
    RenderedContent? Content);

/// <summary>What was (or would be) sent: email subject/text/html, or a body (SMS, push title/body, in-app).</summary>
public sealed record RenderedContent(string? Subject, string? Text, string? Html, string? Title, string? Body);

/// <summary>
/// A page of a user's notifications. <paramref name="Since"/> keeps the rows created at or after that time (a client
/// that reconnects fetches what it missed with the time of the newest item it holds).
/// </summary>
public sealed record NotificationQuery(
    string UserId,
    Channel? Channel,
    NotificationStatus? Status,
    string? EventId,
    int Limit,
    string? Cursor,
    DateTimeOffset? Since = null);

public sealed record NotificationPage(IReadOnlyList<NotificationRecord> Items, string? NextCursor);

public enum MarkReadOutcome
{
    Marked,
    AlreadyRead,
    NotFound,
}

public interface INotificationStore
{
    Task<NotificationPage> ListAsync(NotificationQuery query, CancellationToken cancellationToken);

    Task<int> UnreadCountAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Marks an in-app item read and decrements the unread counter in one transaction.</summary>
    Task<MarkReadOutcome> MarkReadAsync(string userId, string notificationId, DateTimeOffset now, CancellationToken cancellationToken);
}
