using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Notify.Aws.Tests.Fixtures;
using Notify.ServiceDefaults.Tests.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Worker.Tests.Observability;

/// <summary>
/// Notify.Api and Notify.Worker each as its own process, both exporting OTLP to an in-test receiver and serving
/// <c>/metrics</c> on a real port. Processes, not in-process hosts: the business meters and activity sources are static,
/// so in one process every host's OpenTelemetry providers would see every host's (and every other test class's)
/// measurements and spans, and neither the resource per service nor exact counts would mean anything.
/// </summary>
public sealed class ObservabilityFixture : DeliveryFixture
{
    private OtlpReceiver? _receiver;
    private HostProcess? _api;
    private HostProcess? _worker;

    public OtlpReceiver Receiver => _receiver ?? throw new InvalidOperationException("Fixture not started.");

    public HostProcess Api => _api ?? throw new InvalidOperationException("Fixture not started.");

    public HostProcess Worker => _worker ?? throw new InvalidOperationException("Fixture not started.");

    /// <summary>The in-process worker would compete for the lanes with the worker process.</summary>
    protected override bool StartWorkerInProcess => false;

    /// <summary>The API process's own HTTP surface, with the bootstrap key.</summary>
    public HttpClient CreateApiProcessClient()
    {
        var client = new HttpClient { BaseAddress = Api.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>POSTs an event to the API process; 202 expected.</summary>
    public async Task PostEventToApiProcessAsync(object body)
    {
        using var client = CreateApiProcessClient();
        using var response = await client.PostAsJsonAsync("/api/events", body, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/events answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }

    protected override async ValueTask OnStartedAsync()
    {
        _receiver = await OtlpReceiver.StartAsync();
        var telemetry = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        };
        var api = Merge(SharedSettings, telemetry, [new("NOTIFY_ADMIN_KEY", AdminKey)]);
        var worker = Merge(SharedSettings, FastWorkerSettings, WorkerSettings, telemetry, [new("Notify:Sweep:BacklogInterval", "00:00:01")]);
        _api = HostProcess.Start("Notify.Api", api);
        _worker = HostProcess.Start("Notify.Worker", worker);
        await Task.WhenAll(_api.WaitUntilListeningAsync(), _worker.WaitUntilListeningAsync());
    }

    protected override async ValueTask OnStoppingAsync()
    {
        _worker?.Dispose();
        _api?.Dispose();
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }

    private static Dictionary<string, string?> Merge(params IEnumerable<KeyValuePair<string, string?>>[] sources)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in sources.SelectMany(s => s))
        {
            settings[key] = value;
        }

        return settings;
    }
}

/// <summary>
/// Issue 5's proof: what the two services emit is usable as deployed. Over OTLP, one trace runs from the API's server
/// span to the worker's delivery span, each under its own service resource, and both send metrics; a real Prometheus
/// scraping both <c>/metrics</c> endpoints answers PromQL with exactly the deliveries made, the ingestion counts and the
/// queue depths, and promtool finds nothing to lint in either exposition.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ObservabilityTests(ObservabilityFixture fixture) : IClassFixture<ObservabilityFixture>
{
    private const string ApiService = "Notify.Api";
    private const string WorkerService = "Notify.Worker";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_export_one_trace_from_the_api_to_the_worker_and_both_services_metrics_when_otlp_is_configured()
    {
        // in_app only: the Prometheus test counts every email the worker process sends.
        var eventType = DeliveryFixture.NewId("otlp");
        await fixture.PutTemplateAsync(eventType, "in_app", "en", new { title = "Traced", body = "Hello" });
        var eventId = DeliveryFixture.NewId("evt");

        await fixture.PostEventToApiProcessAsync(new { eventId, eventType, userId = DeliveryFixture.NewId("u"), channels = new[] { "in_app" }, payload = new { } });
        var @event = await fixture.WaitForEventAsync(eventId);

        Assert.Equal("sent", DeliveryFixture.ChannelStatus(@event, "in_app"));
        var deliver = await Deadline.PollAsync(
            () => Task.FromResult(Spans().FirstOrDefault(s => s.Name == $"deliver {eventType}")),
            s => s is not null,
            TimeSpan.FromSeconds(20),
            $"the worker's delivery span over OTLP{Tails()}");
        var post = await Deadline.PollAsync(
            () => Task.FromResult(Spans().FirstOrDefault(s =>
                s.TraceId == deliver!.TraceId && s.Resource.GetValueOrDefault("service.name") == ApiService && s.Attributes.GetValueOrDefault("url.path") == "/api/events")),
            s => s is not null,
            TimeSpan.FromSeconds(20),
            $"the API's server span in the delivery's trace{Tails()}");
        var apiMetric = await MetricAsync(ApiService, "notify.events");
        var workerMetric = await MetricAsync(WorkerService, "notify.deliveries");

        Assert.Equal(WorkerService, deliver!.Resource["service.name"]);
        Assert.Equal(eventId, deliver.Attributes["notify.event_id"]);
        Assert.StartsWith("POST /api/events", post!.Name, StringComparison.Ordinal);
        Assert.Equal("POST", post.Attributes["http.request.method"]);
        Assert.Equal("202", post.Attributes["http.response.status_code"]);
        Assert.Equal(32, deliver.TraceId.Length);
        var apiInstance = post.Resource["service.instance.id"];
        var workerInstance = deliver.Resource["service.instance.id"];
        Assert.True(Guid.TryParse(apiInstance, out _), apiInstance);
        Assert.True(Guid.TryParse(workerInstance, out _), workerInstance);
        Assert.NotEqual(apiInstance, workerInstance);
        Assert.Equal(apiInstance, apiMetric.Resource["service.instance.id"]);
        Assert.Equal(workerInstance, workerMetric.Resource["service.instance.id"]);
        Assert.False(string.IsNullOrEmpty(post.Resource.GetValueOrDefault("service.version")));
        Assert.False(string.IsNullOrEmpty(deliver.Resource.GetValueOrDefault("service.version")));
    }

    [Fact]
    public async Task Should_answer_promql_with_the_deliveries_events_and_queue_depths_when_prometheus_scrapes_both_services()
    {
        var prometheusPath = Executables.Require("prometheus");
        var promtool = Executables.Require("promtool");
        const int Sent = 5;
        var eventType = DeliveryFixture.NewId("prom");
        await fixture.PutTemplateAsync(eventType, "email", "en", new { subject = "Scraped", text = "Hello" });
        await using var prometheus = await PrometheusProcess.StartAsync(prometheusPath, fixture.Api.Address, fixture.Worker.Address);

        var eventIds = Enumerable.Range(0, Sent).Select(_ => DeliveryFixture.NewId("evt")).ToList();
        foreach (var eventId in eventIds)
        {
            var user = DeliveryFixture.NewId("u");
            await fixture.PostEventToApiProcessAsync(new { eventId, eventType, userId = user, channels = new[] { "email" }, payload = new { }, recipient = new { email = $"{user}@example.com" } });
        }

        foreach (var eventId in eventIds)
        {
            Assert.Equal("sent", DeliveryFixture.ChannelStatus(await fixture.WaitForEventAsync(eventId), "email"));
        }

        var later = DeliveryFixture.NewId("u");
        await fixture.PostEventToApiProcessAsync(new
        {
            eventId = DeliveryFixture.NewId("evt"), eventType, userId = later, channels = new[] { "email" }, payload = new { },
            recipient = new { email = $"{later}@example.com" }, sendAt = DateTimeOffset.UtcNow.AddDays(1),
        });

        var deliveries = await prometheus.PollAsync("sum(notify_deliveries_total{channel=\"email\",status=\"sent\"})", v => v == Sent);
        var accepted = await prometheus.PollAsync("sum(notify_events_total{job=\"notify-api\",outcome=\"accepted\"})", v => v >= Sent);
        var high = await prometheus.PollAsync("count(notify_queue_messages{job=\"notify-worker\",queue=\"high\"})", v => v > 0);
        var low = await prometheus.PollAsync("count(notify_queue_messages{job=\"notify-worker\",queue=\"low\"})", v => v > 0);
        var up = await prometheus.PollAsync("sum(up{job=~\"notify-api|notify-worker\"})", v => v == 2);
        var scheduled = await prometheus.PollAsync("sum(notify_scheduled_backlog{job=\"notify-worker\",state=\"scheduled\"})", v => v >= 1);
        var oldest = await prometheus.PollAsync("count(notify_queue_oldest_message_age_seconds{job=\"notify-worker\",queue=~\"high|low\"})", v => v == 2);

        Assert.Equal(Sent, deliveries);
        Assert.True(accepted >= Sent, $"notify_events_total accepted = {accepted}");
        Assert.True(high > 0 && low > 0, $"notify_queue_messages series: high {high}, low {low}");
        Assert.Equal(2, up);
        Assert.True(scheduled >= 1, $"notify_scheduled_backlog scheduled = {scheduled}");
        Assert.Equal(2, oldest);
        await AssertLintFreeAsync(promtool, fixture.Api);
        await AssertLintFreeAsync(promtool, fixture.Worker);
    }

    private IEnumerable<Otlp.Span> Spans() => fixture.Receiver.Bodies("traces").SelectMany(Otlp.Spans);

    private async Task<Otlp.MetricData> MetricAsync(string service, string name) =>
        (await Deadline.PollAsync(
            () => Task.FromResult(fixture.Receiver.Bodies("metrics").SelectMany(Otlp.Metrics)
                .FirstOrDefault(m => m.Resource.GetValueOrDefault("service.name") == service && m.Name == name)),
            m => m is not null,
            TimeSpan.FromSeconds(20),
            $"{service}'s {name} over OTLP{Tails()}"))!;

    private string Tails() => $"; api output: {fixture.Api.OutputTail()}; worker output: {fixture.Worker.OutputTail()}";

    /// <summary><c>promtool check metrics</c> reads an exposition on stdin and exits non-zero on a lint problem.</summary>
    private static async Task AssertLintFreeAsync(string promtool, HostProcess host)
    {
        using var http = new HttpClient { BaseAddress = host.Address };
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct);
        Assert.Contains("# TYPE", text, StringComparison.Ordinal);
        var info = new ProcessStartInfo(promtool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("check");
        info.ArgumentList.Add("metrics");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        await process.WaitForExitAsync(Ct);

        Assert.True(process.ExitCode == 0, $"promtool check metrics on {host.Name}'s /metrics exited {process.ExitCode}: {await stdout}{await stderr}");
    }
}

/// <summary>A Prometheus server on a free port scraping the two services every second.</summary>
internal sealed class PrometheusProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _work;
    private readonly HttpClient _http;
    private readonly ConcurrentQueue<string> _log = new();

    private PrometheusProcess(Process process, DirectoryInfo work, int port)
    {
        _process = process;
        _work = work;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
    }

    public static async Task<PrometheusProcess> StartAsync(string executable, Uri api, Uri worker)
    {
        var work = Directory.CreateTempSubdirectory("notify-obs-prometheus-");
        var config = Path.Combine(work.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: notify-api
                static_configs:
                  - targets: ['{api.Authority}']
              - job_name: notify-worker
                static_configs:
                  - targets: ['{worker.Authority}']
            """, TestContext.Current.CancellationToken);
        var port = FreePort();
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add($"--config.file={config}");
        info.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(work.FullName, "data")}");
        info.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        info.ArgumentList.Add("--log.level=warn");
        var process = Process.Start(info)!;
        var prometheus = new PrometheusProcess(process, work, port);
        process.OutputDataReceived += (_, e) => prometheus.Record(e.Data);
        process.ErrorDataReceived += (_, e) => prometheus.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return prometheus;
    }

    /// <summary>Polls an instant query until its single value satisfies <paramref name="done"/>.</summary>
    public async Task<double> PollAsync(string promql, Func<double, bool> done)
    {
        try
        {
            return (await Deadline.PollAsync(() => QueryAsync(promql), v => v is { } value && done(value), TimeSpan.FromSeconds(45), promql))!.Value;
        }
        catch (TimeoutException e)
        {
            var last = await QueryAsync(promql);
            throw new TimeoutException($"{e.Message} (now {last?.ToString(CultureInfo.InvariantCulture) ?? "no series"}); targets: {await TargetsAsync()}; prometheus log: {string.Join('\n', _log)}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
        _work.Delete(recursive: true);
    }

    private async Task<double?> QueryAsync(string promql)
    {
        Assert.False(_process.HasExited, $"prometheus exited: {string.Join('\n', _log)}");
        try
        {
            using var response = await _http.GetAsync(new Uri("/api/v1/query?query=" + Uri.EscapeDataString(promql), UriKind.Relative), TestContext.Current.CancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            var result = json.RootElement.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 0
                ? null
                : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Not listening yet.
            return null;
        }
    }

    /// <summary>The scrape state of each target (health, last error): why a series is missing.</summary>
    private async Task<string> TargetsAsync()
    {
        try
        {
            return await _http.GetStringAsync(new Uri("/api/v1/targets", UriKind.Relative), TestContext.Current.CancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return e.Message;
        }
    }

    private void Record(string? line)
    {
        if (line is not null && _log.Count < 200)
        {
            _log.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
