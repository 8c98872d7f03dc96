using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Templates;
using Notify.Core.Users;

namespace Notify.Worker.Delivery;

/// <summary>The working state of one message's delivery: what was loaded, decided, and is still to be written.</summary>
internal sealed class DeliveryRun(AcceptedEvent accepted, EventRecord? record, UserProfile profile, IReadOnlyList<Template> templates, DateTimeOffset now)
{
    public AcceptedEvent Event { get; } = accepted;

    public EventRecord? Record { get; } = record;

    public UserProfile Profile { get; } = profile;

    public IReadOnlyList<Template> Templates { get; } = templates;

    public DateTimeOffset Now { get; } = now;

    /// <summary>Channels with a final status, from earlier runs or this one.</summary>
    public Dictionary<Channel, NotificationStatus> Final { get; } = [];

    /// <summary>Final rows decided without a provider call, written with the next commit.</summary>
    public List<NotificationRecord> Pending { get; } = [];

    public List<NotificationRecord> Deferred { get; } = [];

    public List<ChannelDecision.Send> Sends { get; } = [];

    public DateTimeOffset? DeferUntil { get; private set; }

    /// <summary>Set when the message must come back (transient failure, a lease held elsewhere, shutdown).</summary>
    public TimeSpan? Retry { get; private set; }

    /// <summary>True once the event's overall status was written in this run.</summary>
    public bool Completed { get; set; }

    /// <summary>Nothing is left that would keep the event open after the channel being sent.</summary>
    public bool CanComplete => Retry is null && Deferred.Count == 0;

    public void RetryAfter(TimeSpan delay)
    {
        var clamped = delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        Retry = Retry is { } current && current > clamped ? current : clamped;
    }

    public void Defer(Channel channel, DateTimeOffset until, string reason)
    {
        Deferred.Add(Row(channel, NotificationStatus.Deferred, reason, null, null, 0));
        DeferUntil = DeferUntil is { } current && current < until ? current : until;
        DeliveryTelemetry.RecordDeferral(channel, reason);
    }

    public NotificationRecord Row(
        Channel channel, NotificationStatus status, string? reason, string? error, RenderedContent? content, int attempts, DateTimeOffset? at = null, bool simulated = false)
    {
        var when = at ?? Now;
        return new NotificationRecord(
            Event.EventId, channel, Event.UserId, Event.Submission.EventType, status, attempts, error, reason,
            simulated || Event.Mode == KeyMode.Test, Now, when, null, new Dictionary<string, DateTimeOffset>(), content);
    }
}
