namespace Notify.Core.Events;

/// <summary>Outcome of recording an event: new, or already there (the stored one decides 200 duplicate vs 409).</summary>
public abstract record RecordOutcome
{
    private RecordOutcome()
    {
    }

    public sealed record Recorded : RecordOutcome;

    public sealed record AlreadyRecorded(EventRecord Existing) : RecordOutcome;
}

public enum CancelOutcome
{
    Cancelled,
    NotFound,

    /// <summary>Not scheduled any more (already enqueued, in flight or sent): too late to cancel.</summary>
    TooLate,

    AlreadyCancelled,
}

/// <summary>Events in DynamoDB: recorded once per eventId by a conditional write.</summary>
public interface IEventStore
{
    /// <summary>Conditional put keyed by eventId; a second call with the same id returns the stored event.</summary>
    Task<RecordOutcome> RecordAsync(AcceptedEvent accepted, CancellationToken cancellationToken);

    Task<EventRecord?> GetAsync(string eventId, CancellationToken cancellationToken);

    Task<CancelOutcome> CancelAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Events whose <c>dueAt</c> has passed: still <c>received</c> after the sweep delay, or scheduled and now due.</summary>
    IAsyncEnumerable<AcceptedEvent> DueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records that this generation of the event is on its lane: it becomes (or stays) <c>received</c> and is no longer
    /// due, so the sweeper does not enqueue it again. Does nothing once the worker took it, deferred it or it was cancelled.
    /// </summary>
    Task MarkEnqueuedAsync(AcceptedEvent enqueued, CancellationToken cancellationToken);

    /// <summary>Moves the event to its next generation (a redrive); null when the event is not stored (expired).</summary>
    Task<int?> NextGenerationAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Counts what waits in the due index: scheduled (or deferred) events not yet due, and anything overdue.</summary>
    Task<DueBacklog> DueBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The events accepted most recently (in the current and the previous UTC hour), newest first, at most
    /// <paramref name="limit"/>, each with its channels' statuses. For operators (the dashboard), not for a hot path.
    /// </summary>
    Task<IReadOnlyList<EventRecord>> RecentAsync(int limit, CancellationToken cancellationToken);
}

/// <param name="Scheduled">Events with <c>status = scheduled</c> (a future <c>sendAt</c>, or deferred) not yet due.</param>
/// <param name="Overdue">Items whose <c>dueAt</c> has passed and that the sweeper has not moved on yet.</param>
public sealed record DueBacklog(int Scheduled, int Overdue);

/// <summary>Puts accepted events on their priority lane. Throws when the enqueue failed: the caller must not answer 202.</summary>
public interface ILanePublisher
{
    Task PublishAsync(AcceptedEvent accepted, CancellationToken cancellationToken);
}
