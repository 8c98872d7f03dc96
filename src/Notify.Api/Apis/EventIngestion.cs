using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Notify.Api.Auth;
using Notify.Api.Options;
using Notify.Core.Events;

namespace Notify.Api.Apis;

/// <summary>What became of one submitted event; the single and the batch endpoints turn it into their answers.</summary>
internal abstract record IngestionOutcome
{
    private IngestionOutcome()
    {
    }

    /// <summary>Recorded, and either on its lane or (scheduled) waiting in DynamoDB for its <c>sendAt</c>.</summary>
    public sealed record Accepted(AcceptedEvent Event, bool Scheduled) : IngestionOutcome;

    /// <summary>The same eventId with the same body was recorded before: the original result stands.</summary>
    public sealed record Duplicate(AcceptedEvent Original, bool Scheduled) : IngestionOutcome;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : IngestionOutcome;

    /// <summary>The eventId was recorded before with a different body.</summary>
    public sealed record Conflict(string EventId) : IngestionOutcome;

    /// <summary>Recorded (so the sweeper will enqueue it) but the lane refused it now: never answered as accepted.</summary>
    public sealed record EnqueueFailed(string EventId) : IngestionOutcome;
}

/// <summary>W3C trace context of the request, carried to the lane so the worker's spans join the request's trace.</summary>
internal readonly record struct TraceContext(string? TraceParent, string? TraceState)
{
    public static TraceContext Of(HttpContext context) =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity
            ? new TraceContext(activity.Id, activity.TraceStateString)
            // No listener, no Activity: pass on what the caller sent, so the trace is not cut here.
            : new TraceContext(context.Request.Headers.TraceParent.FirstOrDefault(), context.Request.Headers.TraceState.FirstOrDefault());
}

/// <summary>
/// The ingestion pipeline: validate → record once per eventId (conditional write) → enqueue on the lane. The answer
/// is "accepted" only once the lane took the event, which then leaves the sparse <c>due</c> index (a second, small
/// write: without it the sweeper cannot tell an event waiting in a backlogged lane from one that never reached it). A
/// failed enqueue leaves the record <c>received</c> in the index, where the sweeper finds it, so nothing recorded is lost.
/// </summary>
internal sealed partial class EventIngestion(
    IEventStore events,
    ILanePublisher lanes,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<EventIngestion> logger)
{
    private static readonly Meter Meter = new("Notify.Api");

    private static readonly Counter<long> Events = Meter.CreateCounter<long>(
        "notify.events", "{event}", "Events answered by the ingestion API, by outcome (accepted, scheduled, duplicate, rejected), reason and priority.");

    private readonly PriorityResolver _priorities = new(options.Value.DefaultPriorities);

    public IngestionOptions Options { get; } = options.Value;

    public async Task<IngestionOutcome> IngestAsync(JsonElement body, ApiCaller caller, TraceContext trace, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var parsed = EventSubmissionParser.Parse(body, now);
        return parsed.IsValid
            ? await IngestAsync(parsed.Value, caller, trace, now, cancellationToken)
            : Reject(parsed.Errors);
    }

    /// <summary>An event refused by validation (counted like every other outcome).</summary>
    public IngestionOutcome Reject(IReadOnlyDictionary<string, string[]> errors) => Count(new IngestionOutcome.Invalid(errors), priority: null);

    public async Task<IngestionOutcome> IngestAsync(EventSubmission submission, ApiCaller caller, TraceContext trace, DateTimeOffset now, CancellationToken cancellationToken) =>
        Count(await IngestValidAsync(submission, caller, trace, now, cancellationToken), _priorities.Resolve(submission));

    private static IngestionOutcome Count(IngestionOutcome outcome, Priority? priority)
    {
        var (name, reason) = outcome switch
        {
            IngestionOutcome.Accepted { Scheduled: true } => ("scheduled", "none"),
            IngestionOutcome.Accepted => ("accepted", "none"),
            IngestionOutcome.Duplicate => ("duplicate", "none"),
            IngestionOutcome.Invalid => ("rejected", "invalid"),
            IngestionOutcome.Conflict => ("rejected", "conflict"),
            _ => ("rejected", "enqueue_failed"),
        };
        Events.Add(
            1,
            new KeyValuePair<string, object?>("outcome", name),
            new KeyValuePair<string, object?>("reason", reason),
            new KeyValuePair<string, object?>("priority", priority?.ToString().ToLowerInvariant() ?? "unknown"));
        return outcome;
    }

    private async Task<IngestionOutcome> IngestValidAsync(EventSubmission submission, ApiCaller caller, TraceContext trace, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var accepted = new AcceptedEvent(
            submission,
            _priorities.Resolve(submission),
            caller.Mode,
            caller.KeyId,
            EventFingerprint.Compute(submission),
            now,
            trace.TraceParent,
            trace.TraceState);

        var outcome = await events.RecordAsync(accepted, cancellationToken);
        if (outcome is RecordOutcome.AlreadyRecorded { Existing.Event: var original })
        {
            return string.Equals(original.BodyHash, accepted.BodyHash, StringComparison.Ordinal)
                ? new IngestionOutcome.Duplicate(original, original.IsScheduled(original.AcceptedAt))
                : new IngestionOutcome.Conflict(submission.EventId);
        }

        if (accepted.IsScheduled(now))
        {
            // The scheduler enqueues it when due: FIFO queues have no per-message delay.
            return new IngestionOutcome.Accepted(accepted, Scheduled: true);
        }

        try
        {
            await lanes.PublishAsync(accepted, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogEnqueueFailed(logger, submission.EventId, accepted.Priority, e);
            return new IngestionOutcome.EnqueueFailed(submission.EventId);
        }

        try
        {
            await events.MarkEnqueuedAsync(accepted, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The event is on its lane all the same; unmarked, the sweeper enqueues it again after the sweep delay, which
            // the worker's per-channel idempotency absorbs. Not worth failing an accepted event for.
            LogMarkFailed(logger, submission.EventId, e);
        }

        return new IngestionOutcome.Accepted(accepted, Scheduled: false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} was enqueued but could not be marked; the sweeper will enqueue it again")]
    private static partial void LogMarkFailed(ILogger logger, string eventId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} was recorded but its {Lane} lane refused it; the sweeper will enqueue it")]
    private static partial void LogEnqueueFailed(ILogger logger, string eventId, Priority lane, Exception exception);
}
