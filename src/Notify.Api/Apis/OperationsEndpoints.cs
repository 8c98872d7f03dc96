using Microsoft.AspNetCore.Http.HttpResults;
using Notify.Api.Auth;
using Notify.Api.Http;
using Notify.Core.DeadLetters;
using Notify.Core.Events;

namespace Notify.Api.Apis;

/// <summary>What an operator watches besides events: <c>/api/lanes</c> (queue depths) and <c>/api/suppressions</c>.</summary>
internal static class OperationsEndpoints
{
    public const int DefaultSuppressions = 100;
    public const int MaxSuppressions = 1000;

    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Operations").RequireAuthorization(ApiPolicies.Admin);
        group.MapGet("/lanes", GetLanesAsync).WithName("GetLanes");
        group.MapGet("/suppressions", ListSuppressionsAsync).WithName("ListSuppressions");
        return app;
    }

    /// <summary>The high and low lanes, their DLQs and the feedback queue: visible, in flight and delayed messages.</summary>
    public static async Task<Ok<LaneList>> GetLanesAsync(LaneDepthReader lanes, CancellationToken cancellationToken) =>
        TypedResults.Ok(new LaneList(await lanes.ReadAsync(cancellationToken)));

    /// <summary>Addresses Notify no longer sends to (hard bounces, complaints, opt-outs), newest first.</summary>
    public static async Task<Results<Ok<SuppressionList>, ProblemHttpResult>> ListSuppressionsAsync(
        ISuppressionStore suppressions, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxSuppressions)
        {
            return Problems.Invalid("limit", $"Must be between 1 and {MaxSuppressions}.");
        }

        var items = await suppressions.ListAsync(limit ?? DefaultSuppressions, cancellationToken);
        return TypedResults.Ok(new SuppressionList(items.Select(s => new SuppressionView(s.Channel, s.Address, s.Reason, s.CreatedAt)).ToList()));
    }
}

internal sealed record LaneList(IReadOnlyList<QueueDepth> Queues);

internal sealed record SuppressionList(IReadOnlyList<SuppressionView> Items);

internal sealed record SuppressionView(Channel Channel, string Address, string Reason, DateTimeOffset CreatedAt);
