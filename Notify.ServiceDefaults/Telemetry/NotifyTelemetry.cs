using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notify.ServiceDefaults.Prometheus;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Notify.ServiceDefaults.Telemetry;

/// <summary>
/// OpenTelemetry wired with the SDK alone (OpenTelemetry.Extensions.Hosting and the instrumentation packages are not
/// in this registry): the tracer and meter providers are singletons built from the host's configuration when the host
/// starts and disposed (flushed) with it; logs go through the logging builder. The .NET libraries emit their own
/// spans and metrics, so listening to their names replaces the instrumentation packages.
/// </summary>
public static class NotifyTelemetry
{
    /// <summary>Activity sources traced: ASP.NET Core hosting, HttpClient and everything of Notify's.</summary>
    public static IReadOnlyList<string> ActivitySources { get; } =
    [
        "Microsoft.AspNetCore",
        "System.Net.Http",
        // Notify.Aws, Notify.Api, Notify.Worker and any later Notify.* source, by the SDK's wildcard matching.
        "Notify",
        "Notify.*",
    ];

    /// <summary>Meters collected: the built-in ASP.NET Core, Kestrel, HttpClient and runtime meters, and Notify's.</summary>
    public static IReadOnlyList<string> Meters { get; } =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http",
        "System.Net.NameResolution",
        "System.Runtime",
        "Notify",
        "Notify.*",
    ];

    /// <summary>Requests to these paths never start a trace.</summary>
    public static IReadOnlyList<string> ProbePaths { get; } = ["/health", "/alive", "/metrics"];

    /// <summary>Buckets for second-valued histograms that bring no advice of their own (the SDK's default is for ms).</summary>
    internal static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 300];

    /// <summary>Adds a tracer provider customisation (a processor, an exporter); applied when the provider is built.</summary>
    public static IServiceCollection ConfigureNotifyTracing(this IServiceCollection services, Action<TracerProviderBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new TracingCustomization(configure));
        return services;
    }

    /// <summary>Adds a meter provider customisation (a reader, a view, a meter); applied when the provider is built.</summary>
    public static IServiceCollection ConfigureNotifyMetrics(this IServiceCollection services, Action<MeterProviderBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new MetricsCustomization(configure));
        return services;
    }

    /// <summary>
    /// ASP.NET Core 10 leaves its server span without OpenTelemetry tags unless this switch is off (it is on by
    /// default until .NET 11); with it off, the span is created with <c>url.path</c> and friends, which the health
    /// probe sampler needs at creation time.
    /// </summary>
    internal static void EnableAspNetCoreTags() =>
        AppContext.SetSwitch("Microsoft.AspNetCore.Hosting.SuppressActivityOpenTelemetryData", false);

    internal static void Add(IHostApplicationBuilder builder)
    {
        EnableAspNetCoreTags();
        var configuration = builder.Configuration;
        var resource = new NotifyResource(configuration, builder.Environment.ApplicationName);
        var services = builder.Services;

        services.AddSingleton(resource);
        services.TryAddSingleton(_ => new PrometheusScraper());
        services.AddSingleton(BuildTracerProvider);
        services.AddSingleton(BuildMeterProvider);
        services.AddHostedService<TelemetryStartup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, ServerSpanEnricher>());

        builder.Logging.AddOpenTelemetry(options =>
        {
            options.IncludeFormattedMessage = true;
            options.IncludeScopes = true;
        });
        services.ConfigureOpenTelemetryLoggerProvider(logging =>
        {
            logging.SetResourceBuilder(resource.CreateBuilder());
            if (OtlpEnabled(configuration, "LOGS"))
            {
                logging.AddOtlpExporter();
            }
        });
    }

    /// <summary>OTLP export is on when the endpoint is configured, generally or for the signal.</summary>
    internal static bool OtlpEnabled(IConfiguration configuration, string signal) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) ||
        !string.IsNullOrWhiteSpace(configuration[$"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"]);

    private static TracerProvider BuildTracerProvider(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var builder = Sdk.CreateTracerProviderBuilder()
            // The SDK's own container reads OTEL_* (exporter endpoint, protocol, headers, batch delays) from its
            // IConfiguration, by default the process environment; the host's configuration includes the
            // environment and lets a host (or a test) set them without touching process-wide variables.
            .ConfigureServices(s => s.AddSingleton(configuration))
            .SetResourceBuilder(services.GetRequiredService<NotifyResource>().CreateBuilder())
            .SetSampler(new HealthProbeSampler(HealthProbeSampler.FromConfiguration(configuration), ProbePaths))
            .AddSource([.. ActivitySources]);

        if (OtlpEnabled(configuration, "TRACES"))
        {
            builder.AddOtlpExporter();
        }

        foreach (var customization in services.GetServices<TracingCustomization>())
        {
            customization.Configure(builder);
        }

        return builder.Build();
    }

    private static MeterProvider BuildMeterProvider(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureServices(s => s.AddSingleton(configuration))
            .SetResourceBuilder(services.GetRequiredService<NotifyResource>().CreateBuilder())
            .AddMeter([.. Meters])
            .AddView(SecondsHistogramView)
            .AddReader(services.GetRequiredService<PrometheusScraper>().Reader);

        if (OtlpEnabled(configuration, "METRICS"))
        {
            builder.AddOtlpExporter();
        }

        foreach (var customization in services.GetServices<MetricsCustomization>())
        {
            customization.Configure(builder);
        }

        return builder.Build();
    }

    private static MetricStreamConfiguration? SecondsHistogramView(Instrument instrument) => instrument switch
    {
        Histogram<double> { Unit: "s", Advice: null } => new ExplicitBucketHistogramConfiguration { Boundaries = SecondsBuckets },
        Histogram<float> { Unit: "s", Advice: null } => new ExplicitBucketHistogramConfiguration { Boundaries = SecondsBuckets },
        _ => null,
    };

    private sealed record TracingCustomization(Action<TracerProviderBuilder> Configure);

    private sealed record MetricsCustomization(Action<MeterProviderBuilder> Configure);

    /// <summary>
    /// Resolving the providers is what starts them listening: hosted services are all resolved before the first one
    /// (and before the server) starts, so nothing the host does goes unrecorded.
    /// </summary>
    private sealed class TelemetryStartup : IHostedService
    {
        public TelemetryStartup(TracerProvider tracerProvider, MeterProvider meterProvider)
        {
            ArgumentNullException.ThrowIfNull(tracerProvider);
            ArgumentNullException.ThrowIfNull(meterProvider);
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
