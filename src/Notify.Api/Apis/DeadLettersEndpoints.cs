using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Notify.Api.Auth;
using Notify.Api.Http;
using Notify.Api.OpenApi;
using Notify.Core;
using Notify.Core.DeadLetters;
using Notify.Core.Events;

namespace Notify.Api.Apis;

/// <summary>Terminal failures the worker recorded from the lanes' DLQs, and moving them back to their lane.</summary>
internal static class DeadLettersEndpoints
{
    public const int MaxListed = 1000;

    /// <summary>Dead letters redriven at once by one call.</summary>
    public const int RedriveConcurrency = 8;

    public static IEndpointRouteBuilder MapDeadLettersEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/dead-letters").WithTags("Dead letters").RequireAuthorization(ApiPolicies.Admin);
        group.MapGet("", ListAsync).WithName("ListDeadLetters");
        group.MapPost("/redrive", RedriveAsync)
            .WithName("RedriveDeadLetters")
            .Accepts<RedriveRequest>(isOptional: true, "application/json")
            .WithRequestExample("""{"ids":["dl_01HZX3"]}""");
        return app;
    }

    public static async Task<Results<Ok<DeadLetterList>, ProblemHttpResult>> ListAsync(
        IDeadLetterStore deadLetters, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxListed)
        {
            return Problems.Invalid("limit", $"Must be between 1 and {MaxListed}.");
        }

        var items = await deadLetters.ListAsync(limit ?? 100, cancellationToken);
        return TypedResults.Ok(new DeadLetterList(items.Select(DeadLetterView.From).ToList()));
    }

    public static async Task<Results<Ok<RedriveResponse>, ProblemHttpResult>> RedriveAsync(
        HttpContext context,
        IDeadLetterStore deadLetters,
        IEventStore events,
        ILanePublisher lanes,
        CancellationToken cancellationToken)
    {
        // No body at all redrives every dead letter; a body goes through JsonBody like every other (size limit, UTF-8, duplicates).
        RedriveRequest? request = null;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? context.Request.ContentLength > 0)
        {
            (request, var problem) = await JsonBody.ReadAsync<RedriveRequest>(context, IngestionLimits.RequestBodyMaxBytes, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }
        }

        if (request?.Ids is { Count: > MaxListed })
        {
            return Problems.Invalid("ids", $"At most {MaxListed} ids per call.");
        }

        if (request?.Ids?.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
        {
            return Problems.Invalid("ids", "Ids must be non-empty strings.");
        }

        var ids = request?.Ids?.Distinct(StringComparer.Ordinal).ToList();
        var listed = ids is null ? await deadLetters.ListAsync(MaxListed, cancellationToken) : [];
        var results = new RedriveResult[ids?.Count ?? listed.Count];

        // Each redrive is three sequential AWS calls (generation, publish, delete); a bounded handful at once keeps a
        // redrive of all 1,000 within a client's timeout without flooding the lane or the table.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, results.Length),
            new ParallelOptions { MaxDegreeOfParallelism = RedriveConcurrency, CancellationToken = cancellationToken },
            async (index, ct) => results[index] = ids is null
                ? await RedriveOneAsync(listed[index], deadLetters, events, lanes, ct)
                : await deadLetters.GetAsync(ids[index], ct) is { } deadLetter
                    ? await RedriveOneAsync(deadLetter, deadLetters, events, lanes, ct)
                    : new RedriveResult(ids[index], RedriveOutcome.NotFound, "No dead letter with this id."));

        return TypedResults.Ok(new RedriveResponse(results, results.Count(r => r.Outcome == RedriveOutcome.Redriven)));
    }

    private static async Task<RedriveResult> RedriveOneAsync(
        DeadLetter deadLetter, IDeadLetterStore deadLetters, IEventStore events, ILanePublisher lanes, CancellationToken cancellationToken)
    {
        if (deadLetter.Event is not { } accepted)
        {
            return new RedriveResult(deadLetter.Id, RedriveOutcome.Unreadable, "The dead letter's body is not an event; it cannot go back to a lane.");
        }

        try
        {
            // A new generation is a new deduplication id: SQS FIFO would silently drop a resend of the id it saw in the
            // last 5 minutes. An event whose record has expired still goes out, one generation past the dead letter's.
            var generation = await events.NextGenerationAsync(accepted.EventId, cancellationToken) ?? accepted.Generation + 1;
            await lanes.PublishAsync(accepted with { Generation = generation }, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new RedriveResult(deadLetter.Id, RedriveOutcome.Failed, "The lane did not take it; the dead letter is kept.");
        }

        // Published first, deleted second: a failure in between redrives it twice, which the worker's per-channel
        // idempotency absorbs; the other order could lose it.
        await deadLetters.DeleteAsync(deadLetter.Id, cancellationToken);
        return new RedriveResult(deadLetter.Id, RedriveOutcome.Redriven, null);
    }
}

internal sealed record RedriveRequest(IReadOnlyList<string>? Ids);

internal enum RedriveOutcome
{
    Redriven,
    NotFound,
    Unreadable,
    Failed,
}

internal sealed record RedriveResult(string Id, RedriveOutcome Outcome, string? Detail);

internal sealed record RedriveResponse(IReadOnlyList<RedriveResult> Results, int Redriven);

internal sealed record DeadLetterList(IReadOnlyList<DeadLetterView> Items);

internal sealed record DeadLetterView(
    string Id,
    string EventId,
    Priority Lane,
    string? EventType,
    string? UserId,
    int ReceiveCount,
    IReadOnlyDictionary<string, string> LastErrors,
    DateTimeOffset FirstReceivedAt,
    DateTimeOffset DeadLetteredAt)
{
    public static DeadLetterView From(DeadLetter d) => new(
        d.Id, d.EventId, d.Lane, d.Event?.Submission.EventType, d.Event?.UserId, d.ReceiveCount, d.LastErrors, d.FirstReceivedAt, d.DeadLetteredAt);
}
