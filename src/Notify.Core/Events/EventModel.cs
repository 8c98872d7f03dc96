using System.Text.Json;

namespace Notify.Core.Events;

/// <summary>Delivery channels. JSON names are snake_case: <c>email</c>, <c>sms</c>, <c>push</c>, <c>in_app</c>.</summary>
public enum Channel
{
    Email,
    Sms,
    Push,
    InApp,
}

public enum Priority
{
    High,
    Low,
}

/// <summary>A live key's events reach providers; a test key's run the whole pipeline and stop before the provider call.</summary>
public enum KeyMode
{
    Live,
    Test,
}

/// <summary>An event's overall status. Only the worker moves it past <see cref="Received"/> (no extra write on the API's happy path).</summary>
public enum EventStatus
{
    Received,
    Scheduled,
    Cancelled,
    Processing,
    Completed,
    PartiallyFailed,
    Failed,
}

public sealed record Recipient(string? Email, string? Phone);

/// <summary>A validated <c>POST /api/events</c> body.</summary>
public sealed record EventSubmission(
    string EventId,
    string EventType,
    string UserId,
    JsonElement Payload,
    Priority? Priority,
    IReadOnlyList<Channel>? Channels,
    DateTimeOffset? SendAt,
    DateTimeOffset? NotAfter,
    Recipient? Recipient);

/// <summary>
/// An accepted event as stored and as carried on a lane. The lane message carries the whole event (payloads are
/// bounded well under SQS's message size) so the worker needs no read to start.
/// </summary>
public sealed record AcceptedEvent(
    EventSubmission Submission,
    Priority Priority,
    KeyMode Mode,
    string ApiKeyId,
    string BodyHash,
    DateTimeOffset AcceptedAt,
    string? TraceParent,
    string? TraceState)
{
    public string EventId => Submission.EventId;

    public string UserId => Submission.UserId;

    /// <summary>
    /// How many times the event was put back for later (deferred for quiet hours or a rate limit, redriven from a DLQ).
    /// Each generation is a new lane message with its own deduplication id (<see cref="LanePolicy"/>): SQS FIFO would
    /// otherwise drop a re-enqueue within 5 minutes of the first as a duplicate.
    /// </summary>
    public int Generation { get; init; }

    /// <summary>True when the event waits in DynamoDB for its <c>sendAt</c> instead of going to a lane now.</summary>
    public bool IsScheduled(DateTimeOffset now) => Submission.SendAt is { } at && at > now;
}

/// <summary>An event as read back, with its channels.</summary>
public sealed record EventRecord(AcceptedEvent Event, EventStatus Status, DateTimeOffset UpdatedAt, IReadOnlyList<Notifications.NotificationRecord> Notifications);
