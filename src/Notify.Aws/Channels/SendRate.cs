using System.Threading.RateLimiting;
using Notify.Core.Delivery;

namespace Notify.Aws.Channels;

/// <summary>
/// The local send-rate limit of a channel adapter: a token bucket per instance, so a burst from the lanes is smoothed to
/// what the provider allows instead of being answered with throttling errors. A limit is per process: with several
/// workers, give each its share of the account's rate.
/// </summary>
internal static class SendRate
{
    /// <summary>Replenishing more often than this costs timer wake-ups without smoothing anything further.</summary>
    private const double ShortestPeriodSeconds = 0.05;

    /// <summary>What a send comes to when no token can be had, even after queueing: retried later, and never sent.</summary>
    public static SendResult.Transient RateLimited { get; } = new("rate limited locally", MayHaveBeenAccepted: false);

    /// <summary>
    /// A bucket that refills at exactly <paramref name="perSecond"/> (fractional rates included: tokens per period is
    /// an integer, so the period is stretched instead of rounding the rate), holds a second's worth for bursts and lets
    /// <paramref name="queueLimit"/> sends wait their turn, oldest first.
    /// </summary>
    public static TokenBucketRateLimiter CreateLimiter(double perSecond, int queueLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLimit);
        var tokensPerPeriod = Math.Max(1, (int)Math.Ceiling(perSecond * ShortestPeriodSeconds));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(tokensPerPeriod, (int)Math.Ceiling(perSecond)),
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerPeriod / perSecond),
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}
