using Notify.Aws.Http;

namespace Notify.Aws.Tests.Http;

public sealed class AwsResilienceTests
{
    private static readonly AwsRetryOptions Options = new() { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2) };

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 200)]
    [InlineData(3, 800)]
    [InlineData(5, 2000)]
    [InlineData(40, 2000)]
    public void Should_stay_within_zero_and_the_capped_exponential_ceiling_when_jittering(int retry, int ceilingMs)
    {
        var delays = Enumerable.Range(0, 2000).Select(_ => AwsResilience.FullJitter(Options, retry).TotalMilliseconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, 0, ceilingMs));
        // Full jitter spreads over the whole range (a fixed or halved delay would not reach both ends);
        // with 2000 uniform samples missing either band has probability about 1e-88.
        Assert.Contains(delays, d => d < ceilingMs * 0.1);
        Assert.Contains(delays, d => d > ceilingMs * 0.9);
    }
}
