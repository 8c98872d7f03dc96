using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Notify.ServiceDefaults.Health;
using Notify.ServiceDefaults.Prometheus;
using Notify.ServiceDefaults.Resilience;
using Notify.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Notify's service defaults in the shape of Aspire's template: OpenTelemetry (traces, metrics, logs; OTLP when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set), a Prometheus <c>/metrics</c> endpoint, health probes and the shared HTTP
/// resilience pipeline.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string MetricsEndpointPath = "/metrics";

    private static readonly HttpMethodMetadata ProbeMethods = new([HttpMethods.Get, HttpMethods.Head]);

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(ServiceDefaultsMarker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<ServiceDefaultsMarker>();
        NotifyTelemetry.Add(builder);

        builder.Services.AddHealthChecks()
            // The liveness probe only says the process answers; readiness checks add the AWS dependencies.
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthTags.Live]);
        builder.Services.AddOptions<ReadinessCacheOptions>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(sp => new ReadinessResultCache(sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HealthCheckServiceOptions>, CacheReadinessChecks>());

        builder.Services.AddNotifyHttpResilience();
        return builder;
    }

    /// <summary>
    /// <c>/health</c> (readiness: every check), <c>/alive</c> (liveness: the <c>live</c> checks) and <c>/metrics</c>
    /// (Prometheus), all anonymous: probes and scrapers carry no API key.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Probes are reads: GET and HEAD only (MapHealthChecks alone answers every method, POST included, with 200).
        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous().WithMetadata(ProbeMethods);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(HealthTags.Live) }).AllowAnonymous().WithMetadata(ProbeMethods);
        app.MapGet(MetricsEndpointPath, (HttpContext context) => PrometheusEndpoint.HandleAsync(context))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private sealed class ServiceDefaultsMarker;
}
