using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Notify.ServiceDefaults.Health;
using Notify.ServiceDefaults.Tests.Fixtures;

namespace Notify.ServiceDefaults.Tests.Health;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Should_answer_alive_200_and_health_503_when_an_aws_readiness_check_fails()
    {
        await using var app = await TestApp.StartAsync(configure: b => b.Services.AddHealthChecks()
            .AddAwsReadinessCheck("sqs", (_, _) => throw new HttpRequestException("connection refused")));
        var ct = TestContext.Current.CancellationToken;

        using var alive = await app.Client.GetAsync(new Uri("/alive", UriKind.Relative), ct);
        using var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync(ct));
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Should_answer_405_when_a_probe_is_posted_to(string path)
    {
        await using var app = await TestApp.StartAsync();
        var ct = TestContext.Current.CancellationToken;

        using var posted = await app.Client.PostAsync(new Uri(path, UriKind.Relative), null, ct);
        using var head = await app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative)), ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, posted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task Should_answer_health_200_when_every_aws_readiness_probe_returns()
    {
        var probed = 0;
        await using var app = await TestApp.StartAsync(configure: b => b.Services.AddHealthChecks()
            .AddAwsReadinessCheck("dynamodb", (sp, _) =>
            {
                Assert.NotNull(sp);
                Interlocked.Increment(ref probed);
                return Task.CompletedTask;
            }));

        using var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(1, probed);
    }

    [Fact]
    public async Task Should_run_a_readiness_check_once_when_two_probes_come_within_the_cache_duration()
    {
        var time = new ManualTimeProvider();
        var check = new CountingCheck();
        await using var app = await TestApp.StartAsync(configure: b =>
        {
            b.Services.AddSingleton<TimeProvider>(time);
            b.Services.AddHealthChecks().AddCheck("counted", check);
        });
        var ct = TestContext.Current.CancellationToken;

        (await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct)).Dispose();
        (await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct)).Dispose();
        var afterTwo = check.Calls;
        (await app.Client.GetAsync(new Uri("/alive", UriKind.Relative), ct)).Dispose();
        var afterAlive = check.Calls;
        time.Advance(TimeSpan.FromSeconds(6));
        (await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct)).Dispose();

        Assert.Equal(1, afterTwo);
        Assert.Equal(1, afterAlive);
        Assert.Equal(2, check.Calls);
    }

    [Fact]
    public async Task Should_run_a_failed_readiness_check_again_when_the_cache_expires()
    {
        var time = new ManualTimeProvider();
        var healthy = false;
        await using var app = await TestApp.StartAsync(configure: b =>
        {
            b.Services.AddSingleton<TimeProvider>(time);
            b.Services.AddHealthChecks().AddAwsReadinessCheck("ses", (_, _) => Volatile.Read(ref healthy) ? Task.CompletedTask : throw new TimeoutException());
        });
        var ct = TestContext.Current.CancellationToken;

        using var down = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct);
        Volatile.Write(ref healthy, true);
        using var stillCached = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct);
        time.Advance(TimeSpan.FromSeconds(6));
        using var up = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stillCached.StatusCode);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }

    private sealed class CountingCheck : IHealthCheck
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(HealthCheckResult.Healthy());
        }
    }
}
