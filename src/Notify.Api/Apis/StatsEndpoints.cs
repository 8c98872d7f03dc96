using Microsoft.AspNetCore.Http.HttpResults;
using Notify.Api.Auth;
using Notify.Api.Http;
using Notify.Core.Stats;

namespace Notify.Api.Apis;

/// <summary>
/// <c>/api/stats</c>: delivery outcomes per minute for the dashboard's chart, as the workers flushed them (every 10 s by
/// default, so the current minute trails by up to one flush interval).
/// </summary>
internal static class StatsEndpoints
{
    public const int MaxMinutes = 60;
    public const int DefaultMinutes = 15;

    public static IEndpointRouteBuilder MapStatsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/stats").WithTags("Statistics").RequireAuthorization(ApiPolicies.Admin);
        group.MapGet("/deliveries", GetDeliveriesAsync).WithName("GetDeliveryStats");
        return app;
    }

    /// <summary>
    /// The last <paramref name="minutes"/> minutes up to and including the current one, oldest first, every minute present
    /// (empty counts when nothing was delivered).
    /// </summary>
    public static async Task<Results<Ok<DeliveryStatsResponse>, ProblemHttpResult>> GetDeliveriesAsync(
        IDeliveryStatsStore stats, TimeProvider time, int? minutes, CancellationToken cancellationToken)
    {
        if (minutes is < 1 or > MaxMinutes)
        {
            return Problems.Invalid("minutes", $"Must be between 1 and {MaxMinutes}.");
        }

        var current = DeliveryMinute.Of(time.GetUtcNow());
        var window = await stats.ReadAsync(current.AddMinutes(1 - (minutes ?? DefaultMinutes)), current, cancellationToken);
        return TypedResults.Ok(new DeliveryStatsResponse(window.Select(MinuteView.From).ToList()));
    }
}

internal sealed record DeliveryStatsResponse(IReadOnlyList<MinuteView> Minutes);

/// <summary>One minute: its UTC start (<c>2026-11-21T22:30:00Z</c>) and counts by channel, then status.</summary>
internal sealed record MinuteView(DateTime Minute, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Counts)
{
    public static MinuteView From(MinuteStats stats) => new(
        stats.Minute.UtcDateTime,
        stats.Counts
            .GroupBy(kv => kv.Key.Channel, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyDictionary<string, long>)g.OrderBy(kv => kv.Key.Status, StringComparer.Ordinal).ToDictionary(kv => kv.Key.Status, kv => kv.Value, StringComparer.Ordinal),
                StringComparer.Ordinal));
}
