using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Notify.Aws.Tests.Fixtures;
using Notify.ServiceDefaults.Telemetry;
using Notify.ServiceDefaults.Tests.Fixtures;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Notify.ServiceDefaults.Tests.Telemetry;

/// <summary>Health probes and scrapes never start a trace; ordinary requests do.</summary>
public sealed class HealthProbeTracingTests
{
    [Fact]
    public async Task Should_record_the_ping_span_but_not_the_health_probe_or_its_children_when_both_are_requested()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        using var source = new ActivitySource("Notify.Test.Probe." + id);
        var recorded = new ConcurrentQueue<Activity>();
        await using var app = await TestApp.StartAsync(
            configure: b =>
            {
                b.Services.ConfigureNotifyTracing(t => t.AddProcessor(new Collect(recorded)));
                b.Services.AddHealthChecks().AddCheck("probe-child", () =>
                {
                    using var child = source.StartActivity("health-child");
                    return HealthCheckResult.Healthy();
                });
            },
            map: a => a.MapGet("/ping", () =>
            {
                using var child = source.StartActivity("ping-child");
                return "pong";
            }));
        var ct = TestContext.Current.CancellationToken;
        var port = app.BaseAddress.Port;

        (await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct)).Dispose();
        (await app.Client.GetAsync(new Uri("/metrics", UriKind.Relative), ct)).Dispose();
        (await app.Client.GetAsync(new Uri("/alive/", UriKind.Relative), ct)).Dispose();
        (await app.Client.GetAsync(new Uri("/ping", UriKind.Relative), ct)).Dispose();

        // The ping span ends after the probes' would have: once it is here, theirs would be too.
        await Deadline.PollAsync(
            () => Task.FromResult(recorded.Any(a => IsServerSpanOf(a, port) && a.DisplayName == "GET /ping")),
            found => found,
            TimeSpan.FromSeconds(10),
            "the GET /ping server span");

        var serverSpans = recorded.Where(a => IsServerSpanOf(a, port)).Select(a => a.GetTagItem("url.path")).ToList();
        Assert.Equal(["/ping"], serverSpans);
        Assert.Contains(recorded, a => a.Source == source && a.DisplayName == "ping-child");
        Assert.DoesNotContain(recorded, a => a.Source == source && a.DisplayName == "health-child");
    }

    private static bool IsServerSpanOf(Activity activity, int port) =>
        activity.Kind == ActivityKind.Server && Convert.ToString(activity.GetTagItem("server.port"), System.Globalization.CultureInfo.InvariantCulture) == port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Like an exporter: only what ends sampled (recorded).</summary>
    private sealed class Collect(ConcurrentQueue<Activity> into) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (data.Recorded)
            {
                into.Enqueue(data);
            }
        }
    }
}
