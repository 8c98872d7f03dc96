using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Notify.Aws.Channels.InApp;
using Notify.Core.Notifications;

namespace Notify.Api.Inbox;

/// <summary>What a client is told: the event name (<see cref="InboxConnections.NotificationEvent"/>…) and its payload.</summary>
internal sealed record InboxPush(string Event, object Payload);

/// <summary>A stored in-app item as clients receive it.</summary>
internal sealed record InboxItemView(string NotificationId, string EventId, string EventType, string? Title, string? Body, DateTimeOffset At);

internal sealed record InboxReadView(string NotificationId, DateTimeOffset ReadAt);

internal sealed record InboxUnreadView(int Count);

/// <summary>One event stream's subscription: what is pushed to its user arrives on <see cref="Reader"/>.</summary>
internal sealed class InboxStream(InboxConnections owner, string userId, Channel<InboxPush> channel) : IDisposable
{
    private int _disposed;

    public string UserId => userId;

    public ChannelReader<InboxPush> Reader => channel.Reader;

    internal ChannelWriter<InboxPush> Writer => channel.Writer;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            owner.CloseStream(this);
        }
    }
}

/// <summary>
/// This instance's live inbox connections by user (SignalR connections and event streams together, for the per-user limit)
/// and the push of an announcement to them: the hub group <c>inbox:{userId}</c> and each of the user's streams. A user
/// with no connection here costs nothing: the announcement is counted and dropped.
/// </summary>
internal sealed partial class InboxConnections(
    IHubContext<InboxHub> hub,
    INotificationStore notifications,
    IOptions<InboxOptions> options,
    InboxMetrics metrics,
    TimeProvider time,
    ILogger<InboxConnections> logger)
{
    public const string SignalR = "signalr";
    public const string Sse = "sse";

    public const string NotificationEvent = "notification";
    public const string ReadEvent = "read";
    public const string UnreadEvent = "unread";
    public const string HeartbeatEvent = "heartbeat";

    // A stream that falls this far behind loses its oldest pushes rather than holding memory or the pusher; the listing
    // with `since` is the way back.
    private const int StreamBacklog = 256;

    private readonly int _maxPerUser = options.Value.MaxConnectionsPerUser;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, UserConnections> _users = new(StringComparer.Ordinal);

    public int MaxPerUser => _maxPerUser;

    /// <summary>Counts a connection of the user, unless the user already holds the most allowed here.</summary>
    public bool TryOpen(string userId, string transport)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var user))
            {
                user = _users[userId] = new UserConnections();
            }

            if (user.Count >= _maxPerUser)
            {
                return false;
            }

            user.Count++;
        }

        metrics.ConnectionOpened(transport);
        return true;
    }

    public void Close(string userId, string transport)
    {
        lock (_gate)
        {
            if (_users.TryGetValue(userId, out var user) && --user.Count <= 0)
            {
                _users.Remove(userId);
            }
        }

        metrics.ConnectionClosed(transport);
    }

    /// <summary>Opens an event stream for the user, or null when the user holds the most connections allowed here.</summary>
    public InboxStream? OpenStream(string userId)
    {
        if (!TryOpen(userId, Sse))
        {
            return null;
        }

        var stream = new InboxStream(this, userId, Channel.CreateBounded<InboxPush>(
            new BoundedChannelOptions(StreamBacklog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true }));
        lock (_gate)
        {
            _users[userId].Streams.Add(stream);
        }

        return stream;
    }

    public bool HasConnections(string userId)
    {
        lock (_gate)
        {
            return _users.ContainsKey(userId);
        }
    }

    /// <summary>The user's unread count as a push; null when it cannot be read now (the client keeps its badge).</summary>
    public async Task<InboxPush?> UnreadAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            return new InboxPush(UnreadEvent, new InboxUnreadView(await notifications.UnreadCountAsync(userId, cancellationToken)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.Failed("push");
            LogUnreadFailed(e);
            return null;
        }
    }

    /// <summary>
    /// Pushes an announcement to the user's connections here: a stored item as <c>notification</c> then <c>unread</c>
    /// (read from DynamoDB, since the worker's announcement carries no count), a read item as <c>read</c> then <c>unread</c>.
    /// </summary>
    public async Task PushAsync(InboxAnnouncement announcement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        var userId = announcement.UserId;
        var local = HasConnections(userId);
        metrics.Announcement(announcement is InboxAnnouncement.Read ? ReadEvent : NotificationEvent, local);
        if (!local)
        {
            return;
        }

        switch (announcement)
        {
            case InboxAnnouncement.Stored { Item: var item }:
                await SendAsync(userId, new InboxPush(NotificationEvent, new InboxItemView(item.NotificationId, item.EventId, item.EventType, item.Title, item.Body, item.At)), cancellationToken);
                metrics.Pushed(time.GetUtcNow() - item.At);
                if (await UnreadAsync(userId, cancellationToken) is { } unread)
                {
                    await SendAsync(userId, unread, cancellationToken);
                }

                break;
            case InboxAnnouncement.Read { Item: var item }:
                await SendAsync(userId, new InboxPush(ReadEvent, new InboxReadView(item.NotificationId, item.ReadAt)), cancellationToken);
                await SendAsync(userId, new InboxPush(UnreadEvent, new InboxUnreadView(item.UnreadCount)), cancellationToken);
                metrics.Pushed(time.GetUtcNow() - item.ReadAt);
                break;
        }
    }

    internal void CloseStream(InboxStream stream)
    {
        lock (_gate)
        {
            if (_users.TryGetValue(stream.UserId, out var user))
            {
                user.Streams.Remove(stream);
            }
        }

        stream.Writer.TryComplete();
        Close(stream.UserId, Sse);
    }

    private async Task SendAsync(string userId, InboxPush push, CancellationToken cancellationToken)
    {
        InboxStream[] streams;
        lock (_gate)
        {
            streams = _users.TryGetValue(userId, out var user) ? [.. user.Streams] : [];
        }

        foreach (var stream in streams)
        {
            stream.Writer.TryWrite(push);
        }

        await hub.Clients.Group(InboxHub.GroupOf(userId)).SendAsync(push.Event, push.Payload, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading a user's unread count for the live inbox failed; the push goes without it.")]
    private partial void LogUnreadFailed(Exception exception);

    private sealed class UserConnections
    {
        public int Count { get; set; }

        public List<InboxStream> Streams { get; } = [];
    }
}
