using Notify.Core.Delivery;
using Notify.Core.Notifications;

namespace Notify.Api.Inbox;

/// <summary>
/// Announces an item marked read (<c>{"type":"read", userId, notificationId, readAt, unreadCount}</c> on the inbox topic),
/// so the user's other tabs, on any instance, mark it and update their badge. Best effort: bounded in time, and a failure
/// is logged and counted, never answered to the caller, whose item is read either way.
/// </summary>
internal sealed partial class InboxReadAnnouncer(INotificationStore notifications, IInboxNotifier notifier, InboxMetrics metrics, ILogger<InboxReadAnnouncer> logger)
{
    /// <summary>Longest the mark-read request waits for the announcement.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task AnnounceAsync(string userId, string notificationId, DateTimeOffset readAt, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Timeout);
        try
        {
            var unread = await notifications.UnreadCountAsync(userId, bounded.Token);
            await notifier.NotifyReadAsync(new InboxItemRead(userId, notificationId, readAt, unread), bounded.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.Failed("announce_read");
            LogFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Announcing an inbox item read failed; the user's other tabs learn of it when they next list the inbox.")]
    private partial void LogFailed(Exception exception);
}
