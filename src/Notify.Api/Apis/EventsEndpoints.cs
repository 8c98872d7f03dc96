using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Notify.Api.Auth;
using Notify.Api.Http;
using Notify.Api.OpenApi;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Api.Apis;

/// <summary><c>/api/events</c>: ingestion (one or a batch), the recent events, an event's status, cancelling a scheduled one.</summary>
internal static class EventsEndpoints
{
    public const int DefaultRecent = 50;
    public const int MaxRecent = 100;

    public const string EventExample = """
        {
          "eventId": "order-8412-shipped",
          "eventType": "order.shipped",
          "userId": "user-42",
          "payload": { "orderId": "8412", "carrier": "DHL", "eta": "2026-05-02" },
          "priority": "high",
          "channels": ["email", "push", "in_app"],
          "recipient": { "email": "ada@example.com" }
        }
        """;

    public static IEndpointRouteBuilder MapEventsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/events").WithTags("Events");

        group.MapPost("", PostAsync)
            .WithName("PostEvent")
            .RequireAuthorization(ApiPolicies.Send)
            .Accepts<EventSubmission>("application/json")
            .WithRequestExample(EventExample)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapPost("/batch", PostBatchAsync)
            .WithName("PostEventBatch")
            .RequireAuthorization(ApiPolicies.Send)
            .Accepts<EventBatchRequest>("application/json")
            .WithRequestExample($$"""{ "events": [{{EventExample}}] }""")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("", ListRecentAsync).WithName("ListRecentEvents").RequireAuthorization(ApiPolicies.Read);
        group.MapGet("/{eventId}", GetAsync).WithName("GetEvent").RequireAuthorization(ApiPolicies.Read);
        group.MapDelete("/{eventId}", CancelAsync).WithName("CancelEvent").RequireAuthorization(ApiPolicies.Send);
        return app;
    }

    public static async Task<Results<Accepted<EventAcceptedResponse>, Ok<EventAcceptedResponse>, ValidationProblem, ProblemHttpResult>> PostAsync(
        HttpContext context, EventIngestion ingestion, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(context, ingestion.Options.MaxEventBodyBytes, cancellationToken);
        if (body.Failed)
        {
            return body.Problem!;
        }

        var outcome = await ingestion.IngestAsync(body.Root, ApiCaller.From(context.User), TraceContext.Of(context), cancellationToken);
        switch (outcome)
        {
            case IngestionOutcome.Accepted accepted:
                return TypedResults.Accepted(ApiLinks.Event(accepted.Event.EventId), EventAcceptedResponse.From(accepted.Event, accepted.Scheduled, duplicate: false));
            case IngestionOutcome.Duplicate duplicate:
                return TypedResults.Ok(EventAcceptedResponse.From(duplicate.Original, duplicate.Scheduled, duplicate: true));
            case IngestionOutcome.Invalid invalid:
                return Problems.Validation(invalid.Errors.ToDictionary());
            case IngestionOutcome.Conflict conflict:
                return Problems.Conflict(
                    "The eventId was already used for a different event.",
                    $"Event '{conflict.EventId}' was recorded with a different body; an eventId identifies one event. Send a new eventId for a new event.");
            case IngestionOutcome.EnqueueFailed failed:
                context.Response.Headers.RetryAfter = "1";
                return Problems.Unavailable($"Event '{failed.EventId}' was recorded but could not be queued. Retry with the same body; it will not be delivered twice.");
            default:
                throw new UnreachableException(outcome.GetType().Name);
        }
    }

    public static async Task<Results<Ok<EventBatchResponse>, ValidationProblem, ProblemHttpResult>> PostBatchAsync(
        HttpContext context, EventIngestion ingestion, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(context, ingestion.Options.MaxBatchBodyBytes, cancellationToken);
        if (body.Failed)
        {
            return body.Problem!;
        }

        var now = time.GetUtcNow();
        var parsed = EventSubmissionParser.ParseBatch(body.Root, now);
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors.ToDictionary());
        }

        var items = parsed.Value;
        if (items.Count > ingestion.Options.MaxBatchSize)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["events"] = [$"must hold at most {ingestion.Options.MaxBatchSize} events"] });
        }

        var caller = ApiCaller.From(context.User);
        var trace = TraceContext.Of(context);
        var raw = body.Root.GetProperty("events");
        var results = new BatchItemResult[items.Count];
        // Concurrent items are what lets the lane publisher fill its 10-entry SendMessageBatch calls.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ingestion.Options.BatchConcurrency, CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                var item = items[index];
                var outcome = item.IsValid
                    ? await ingestion.IngestAsync(item.Value, caller, trace, now, ct)
                    : ingestion.Reject(item.Errors);
                results[index] = BatchItemResult.From(index, outcome, EventIdOf(raw[index]));
            });

        return TypedResults.Ok(new EventBatchResponse(
            results,
            Accepted: results.Count(r => r.StatusCode == StatusCodes.Status202Accepted),
            Duplicates: results.Count(r => r.Duplicate == true),
            Rejected: results.Count(r => r.StatusCode >= 400)));
    }

    /// <summary>The events accepted in the current and the previous UTC hour, newest first, each with its channels' statuses.</summary>
    public static async Task<Results<Ok<RecentEventList>, ProblemHttpResult>> ListRecentAsync(IEventStore events, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxRecent)
        {
            return Problems.Invalid("limit", $"Must be between 1 and {MaxRecent}.");
        }

        var recent = await events.RecentAsync(limit ?? DefaultRecent, cancellationToken);
        return TypedResults.Ok(new RecentEventList(recent.Select(EventSummary.From).ToList()));
    }

    public static async Task<Results<Ok<EventView>, ProblemHttpResult>> GetAsync(string eventId, IEventStore events, CancellationToken cancellationToken)
    {
        var record = await events.GetAsync(eventId, cancellationToken);
        return record is null ? Problems.NotFound($"No event '{eventId}'.") : TypedResults.Ok(EventView.From(record));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> CancelAsync(
        string eventId, IEventStore events, TimeProvider time, CancellationToken cancellationToken) =>
        await events.CancelAsync(eventId, time.GetUtcNow(), cancellationToken) switch
        {
            CancelOutcome.Cancelled or CancelOutcome.AlreadyCancelled => TypedResults.NoContent(),
            CancelOutcome.NotFound => Problems.NotFound($"No event '{eventId}'."),
            _ => Problems.Conflict(
                "Too late to cancel.",
                $"Event '{eventId}' is not scheduled any more: it is queued, in flight or done. Only a scheduled event (sendAt in the future) can be cancelled."),
        };

    private static string? EventIdOf(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("eventId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
}

internal static class ApiLinks
{
    public static string Event(string eventId) => $"/api/events/{eventId}";
}

internal sealed record EventLinks(string Self);

/// <summary>The answer to an accepted (202) or duplicate (200) event.</summary>
internal sealed record EventAcceptedResponse(string EventId, string Status, bool? Duplicate, EventLinks Links)
{
    public const string AcceptedStatus = "accepted";
    public const string ScheduledStatus = "scheduled";

    public static EventAcceptedResponse From(AcceptedEvent accepted, bool scheduled, bool duplicate) =>
        new(accepted.EventId, scheduled ? ScheduledStatus : AcceptedStatus, duplicate ? true : null, new EventLinks(ApiLinks.Event(accepted.EventId)));
}

/// <summary>Documents the batch body for OpenAPI; the body itself is read and validated by <see cref="EventSubmissionParser"/>.</summary>
internal sealed record EventBatchRequest(IReadOnlyList<EventSubmission> Events);

internal sealed record EventBatchResponse(IReadOnlyList<BatchItemResult> Results, int Accepted, int Duplicates, int Rejected);

/// <summary>One batch item: the status code and body the single-event endpoint would have answered.</summary>
internal sealed record BatchItemResult(
    int Index,
    int StatusCode,
    string? EventId,
    string? Status,
    bool? Duplicate,
    EventLinks? Links,
    string? Title,
    IReadOnlyDictionary<string, string[]>? Errors)
{
    public static BatchItemResult From(int index, IngestionOutcome outcome, string? rawEventId) => outcome switch
    {
        IngestionOutcome.Accepted a => Success(index, StatusCodes.Status202Accepted, EventAcceptedResponse.From(a.Event, a.Scheduled, duplicate: false)),
        IngestionOutcome.Duplicate d => Success(index, StatusCodes.Status200OK, EventAcceptedResponse.From(d.Original, d.Scheduled, duplicate: true)),
        IngestionOutcome.Invalid i => new(index, StatusCodes.Status400BadRequest, rawEventId, null, null, null, "The event is invalid.", i.Errors),
        IngestionOutcome.Conflict c => new(index, StatusCodes.Status409Conflict, c.EventId, null, null, null, "The eventId was already used for a different event.", null),
        IngestionOutcome.EnqueueFailed f => new(index, StatusCodes.Status503ServiceUnavailable, f.EventId, null, null, null, "Recorded but not queued; retry with the same body.", null),
        _ => throw new UnreachableException(outcome.GetType().Name),
    };

    private static BatchItemResult Success(int index, int statusCode, EventAcceptedResponse response) =>
        new(index, statusCode, response.EventId, response.Status, response.Duplicate, response.Links, null, null);
}

/// <summary>An event as <c>GET /api/events/{eventId}</c> shows it: the submission, its overall status and each channel's.</summary>
internal sealed record EventView(
    string EventId,
    string EventType,
    string UserId,
    EventStatus Status,
    Priority Priority,
    KeyMode Mode,
    JsonElement Payload,
    IReadOnlyList<Channel>? Channels,
    DateTimeOffset? SendAt,
    DateTimeOffset? NotAfter,
    Recipient? Recipient,
    DateTimeOffset AcceptedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ChannelStatusView> Notifications,
    string? TraceId)
{
    public static EventView From(EventRecord record)
    {
        var e = record.Event;
        var s = e.Submission;
        return new EventView(
            s.EventId, s.EventType, s.UserId, record.Status, e.Priority, e.Mode, s.Payload, s.Channels, s.SendAt, s.NotAfter, s.Recipient,
            e.AcceptedAt, record.UpdatedAt, record.Notifications.Select(ChannelStatusView.From).ToList(), TraceIdOf(e.TraceParent));
    }

    /// <summary>The trace id of a W3C <c>traceparent</c> (<c>00-{trace id}-{span id}-{flags}</c>): what a trace backend is searched by.</summary>
    private static string? TraceIdOf(string? traceParent) =>
        traceParent is { Length: >= 55 } && traceParent[2] == '-' && traceParent[35] == '-' ? traceParent[3..35] : null;
}

internal sealed record RecentEventList(IReadOnlyList<EventSummary> Items);

/// <summary>A line of the recent events: the event without its payload, and each channel's status.</summary>
internal sealed record EventSummary(
    string EventId,
    string EventType,
    string UserId,
    EventStatus Status,
    Priority Priority,
    KeyMode Mode,
    DateTimeOffset? SendAt,
    DateTimeOffset AcceptedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ChannelSummary> Notifications)
{
    public static EventSummary From(EventRecord record)
    {
        var e = record.Event;
        return new EventSummary(
            e.EventId, e.Submission.EventType, e.UserId, record.Status, e.Priority, e.Mode, e.Submission.SendAt, e.AcceptedAt, record.UpdatedAt,
            record.Notifications.Select(n => new ChannelSummary(n.Channel, n.Status, n.Attempts)).ToList());
    }
}

internal sealed record ChannelSummary(Channel Channel, NotificationStatus Status, int Attempts);

internal sealed record ChannelStatusView(
    Channel Channel,
    NotificationStatus Status,
    int Attempts,
    string? LastError,
    string? Reason,
    bool Simulated,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, DateTimeOffset> Transitions,
    RenderedContent? Content)
{
    public static ChannelStatusView From(NotificationRecord n) =>
        new(n.Channel, n.Status, n.Attempts, n.LastError, n.Reason, n.Simulated, n.CreatedAt, n.UpdatedAt, n.Transitions, n.Content);
}
