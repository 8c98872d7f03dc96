using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notify.AppHost.Tests.Fixtures;
using Notify.Aws.Local;
using Notify.Aws.Provisioning;
using Notify.Aws.Sns;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Resources;

namespace Notify.EndToEnd.Fixtures;

/// <summary>
/// The whole system as developers run it: moto_server on a free port, a <see cref="FaultProxy"/> in front of it (no rules
/// unless a test adds some), and the real <c>Notify.AppHost</c> process started with <c>--aws-endpoint</c> at the proxy,
/// so every AWS call of the AppHost's provisioning, the API and the worker(s) goes through it. Tests drive Notify only
/// through the API's HTTP surface; they read what the providers received from moto directly (<see cref="MotoEndpoint"/>,
/// past the proxy) and may play a provider's part there (<see cref="PublishSesFeedbackAsync"/>). Tests sharing a fixture
/// use their own users, event types and ids (<see cref="NewId"/>); moto is never reset under a running AppHost.
/// </summary>
public class EndToEndFixture : IAsyncLifetime
{
    public const string AdminKey = "nfy_admin_bootstrap_key_for_end_to_end_tests_01";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    // One connection pool for every client a test creates: thousands of requests must not each open a socket pool.
    private static readonly SocketsHttpHandler Handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 64 };

    private LocalAws? _moto;
    private FaultProxy? _proxy;
    private AppHostProcess? _host;
    private ReadyTable? _ready;
    private HttpClient? _api;

    /// <summary>The resource name prefix the AppHost provisions under (<c>--prefix</c>).</summary>
    public string Prefix { get; } = "e2e" + Guid.NewGuid().ToString("N")[..10];

    public ResourceNaming Naming => new(Prefix);

    /// <summary>The moto_server Notify's AWS calls end at (past the proxy): introspection and the providers' side.</summary>
    public LocalAws Moto => _moto ?? throw NotStarted();

    public Uri MotoEndpoint => Moto.Endpoint;

    /// <summary>Between Notify and moto: every AWS call of the AppHost and its services goes through it.</summary>
    public FaultProxy Proxy => _proxy ?? throw NotStarted();

    public AppHostProcess Host => _host ?? throw NotStarted();

    /// <summary>What the AppHost printed once ready: the API's URL and each service's URL and first pid.</summary>
    public ReadyTable Ready => _ready ?? throw NotStarted();

    public Uri ApiUrl => Ready.Api;

    /// <summary>A client of the API with the admin key; shared, never dispose it.</summary>
    public HttpClient Api => _api ?? throw NotStarted();

    /// <summary>Worker processes the AppHost starts (<c>--workers</c>): named <c>worker</c>, or <c>worker-1</c> … when more than one.</summary>
    public virtual int Workers => 1;

    /// <summary>
    /// Configuration of both services (keys as in appsettings, <c>Notify:Worker:…</c>), handed to the AppHost's environment,
    /// which its children inherit. Default: <see cref="FastSettings"/>; a derived fixture adds or replaces.
    /// </summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => FastSettings;

    /// <summary>Notifications per user and window under <see cref="FastSettings"/>: an event of four low-priority channels exceeds it.</summary>
    public const int RateLimitPerUser = 3;

    public static readonly TimeSpan RateLimitWindow = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Backoffs of a second or two (a message runs out of its 5 receives within seconds), a sweep every second (scheduled
    /// sends and deferrals go out on time), no template cache, a per-user limit of <see cref="RateLimitPerUser"/> in
    /// <see cref="RateLimitWindow"/> windows, provider rates that never hold a test back, quiet logs.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> FastSettings { get; } = new Dictionary<string, string?>
    {
        ["Notify:Sweep:Interval"] = "00:00:01",
        ["Notify:Store:SweepDelay"] = "00:00:05",
        ["Notify:Worker:Delivery:RetryBaseDelay"] = "00:00:01",
        ["Notify:Worker:Delivery:RetryMaxDelay"] = "00:00:02",
        ["Notify:Worker:Delivery:TemplateCacheDuration"] = "00:00:00",
        ["Notify:Worker:Stats:FlushInterval"] = "00:00:02",
        ["Notify:Worker:RateLimits:PerUser"] = RateLimitPerUser.ToString(CultureInfo.InvariantCulture),
        ["Notify:Worker:RateLimits:Window"] = RateLimitWindow.ToString("c", CultureInfo.InvariantCulture),
        ["Notify:Email:MaxSendRate"] = "1000",
        ["Notify:Sms:MaxSendRate"] = "1000",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Unique per call: <c>{prefix}-{16 hex}</c>.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 17)];

    public async ValueTask InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        _moto = await LocalAws.StartAsync(new LocalAwsOptions());
        _proxy = await FaultProxy.StartAsync(_moto.Endpoint);
        var (portBase, _) = FreePorts();
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in Settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        _host = AppHostProcess.Start(
            [
                "--aws-endpoint", _proxy.Endpoint.ToString().TrimEnd('/'),
                "--port-base", portBase.ToString(CultureInfo.InvariantCulture),
                "--workers", Workers.ToString(CultureInfo.InvariantCulture),
                "--admin-key", AdminKey,
                "--prefix", Prefix,
            ],
            environment);
        _ready = await _host.WaitReadyAsync(ReadyTimeout);
        _api = CreateClient();
        TestContext.Current.SendDiagnosticMessage($"{GetType().Name}: AppHost ready in {started.Elapsed.TotalSeconds:0.0} s (API {ApiUrl}, moto {MotoEndpoint})");
        await OnStartedAsync();
    }

    /// <summary>Runs last in <see cref="InitializeAsync"/>, with the system ready: a derived fixture prepares what its tests share.</summary>
    protected virtual ValueTask OnStartedAsync() => ValueTask.CompletedTask;

    /// <summary>A new client of the API, with <paramref name="apiKey"/> as its bearer key (none when null).</summary>
    public HttpClient CreateClient(string? apiKey = AdminKey)
    {
        var client = new HttpClient(Handler, disposeHandler: false) { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    // ---- Services: URLs, pids, SIGKILL and the AppHost's restart ----

    /// <summary>The base URL of a service of the table (<c>api</c>, <c>worker</c>, <c>worker-2</c> …).</summary>
    public Uri ServiceUrl(string name) => Ready.Services.TryGetValue(name, out var s) ? s.Url : throw new ArgumentException($"No service '{name}' in the AppHost's table.", nameof(name));

    /// <summary>The worker names of the table: <c>worker</c>, or <c>worker-1</c> … <c>worker-N</c>.</summary>
    public IReadOnlyList<string> WorkerNames => Workers == 1 ? ["worker"] : [.. Enumerable.Range(1, Workers).Select(i => $"worker-{i}")];

    /// <summary>The pid a service runs as now: the table's, or the last one the AppHost announced after restarting it.</summary>
    public int ServicePid(string name)
    {
        var restarted = $"apphost  | {name} restarted (pid ";
        var last = Host.Lines.LastOrDefault(l => l.StartsWith(restarted, StringComparison.Ordinal));
        return last is null ? Ready.Services[name].Pid : int.Parse(last[restarted.Length..^1], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// SIGKILL to a service (no shutdown hook runs: claims, leases and received messages stay as they are), then waits until
    /// the AppHost has started it again and it answers <c>/health</c>. Returns the new pid.
    /// </summary>
    public async Task<int> KillServiceAsync(string name = "worker", TimeSpan? timeout = null)
    {
        var pid = ServicePid(name);
        Assert.Contains(ProcessEntry.DescendantsOf(Host.Id), p => p.Pid == pid);
        var restartsBefore = Restarts(name);
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
        }

        await Deadline.PollAsync(
            () =>
            {
                Assert.False(Host.HasExited, $"The AppHost exited after {name} was killed.\n{Host.Tail()}");
                return Task.FromResult(Restarts(name));
            },
            n => n > restartsBefore,
            timeout ?? TimeSpan.FromSeconds(60),
            $"the AppHost to restart {name} after pid {pid} was killed");
        var newPid = ServicePid(name);
        Assert.NotEqual(pid, newPid);
        await WaitHealthyAsync(name, timeout ?? TimeSpan.FromSeconds(60));
        return newPid;
    }

    /// <summary>How often the AppHost announced it restarted the service.</summary>
    private int Restarts(string name) => Host.Lines.Count(l => l.StartsWith($"apphost  | {name} restarted (pid ", StringComparison.Ordinal));

    /// <summary>Polls a service's <c>/health</c> until it answers 200.</summary>
    public async Task WaitHealthyAsync(string name, TimeSpan timeout)
    {
        using var http = new HttpClient(Handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(5) };
        await Deadline.PollAsync(
            async () =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(ServiceUrl(name), "health"), TestContext.Current.CancellationToken);
                    return response.StatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return HttpStatusCode.ServiceUnavailable;
                }
            },
            s => s == HttpStatusCode.OK,
            timeout,
            $"{name} to answer /health");
    }

    /// <summary>A service's <c>/metrics</c> in Prometheus text format.</summary>
    public async Task<string> MetricsAsync(string name = "worker")
    {
        using var http = new HttpClient(Handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) };
        return await http.GetStringAsync(new Uri(ServiceUrl(name), "metrics"), TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// The sum of a metric's samples in a Prometheus text exposition, over the series whose labels include every
    /// <c>label="value"</c> of <paramref name="labels"/>: <c>Sum(text, "notify_deliveries_total", "channel=\"sms\"")</c>.
    /// </summary>
    public static double MetricSum(string exposition, string metric, params string[] labels) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith(metric, StringComparison.Ordinal) && l.Length > metric.Length && l[metric.Length] is '{' or ' ')
            .Where(l => labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    // ---- The API ----

    public async Task PutTemplateAsync(string eventType, string channel, string locale, object parts) =>
        await EnsureAsync(await Api.PutAsJsonAsync($"/api/templates/{eventType}/{channel}/{locale}", parts, Ct));

    public async Task PutContactAsync(string userId, object contact) =>
        await EnsureAsync(await Api.PutAsJsonAsync($"/api/users/{userId}/contact", contact, Ct));

    public async Task PutPreferencesAsync(string userId, object preferences) =>
        await EnsureAsync(await Api.PutAsJsonAsync($"/api/users/{userId}/preferences", preferences, Ct));

    /// <summary>Registers a push device; returns its SNS endpoint ARN.</summary>
    public async Task<string> RegisterDeviceAsync(string userId, string platform, string token)
    {
        var body = await EnsureAsync(await Api.PostAsJsonAsync($"/api/users/{userId}/devices", new { platform, token }, Ct));
        return body.GetProperty("endpointArn").GetString()!;
    }

    /// <summary>Creates an API key (<c>POST /api/keys</c>); returns its id and the key.</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(string[] scopes, string mode = "live")
    {
        var body = await EnsureAsync(await Api.PostAsJsonAsync("/api/keys", new { name = NewId("key"), scopes, mode }, Ct));
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    /// <summary>POSTs an event and returns the status and body whatever they are.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendEventAsync(object body, string apiKey = AdminKey)
    {
        using var client = apiKey == AdminKey ? null : CreateClient(apiKey);
        using var response = await (client ?? Api).PostAsJsonAsync("/api/events", body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>POSTs an event that must be taken (202, or 200 for a duplicate); returns the answer's body.</summary>
    public async Task<JsonElement> PostEventAsync(object body, string apiKey = AdminKey)
    {
        var (status, answer) = await SendEventAsync(body, apiKey);
        Assert.True(status is HttpStatusCode.Accepted or HttpStatusCode.OK, $"POST /api/events answered {(int)status}: {answer}");
        return answer;
    }

    public async Task<JsonElement> GetEventAsync(string eventId) =>
        await EnsureAsync(await Api.GetAsync($"/api/events/{eventId}", Ct));

    /// <summary>
    /// The event as the API shows it, or null while it cannot be read: not recorded yet (404), or a 500 because the read
    /// raced the worker's first write of a row (moto applies an UpdateItem attribute by attribute; DynamoDB never shows
    /// a half-written item).
    /// </summary>
    public async Task<JsonElement?> TryGetEventAsync(string eventId)
    {
        using var response = await Api.GetAsync($"/api/events/{eventId}", Ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.InternalServerError)
        {
            return null;
        }

        return await EnsureAsync(response);
    }

    /// <summary>Polls the event until <paramref name="done"/> holds (default: <see cref="IsFinal"/>).</summary>
    public async Task<JsonElement> WaitForEventAsync(string eventId, Func<JsonElement, bool>? done = null, TimeSpan? timeout = null) =>
        (await Deadline.PollAsync(
            async () =>
            {
                await Task.Delay(100, Ct); // A few reads a second: each is a moto Query that walks the table.
                return await TryGetEventAsync(eventId);
            },
            e => e is { } read && (done ?? IsFinal)(read),
            timeout ?? TimeSpan.FromSeconds(60),
            $"event {eventId} to reach the expected state"))!.Value;

    /// <summary>The event has its final status and every channel a terminal one.</summary>
    public static bool IsFinal(JsonElement @event) =>
        @event.GetProperty("status").GetString() is "completed" or "partially_failed" or "failed"
        && Rows(@event).All(r => Status(r) is not ("pending" or "deferred" or "sending"));

    public static IReadOnlyList<JsonElement> Rows(JsonElement @event) => [.. @event.GetProperty("notifications").EnumerateArray()];

    public static string? Status(JsonElement row) => row.GetProperty("status").GetString();

    public static JsonElement Channel(JsonElement @event, string channel) =>
        Rows(@event).SingleOrDefault(r => r.GetProperty("channel").GetString() == channel) is { ValueKind: JsonValueKind.Object } row
            ? row
            : throw new Xunit.Sdk.XunitException($"No {channel} row in {@event}");

    public static string? ChannelStatus(JsonElement @event, string channel) =>
        Rows(@event).Where(r => r.GetProperty("channel").GetString() == channel).Select(Status).FirstOrDefault();

    /// <summary>When a row reached <paramref name="status"/> (its <c>transitions</c>), or null.</summary>
    public static DateTimeOffset? Transition(JsonElement row, string status) =>
        row.GetProperty("transitions").TryGetProperty(status, out var at) ? at.GetDateTimeOffset() : null;

    // ---- The providers' side, in moto ----

    /// <summary>
    /// Instances of one moto model (e.g. <c>ses</c>/<c>Message</c>, <c>sns</c>/<c>SMS</c>, <c>sns</c>/<c>PlatformEndpoint</c>).
    /// moto keeps every model instance it ever created and dumps them all, so the dump grows with the fixture's history.
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> MotoModelsAsync(string service, string model) =>
        MotoState.Models(await MotoState.DumpAsync(MotoEndpoint, TimeSpan.FromMinutes(3), Ct), service, model);

    /// <summary>Emails SES accepted: <c>id</c>, <c>source</c>, <c>destinations</c>, <c>subject</c>, <c>body</c>.</summary>
    public Task<IReadOnlyList<JsonObject>> SentEmailsAsync() => MotoModelsAsync("ses", "Message");

    /// <summary>SMS SNS accepted: <c>message_id</c>, <c>phone_number</c>, <c>message</c>.</summary>
    public Task<IReadOnlyList<JsonObject>> SentSmsAsync() => MotoModelsAsync("sns", "SMS");

    /// <summary>What SNS published to one platform endpoint (a push), by message id.</summary>
    public async Task<IReadOnlyList<string>> PushesToAsync(string endpointArn) =>
        (await MotoModelsAsync("sns", "PlatformEndpoint")).Where(e => (string?)e["arn"] == endpointArn)
            .SelectMany(e => e["messages"]?.AsObject().Select(m => (string)m.Value!) ?? [])
            .ToList();

    /// <summary>Publishes an SES notification (see SesNotifications) to the feedback topic, as SES does.</summary>
    public async Task PublishSesFeedbackAsync(string notification)
    {
        using var sns = new SnsClient(Moto.Connection);
        // CreateTopic answers the existing topic's ARN.
        var topic = await sns.CreateTopicAsync(new CreateTopicRequest { Name = Naming.Topic(NotifyResources.SesFeedbackTopic) }, Ct);
        await sns.PublishAsync(new PublishRequest { TopicArn = topic.TopicArn, Message = notification }, Ct);
    }

    /// <summary>
    /// Stops the AppHost as Ctrl+C does (it stops its services first), then the proxy and moto; even when a step throws,
    /// the rest still runs, and what threw is written in full before it is rethrown.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        await StepAsync(OnStoppingAsync);
        _api?.Dispose();
        await StepAsync(async () =>
        {
            if (_host is { HasExited: false } host)
            {
                host.Interrupt(wholeGroup: false);
                if (!await host.WaitForExitAsync(StopTimeout))
                {
                    throw new TimeoutException($"The AppHost did not stop within {StopTimeout.TotalSeconds:0} s of SIGINT.\n{host.Tail()}");
                }
            }
        });
        await StepAsync(() => _host?.DisposeAsync() ?? ValueTask.CompletedTask);
        await StepAsync(() => _proxy?.DisposeAsync() ?? ValueTask.CompletedTask);
        await StepAsync(() => _moto?.DisposeAsync() ?? ValueTask.CompletedTask);
        GC.SuppressFinalize(this);
        if (failures.Count > 0)
        {
            await Console.Error.WriteLineAsync($"{GetType().Name} ({Prefix}) failed to stop cleanly:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
            throw failures.Count == 1 ? failures[0] : new AggregateException(failures);
        }

        async Task StepAsync(Func<ValueTask> step)
        {
            try
            {
                await step();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
    }

    /// <summary>Runs first in <see cref="DisposeAsync"/>, while everything still runs.</summary>
    protected virtual ValueTask OnStoppingAsync() => ValueTask.CompletedTask;

    /// <summary>The last lines of the AppHost's output (its services' included), for failure messages.</summary>
    public string Tail(int count = 80) => _host?.Tail(count) ?? "(no AppHost)";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A port base whose API and worker ports are free (as AppHostProcess picks them, with room for more workers).</summary>
    private (int PortBase, int MotoPort) FreePorts()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var ports = AppHostProcess.FreePorts();
            if (Enumerable.Range(ports.PortBase, Workers + 1).All(AppHostProcess.IsPortFree))
            {
                return ports;
            }
        }

        throw new Xunit.Sdk.XunitException($"Found no {Workers + 1} free consecutive ports.");
    }

    private static async Task<JsonElement> EnsureAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(Ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}", null, response.StatusCode);
            }

            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static InvalidOperationException NotStarted() => new("The end-to-end fixture is not started.");
}
