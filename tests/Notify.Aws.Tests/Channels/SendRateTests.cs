using Notify.Aws.Channels;

namespace Notify.Aws.Tests.Channels;

public sealed class SendRateTests
{
    [Theory]
    [InlineData(14, 14, 1, 1000.0 / 14)]
    [InlineData(1000, 1000, 50, 50)]
    [InlineData(0.5, 1, 1, 2000)]
    [InlineData(20.5, 21, 2, 2000.0 / 20.5)]
    public void Should_refill_at_exactly_the_rate_with_a_second_of_burst(double perSecond, int burst, int tokensPerPeriod, double periodMs)
    {
        using var limiter = SendRate.CreateLimiter(perSecond, queueLimit: 0);

        Assert.Equal(burst, limiter.GetStatistics()!.CurrentAvailablePermits);
        Assert.Equal(periodMs, limiter.ReplenishmentPeriod.TotalMilliseconds, tolerance: 0.001);
        Assert.Equal(perSecond, tokensPerPeriod / limiter.ReplenishmentPeriod.TotalSeconds, tolerance: perSecond * 1e-5);
        Assert.True(limiter.IsAutoReplenishing);
    }

    [Fact]
    public void Should_refuse_a_lease_at_once_when_the_bucket_is_empty_and_nothing_may_queue()
    {
        using var limiter = SendRate.CreateLimiter(0.5, queueLimit: 0);

        using var first = limiter.AttemptAcquire();
        using var second = limiter.AttemptAcquire();

        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);
    }
}
