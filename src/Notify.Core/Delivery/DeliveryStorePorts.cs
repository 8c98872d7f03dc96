using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Core.Delivery;

/// <summary>
/// A per-user counter charged in the same write as a claim: at most <paramref name="Limit"/> notifications in the window
/// that starts at <paramref name="WindowStart"/>, across every worker instance. <paramref name="Scope"/> is the event type
/// when it has a limit of its own, else <c>*</c>.
/// </summary>
public sealed record RateLimitCharge(string Scope, DateTimeOffset WindowStart, TimeSpan Window, int Limit)
{
    public DateTimeOffset WindowEnd => WindowStart + Window;
}

/// <summary>
/// Claims one (event, channel) before the provider call: the row becomes <c>sending</c> with a lease. An expired lease is
/// taken over only when <paramref name="ResendOnExpiredLease"/> (email, in-app); <paramref name="TakeEvent"/> also moves the
/// event to <c>processing</c> and out of the due index.
/// </summary>
public sealed record ClaimRequest(
    AcceptedEvent Event,
    Channel Channel,
    DateTimeOffset Now,
    DateTimeOffset LeaseUntil,
    bool ResendOnExpiredLease,
    RateLimitCharge? RateLimit,
    bool TakeEvent,
    RenderedContent? Content);

public abstract record ClaimOutcome
{
    private ClaimOutcome()
    {
    }

    /// <summary>This worker holds the row; <paramref name="Attempt"/> counts provider attempts on the row.</summary>
    public sealed record Claimed(int Attempt) : ClaimOutcome;

    /// <summary>The row already has an outcome: never send again.</summary>
    public sealed record AlreadyFinal(NotificationStatus Status) : ClaimOutcome;

    /// <summary>Another worker holds a live lease: come back after it.</summary>
    public sealed record HeldElsewhere(DateTimeOffset LeaseUntil) : ClaimOutcome;

    /// <summary>A claim expired without an outcome on a channel that is never blindly re-sent (SMS, push): record <c>unknown</c>.</summary>
    public sealed record LeaseExpired : ClaimOutcome;

    /// <summary>The user's counter for the window is full: defer to <paramref name="RetryAt"/>.</summary>
    public sealed record RateLimited(DateTimeOffset RetryAt) : ClaimOutcome;
}

/// <summary>What the event itself becomes in a <see cref="DeliveryCommit"/>.</summary>
public abstract record EventUpdate
{
    private EventUpdate()
    {
    }

    /// <summary>Being worked on (retried later): <c>processing</c>, and out of the due index, since SQS now owns its retries.</summary>
    public sealed record Processing : EventUpdate;

    /// <summary>Every channel is final: the overall status, and the event leaves the due index.</summary>
    public sealed record Complete(EventStatus Status) : EventUpdate;

    /// <summary>
    /// Put back until <paramref name="Until"/> (quiet hours, rate limit): the event becomes <c>scheduled</c> in the due index
    /// with the next generation, so the scheduler enqueues it then as a new lane message.
    /// </summary>
    public sealed record Reschedule(DateTimeOffset Until, int NextGeneration) : EventUpdate;
}

/// <summary>Correlates a provider's message id with its row, for feedback (SES bounces and complaints).</summary>
public sealed record ProviderMessageRef(string ProviderMessageId, string EventId, Channel Channel, string UserId, string EventType);

/// <summary>
/// State written at the end of a step: rows (forward only; a <c>deferred</c> row may replace a released claim), the
/// provider message reference, and the event's own update. Each write is safe alone and repeatable: a crash between them
/// is repaired by the redelivered message, which decides the same again.
/// </summary>
public sealed record DeliveryCommit(
    string EventId,
    IReadOnlyList<NotificationRecord> Rows,
    ProviderMessageRef? MessageRef,
    EventUpdate? Event,
    DateTimeOffset Now);

/// <summary>The worker's writes on notification rows and events (DynamoDB: conditional updates and transactions).</summary>
public interface IDeliveryStore
{
    Task<ClaimOutcome> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the commit. A row whose stored status ranks higher (it moved on meanwhile) is left as it is and the rest is
    /// still written; returns false in that case.
    /// </summary>
    Task<bool> CommitAsync(DeliveryCommit commit, CancellationToken cancellationToken);

    /// <summary>Gives a claim back after a failure the provider certainly did not act on, so the next attempt may claim it.</summary>
    Task ReleaseAsync(string eventId, Channel channel, string error, DateTimeOffset now, CancellationToken cancellationToken);

    Task<ProviderMessageRef?> FindByProviderMessageIdAsync(string providerMessageId, CancellationToken cancellationToken);

    /// <summary>Records that the event's lane message went to the DLQ: the event becomes <c>failed</c> and leaves the due index.</summary>
    Task MarkDeadLetteredAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken);
}
