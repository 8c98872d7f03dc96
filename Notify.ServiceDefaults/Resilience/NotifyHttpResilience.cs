using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace Notify.ServiceDefaults.Resilience;

/// <summary>Settings of the <c>notify-http</c> pipeline; the defaults suit webhook calls.</summary>
public sealed class NotifyHttpResilienceOptions
{
    /// <summary>The whole call, retries and their delays included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Base of the exponential backoff; jitter spreads retries of many callers.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A server's <c>Retry-After</c> is honoured up to this long; beyond it the call fails instead of waiting.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 20;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// The shared Polly pipeline for outgoing HTTP (Microsoft.Extensions.Http.Resilience and Polly.Extensions are not in
/// this registry, so the registry is registered here): total timeout → retry (exponential, jittered, honouring
/// Retry-After) → circuit breaker → attempt timeout, handling network errors, timeouts, 408, 429 and 5xx.
/// </summary>
public static class NotifyHttpResilience
{
    /// <summary>The pipeline's key in <see cref="ResiliencePipelineRegistry{TKey}"/>.</summary>
    public const string PipelineName = "notify-http";

    /// <summary>
    /// Registers the <see cref="ResiliencePipelineRegistry{TKey}"/> (and its <see cref="ResiliencePipelineProvider{TKey}"/>)
    /// with the <c>notify-http</c> pipeline. Keys <c>notify-http/{authority}</c> get a pipeline (and circuit breaker) per
    /// host from the same settings.
    /// </summary>
    public static IServiceCollection AddNotifyHttpResilience(this IServiceCollection services, Action<NotifyHttpResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<NotifyHttpResilienceOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(sp =>
        {
            var registry = new ResiliencePipelineRegistry<string>(new ResiliencePipelineRegistryOptions<string>
            {
                BuilderComparer = PipelineNameComparer.Instance,
                BuilderNameFormatter = PipelineNameComparer.BaseName,
                InstanceNameFormatter = key => key,
            });
            var settings = sp.GetRequiredService<IOptions<NotifyHttpResilienceOptions>>().Value;
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            registry.TryAddBuilder<HttpResponseMessage>(PipelineName, (builder, _) => Configure(builder, settings, time));
            return registry;
        });
        services.TryAddSingleton<ResiliencePipelineProvider<string>>(sp => sp.GetRequiredService<ResiliencePipelineRegistry<string>>());
        return services;
    }

    /// <summary>
    /// Runs the client's calls through the <c>notify-http</c> pipeline. With <paramref name="perAuthority"/> each host
    /// gets its own pipeline, so one failing webhook receiver opens only its own circuit.
    /// </summary>
    public static IHttpClientBuilder AddNotifyResilienceHandler(this IHttpClientBuilder builder, bool perAuthority = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddNotifyHttpResilience();
        return builder.AddHttpMessageHandler(sp =>
            new NotifyResilienceHandler(sp.GetRequiredService<ResiliencePipelineRegistry<string>>(), perAuthority));
    }

    internal static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, NotifyHttpResilienceOptions o, TimeProvider time)
    {
        builder.TimeProvider = time;
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(IsTransient);

        builder
            .AddTimeout(o.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = o.MaxRetryAttempts,
                Delay = o.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome.Result, o.MaxRetryAfter)),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = o.BreakerSamplingDuration,
                BreakDuration = o.BreakerBreakDuration,
            })
            .AddTimeout(o.AttemptTimeout);
    }

    internal static bool IsTransient(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;

    /// <summary>The server's Retry-After, if it gave one we are willing to wait; null falls back to the backoff.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan max)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return delay is { } d && d > TimeSpan.Zero && d <= max ? d : null;
    }

    /// <summary>"notify-http" and "notify-http/example.com:443" share a builder, not a pipeline.</summary>
    private sealed class PipelineNameComparer : IEqualityComparer<string>
    {
        public static readonly PipelineNameComparer Instance = new();

        public static string BaseName(string key)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? key : key[..slash];
        }

        public bool Equals(string? x, string? y) => x is null || y is null ? x == y : string.Equals(BaseName(x), BaseName(y), StringComparison.Ordinal);

        public int GetHashCode(string obj) => StringComparer.Ordinal.GetHashCode(BaseName(obj));
    }
}
