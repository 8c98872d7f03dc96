using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Notify.Aws.Tests.Fixtures;
using Notify.ServiceDefaults.Telemetry;
using Notify.ServiceDefaults.Tests.Fixtures;

namespace Notify.ServiceDefaults.Tests.Telemetry;

/// <summary>Traces, metrics and logs leave over OTLP/HTTP protobuf to a local receiver, with Notify's resource.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Should_export_spans_metrics_and_logs_with_the_service_resource_when_the_otlp_endpoint_is_configured()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var id = Guid.NewGuid().ToString("N")[..8];
        var serviceName = "notify-otlp-" + id;
        var marker = "otlp-marker-" + id;
        using var meter = new Meter("Notify.Test.Otlp." + id);
        var pings = meter.CreateCounter<long>("notify.test.otlp.pings");
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = serviceName,
                ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment.name=test,team=notify%20core",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
                ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            },
            map: a => a.MapGet("/ping", (ILogger<OtlpExportTests> logger) =>
            {
                pings.Add(1);
                logger.LogInformation("Handled ping {Marker}", marker);
                return "pong";
            }));
        var ct = TestContext.Current.CancellationToken;

        (await app.Client.GetAsync(new Uri("/ping", UriKind.Relative), ct)).Dispose();

        var span = await Deadline.PollAsync(
            () => Task.FromResult(receiver.Bodies("traces").SelectMany(Otlp.Spans).FirstOrDefault(s => s.Resource.GetValueOrDefault("service.name") == serviceName && s.Name == "GET /ping")),
            s => s is not null,
            TimeSpan.FromSeconds(20),
            "the server span of GET /ping over OTLP");
        var metric = await Deadline.PollAsync(
            () => Task.FromResult(receiver.Bodies("metrics").SelectMany(Otlp.Metrics).FirstOrDefault(m => m.Resource.GetValueOrDefault("service.name") == serviceName && m.Name == "notify.test.otlp.pings")),
            m => m is not null,
            TimeSpan.FromSeconds(20),
            "the test counter over OTLP");
        var log = await Deadline.PollAsync(
            () => Task.FromResult(receiver.Bodies("logs").SelectMany(Otlp.Logs).FirstOrDefault(l => l.Resource.GetValueOrDefault("service.name") == serviceName && l.Body.Contains(marker, StringComparison.Ordinal))),
            l => l is not null,
            TimeSpan.FromSeconds(20),
            "the log record over OTLP");

        Assert.Equal("/ping", span!.Attributes["http.route"]);
        Assert.Equal("200", span.Attributes["http.response.status_code"]);
        Assert.Equal("GET", span.Attributes["http.request.method"]);
        Assert.Equal(32, span.TraceId.Length);
        Assert.Equal("notify core", span.Resource["team"]);
        Assert.Equal("test", span.Resource["deployment.environment.name"]);
        Assert.True(Guid.TryParse(span.Resource["service.instance.id"], out _));
        Assert.False(string.IsNullOrEmpty(span.Resource.GetValueOrDefault("service.version")));
        Assert.Equal(span.Resource["service.instance.id"], metric!.Resource["service.instance.id"]);
        Assert.Equal(span.Resource["service.instance.id"], log!.Resource["service.instance.id"]);
        Assert.Contains(receiver.Bodies("metrics").SelectMany(Otlp.Metrics), m => m.Name == "http.server.request.duration");
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "TRACES", true)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "LOGS", true)]
    [InlineData("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "METRICS", true)]
    [InlineData("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "TRACES", false)]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "TRACES", false)]
    public void Should_export_a_signal_over_otlp_only_when_an_endpoint_for_it_is_configured(string setting, string signal, bool expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>(setting, "http://127.0.0.1:4318")])
            .Build();

        Assert.Equal(expected, NotifyTelemetry.OtlpEnabled(configuration, signal));
    }
}
