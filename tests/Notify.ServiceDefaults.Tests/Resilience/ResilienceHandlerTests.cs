using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Notify.ServiceDefaults.Resilience;
using Polly.CircuitBreaker;
using Polly.Registry;

namespace Notify.ServiceDefaults.Tests.Resilience;

public sealed class ResilienceHandlerTests
{
    private static ServiceProvider Services(ScriptedHandler primary, bool perAuthority = false) =>
        new ServiceCollection()
            .AddNotifyHttpResilience(o =>
            {
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
                o.MaxRetryAttempts = 3;
                o.BreakerMinimumThroughput = 4;
                o.BreakerFailureRatio = 0.5;
                o.BreakerBreakDuration = TimeSpan.FromMinutes(1);
            })
            .AddHttpClient("webhooks")
            .AddNotifyResilienceHandler(perAuthority)
            .ConfigurePrimaryHttpMessageHandler(() => primary)
            .Services
            .BuildServiceProvider();

    private static HttpClient Client(ServiceProvider services) => services.GetRequiredService<IHttpClientFactory>().CreateClient("webhooks");

    [Fact]
    public async Task Should_retry_transient_failures_when_the_server_recovers_within_the_retry_budget()
    {
        var primary = new ScriptedHandler(_ => HttpStatusCode.ServiceUnavailable, _ => HttpStatusCode.TooManyRequests, _ => HttpStatusCode.OK);
        using var services = Services(primary);

        using var response = await Client(services).PostAsync(new Uri("http://hooks.example/a"), new StringContent("{}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, primary.Calls);
    }

    [Fact]
    public async Task Should_not_retry_when_the_server_answers_a_client_error()
    {
        var primary = new ScriptedHandler(_ => HttpStatusCode.BadRequest);
        using var services = Services(primary);

        using var response = await Client(services).PostAsync(new Uri("http://hooks.example/a"), new StringContent("{}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, primary.Calls);
    }

    [Fact]
    public async Task Should_open_the_circuit_of_the_failing_host_only_when_pipelines_are_per_authority()
    {
        var primary = new ScriptedHandler(r => r.RequestUri!.Host == "down.example" ? HttpStatusCode.InternalServerError : HttpStatusCode.OK);
        using var services = Services(primary, perAuthority: true);
        var client = Client(services);
        var ct = TestContext.Current.CancellationToken;

        // Four attempts of one call (one + three retries) reach the breaker's minimum throughput, all failed.
        (await client.GetAsync(new Uri("http://down.example/"), ct)).Dispose();
        var open = await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync(new Uri("http://down.example/"), ct));
        using var healthy = await client.GetAsync(new Uri("http://up.example/"), ct);

        Assert.NotNull(open);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public void Should_register_the_named_pipeline_when_resilience_is_added()
    {
        using var services = new ServiceCollection().AddNotifyHttpResilience().BuildServiceProvider();

        var provider = services.GetRequiredService<ResiliencePipelineProvider<string>>();

        Assert.True(provider.TryGetPipeline<HttpResponseMessage>(NotifyHttpResilience.PipelineName, out _));
        Assert.True(provider.TryGetPipeline<HttpResponseMessage>(NotifyHttpResilience.PipelineName + "/hooks.example:443", out _));
    }

    private sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpStatusCode>[] script) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            var status = script[Math.Min(call, script.Length) - 1](request);
            return Task.FromResult(new HttpResponseMessage(status) { RequestMessage = request });
        }
    }
}
