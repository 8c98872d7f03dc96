using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Notify.ServiceDefaults.Tests.Fixtures;

namespace Notify.ServiceDefaults.Tests.Prometheus;

/// <summary>/metrics of a real app with the service defaults, and promtool's verdict on it.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Should_serve_openmetrics_when_the_scraper_asks_for_it_and_the_text_format_otherwise()
    {
        await using var app = await TestApp.StartAsync();
        var ct = TestContext.Current.CancellationToken;

        using var openMetricsRequest = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        openMetricsRequest.Headers.Accept.ParseAdd("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        using var openMetrics = await app.Client.SendAsync(openMetricsRequest, ct);
        using var text = await app.Client.GetAsync(new Uri("/metrics", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.OK, openMetrics.StatusCode);
        Assert.Equal("application/openmetrics-text", openMetrics.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("# EOF\n", await openMetrics.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", text.Content.Headers.ContentType?.ToString());
        var body = await text.Content.ReadAsStringAsync(ct);
        Assert.Contains("# TYPE target_info gauge", body, StringComparison.Ordinal);
        Assert.Contains("service_name=\"Notify.ServiceDefaults.Tests\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_include_the_built_in_aspnetcore_and_runtime_meters_when_the_app_has_served_requests()
    {
        await using var app = await TestApp.StartAsync(map: a => a.MapGet("/ping", () => "pong"));
        var ct = TestContext.Current.CancellationToken;
        (await app.Client.GetAsync(new Uri("/ping", UriKind.Relative), ct)).Dispose();

        var body = await app.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", body, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/ping\"", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE kestrel_active_connections gauge", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_pass_promtool_check_metrics_when_linting_the_exposition_of_a_busy_app()
    {
        var promtool = Executables.Require("promtool");
        var meterName = "Notify.Test.Promtool." + Guid.NewGuid().ToString("N")[..8];
        using var meter = new Meter(meterName);
        var accepted = meter.CreateCounter<long>("notify.test.events.accepted", "{event}", "Events accepted.");
        var latency = meter.CreateHistogram<double>("notify.test.delivery.duration", "s", "Accepted to terminal.");
        var depth = meter.CreateUpDownCounter<long>("notify.test.lane.depth", "{message}", "Messages waiting.");
        var ratio = meter.CreateGauge<double>("notify.test.success", "1", "Success ratio \"now\"\nwith a second line \\ and a backslash.");
        await using var app = await TestApp.StartAsync(map: a => a.MapGet("/ping", () =>
        {
            accepted.Add(1, new KeyValuePair<string, object?>("priority", "high"), new KeyValuePair<string, object?>("reason", "quote \" and \\ and\nnewline"));
            latency.Record(0.42, new KeyValuePair<string, object?>("channel", "email"));
            depth.Add(3, new KeyValuePair<string, object?>("lane", "high"));
            ratio.Record(0.9);
            return "pong";
        }));
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 3; i++)
        {
            (await app.Client.GetAsync(new Uri("/ping", UriKind.Relative), ct)).Dispose();
            (await app.Client.GetAsync(new Uri("/missing", UriKind.Relative), ct)).Dispose();
            (await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct)).Dispose();
        }

        var exposition = await app.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);
        Assert.Contains("notify_test_events_accepted_total{", exposition, StringComparison.Ordinal);

        var (exitCode, stdout, stderr) = await RunAsync(promtool, ["check", "metrics"], exposition, ct);

        Assert.True(exitCode == 0 && stderr.Length == 0,
            $"promtool check metrics exited {exitCode}:\n{stderr}\n{stdout}\n--- exposition ---\n{exposition}");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, string[] args, string stdin, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
