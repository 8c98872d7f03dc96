using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Notify.Aws.Tests.Fixtures;
using Notify.ServiceDefaults.Tests.Fixtures;

namespace Notify.ServiceDefaults.Tests.Prometheus;

/// <summary>A real Prometheus server scrapes a service-defaults app and answers PromQL with what the app counted.</summary>
[Trait("Category", "Slow")]
public sealed class PrometheusServerTests
{
    [Fact]
    public async Task Should_find_the_counted_series_in_prometheus_when_it_scrapes_the_metrics_endpoint()
    {
        var prometheus = Executables.Require("prometheus");
        var ct = TestContext.Current.CancellationToken;
        const int Sent = 7;
        using var meter = new Meter("Notify.Test");
        var deliveries = meter.CreateCounter<long>("notify.test.scraped.deliveries", "{delivery}", "Deliveries, counted by the test.");
        var serviceName = "notify-prom-" + Guid.NewGuid().ToString("N")[..8];
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["OTEL_SERVICE_NAME"] = serviceName });
        for (var i = 0; i < Sent; i++)
        {
            deliveries.Add(1, new KeyValuePair<string, object?>("channel", "email"));
        }

        var work = Directory.CreateTempSubdirectory("notify-prometheus-");
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(work.FullName, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: notify-test
                static_configs:
                  - targets: ['{app.BaseAddress.Authority}']
            """, ct);
        var info = new ProcessStartInfo(prometheus)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     $"--config.file={Path.Combine(work.FullName, "prometheus.yml")}",
                     $"--storage.tsdb.path={Path.Combine(work.FullName, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}",
                     "--log.level=warn",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

            var value = await Deadline.PollAsync(
                () => QueryAsync(http, $"sum(notify_test_scraped_deliveries_total{{job=\"notify-test\",channel=\"email\"}})", process),
                v => v == Sent,
                TimeSpan.FromSeconds(60),
                $"Prometheus to report {Sent} deliveries; prometheus log: {string.Join('\n', log)}");
            var target = await Deadline.PollAsync(
                () => QueryAsync(http, $"count(target_info{{job=\"notify-test\",service_name=\"{serviceName}\"}})", process),
                v => v == 1,
                TimeSpan.FromSeconds(30),
                "target_info with the service name");

            Assert.Equal(Sent, value);
            Assert.Equal(1, target);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None);
            work.Delete(recursive: true);
        }
    }

    /// <summary>The scalar value of an instant query's single series, or null while there is none.</summary>
    private static async Task<double?> QueryAsync(HttpClient http, string promql, Process process)
    {
        Assert.False(process.HasExited, $"prometheus exited with {(process.HasExited ? process.ExitCode : 0)}");
        try
        {
            using var response = await http.GetAsync(new Uri("/api/v1/query?query=" + Uri.EscapeDataString(promql), UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var result = json.RootElement.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() == 0)
            {
                return null;
            }

            return double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
