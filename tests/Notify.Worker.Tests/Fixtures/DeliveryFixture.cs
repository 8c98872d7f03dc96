extern alias api;

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Notify.Aws.Local;
using Notify.Aws.Provisioning;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Resources;

namespace Notify.Worker.Tests.Fixtures;

/// <summary>
/// The delivery path as it runs: moto on an ephemeral port with every resource provisioned under a unique prefix, a
/// <see cref="FaultProxy"/> between Notify and moto (no rules unless a test adds some), Notify.Api and Notify.Worker in
/// process. Tests drive it only through the API's HTTP surface and read what the providers received from moto. Retries
/// and sweeps are fast so that backoffs and deferrals finish within a test; a test class shares one fixture, so tests
/// use their own user ids and event types.
/// </summary>
public class DeliveryFixture : IAsyncLifetime
{
    public const string AdminKey = "nfy_admin_bootstrap_key_for_worker_tests_0123";

    private LocalAws? _aws;
    private FaultProxy? _proxy;
    private WebApplicationFactory<api::Program>? _api;
    private WebApplicationFactory<Program>? _worker;

    public LocalAws Aws => _aws ?? throw new InvalidOperationException("Fixture not started.");

    /// <summary>Every AWS call of the API and the worker goes through it.</summary>
    public FaultProxy Proxy => _proxy ?? throw new InvalidOperationException("Fixture not started.");

    public string Prefix { get; } = "dlv" + Guid.NewGuid().ToString("N")[..10];

    public ResourceNaming Naming => new(Prefix);

    public IServiceProvider WorkerServices => (_worker ?? throw new InvalidOperationException("Fixture not started.")).Services;

    public IServiceProvider ApiServices => (_api ?? throw new InvalidOperationException("Fixture not started.")).Services;

    /// <summary>Settings both hosts get (AWS endpoint through the proxy, the prefix), for a worker started as a process.</summary>
    public IReadOnlyDictionary<string, string?> SharedSettings { get; private set; } = new Dictionary<string, string?>();

    /// <summary>Extra worker settings of a derived fixture.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> WorkerSettings => [];

    /// <summary>False for fixtures that run the worker as a separate process instead.</summary>
    protected virtual bool StartWorkerInProcess => true;

    /// <summary>Runs last in <see cref="InitializeAsync"/>, with AWS provisioned and the API up: a derived fixture starts what it adds.</summary>
    protected virtual ValueTask OnStartedAsync() => ValueTask.CompletedTask;

    /// <summary>Runs first in <see cref="DisposeAsync"/>, while AWS is still up: a derived fixture stops what it added.</summary>
    protected virtual ValueTask OnStoppingAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        _aws = await LocalAws.StartAsync(new LocalAwsOptions());
        await NotifyProvisioner.ProvisionAsync(_aws.Connection, new ProvisioningOptions { Prefix = Prefix, CreatePlatformApplications = true });
        _proxy = await FaultProxy.StartAsync(_aws.Endpoint);
        SharedSettings = new Dictionary<string, string?>
        {
            ["Aws:EndpointUrl"] = _proxy.Endpoint.ToString(),
            ["Aws:Region"] = _aws.Connection.Region.SystemName,
            ["Aws:Retry:BaseDelay"] = "00:00:00.020",
            ["Aws:Retry:MaxDelay"] = "00:00:00.100",
            ["Notify:Provisioning:Prefix"] = Prefix,
            // The API requires an inbox token key outside Development (an API started as a process runs in Production).
            ["Notify:Inbox:TokenSigningKey"] = "inbox-token-signing-key-for-worker-tests-0123456789",
            ["Notify:Store:SweepDelay"] = "00:00:05",
            ["Notify:Store:DueLookback"] = "00:10:00",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        _api = new WebApplicationFactory<api::Program>().WithWebHostBuilder(web =>
        {
            Apply(web, SharedSettings);
            web.UseSetting("NOTIFY_ADMIN_KEY", AdminKey);
        });
        _ = _api.Server;
        if (StartWorkerInProcess)
        {
            StartWorker();
        }

        await OnStartedAsync();
    }

    /// <summary>
    /// Starts the in-process worker: at initialisation, or later for a fixture with <see cref="StartWorkerInProcess"/>
    /// false that fills the lanes first. <paramref name="settings"/> apply after the fast and the derived fixture's settings.
    /// </summary>
    public void StartWorker(IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        if (_worker is not null)
        {
            throw new InvalidOperationException("The worker runs already.");
        }

        _worker = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            Apply(web, SharedSettings);
            Apply(web, FastWorkerSettings);
            Apply(web, WorkerSettings);
            Apply(web, settings ?? []);
        });
        _ = _worker.Services;
    }

    /// <summary>Backoffs of a second or two, a sweep every second, no template cache, quick shutdown.</summary>
    public static IReadOnlyDictionary<string, string?> FastWorkerSettings { get; } = new Dictionary<string, string?>
    {
        ["Notify:Sweep:Interval"] = "00:00:01",
        ["Notify:Worker:Delivery:RetryBaseDelay"] = "00:00:01",
        ["Notify:Worker:Delivery:RetryMaxDelay"] = "00:00:02",
        ["Notify:Worker:Delivery:TemplateCacheDuration"] = "00:00:00",
        ["Notify:Worker:Lanes:WaitTimeSeconds"] = "1",
        ["Notify:Worker:Lanes:ShutdownGracePeriod"] = "00:00:02",
        ["Notify:Worker:Queues:high-dlq:WaitTimeSeconds"] = "1",
        ["Notify:Worker:Queues:low-dlq:WaitTimeSeconds"] = "1",
        ["Notify:Worker:Queues:feedback:WaitTimeSeconds"] = "1",
        ["Notify:Email:MaxSendRate"] = "1000",
        ["Notify:Sms:MaxSendRate"] = "1000",
    };

    public HttpClient CreateClient(string apiKey = AdminKey)
    {
        var client = (_api ?? throw new InvalidOperationException("Fixture not started.")).CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, 60)];

    public async Task PutTemplateAsync(string eventType, string channel, string locale, object parts)
    {
        using var client = CreateClient();
        using var response = await client.PutAsJsonAsync($"/api/templates/{eventType}/{channel}/{locale}", parts);
        await EnsureAsync(response);
    }

    public async Task PutContactAsync(string userId, object contact)
    {
        using var client = CreateClient();
        using var response = await client.PutAsJsonAsync($"/api/users/{userId}/contact", contact);
        await EnsureAsync(response);
    }

    public async Task PutPreferencesAsync(string userId, object preferences)
    {
        using var client = CreateClient();
        using var response = await client.PutAsJsonAsync($"/api/users/{userId}/preferences", preferences);
        await EnsureAsync(response);
    }

    /// <summary>Registers a push device; returns its endpoint ARN.</summary>
    public async Task<string> RegisterDeviceAsync(string userId, string platform, string token)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync($"/api/users/{userId}/devices", new { platform, token });
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpointArn").GetString()!;
    }

    /// <summary>POSTs an event (202 or 200 duplicate expected) and returns the answer's body.</summary>
    public async Task<JsonElement> PostEventAsync(object body, string apiKey = AdminKey)
    {
        using var client = CreateClient(apiKey);
        using var response = await client.PostAsJsonAsync("/api/events", body);
        await EnsureAsync(response);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> GetEventAsync(string eventId)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync($"/api/events/{eventId}");
        await EnsureAsync(response);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// The event, or null when the API answered 500 because it read a row in the middle of its first write: moto's
    /// UpdateItem is not atomic (it stores a key-only item, then applies the expression), so a read racing the worker's
    /// claim finds a row without its attributes. Real DynamoDB never shows that.
    /// </summary>
    public async Task<JsonElement?> TryGetEventAsync(string eventId)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync($"/api/events/{eventId}");
        if (response.StatusCode == System.Net.HttpStatusCode.InternalServerError)
        {
            return null;
        }

        await EnsureAsync(response);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// Polls the event until <paramref name="done"/> holds (default: a final overall status). A 500 read is polled again
    /// (see <see cref="TryGetEventAsync"/>); three in a row fail the wait.
    /// </summary>
    public async Task<JsonElement> WaitForEventAsync(string eventId, Func<JsonElement, bool>? done = null, TimeSpan? timeout = null)
    {
        var isDone = done ?? (e => e.GetProperty("status").GetString() is "completed" or "partially_failed" or "failed");
        var failedReads = 0;
        var found = await Deadline.PollAsync(
            async () =>
            {
                var read = await TryGetEventAsync(eventId);
                failedReads = read is null ? failedReads + 1 : 0;
                return failedReads < 3 ? read : await GetEventAsync(eventId);
            },
            e => e is { } read && isDone(read),
            timeout ?? TimeSpan.FromSeconds(30),
            $"event {eventId} to reach the expected state");
        return found!.Value;
    }

    /// <summary>The status of one channel in an event as the API shows it.</summary>
    public static string? ChannelStatus(JsonElement @event, string channel) =>
        @event.GetProperty("notifications").EnumerateArray()
            .Where(n => n.GetProperty("channel").GetString() == channel)
            .Select(n => n.GetProperty("status").GetString())
            .FirstOrDefault();

    public static JsonElement Channel(JsonElement @event, string channel) =>
        @event.GetProperty("notifications").EnumerateArray().Single(n => n.GetProperty("channel").GetString() == channel);

    /// <summary>Emails moto accepted (<c>ses.Message</c>: id, source, destinations, subject, body).</summary>
    public Task<IReadOnlyList<JsonObject>> SentEmailsAsync() => MotoState.ModelsAsync(Aws.Endpoint, "ses", "Message", TestContext.Current.CancellationToken);

    /// <summary>SMS moto accepted (<c>sns.SMS</c> or as moto names it; see the channel tests).</summary>
    public Task<IReadOnlyList<JsonObject>> SentSmsAsync() => MotoState.ModelsAsync(Aws.Endpoint, "sns", "SMS", TestContext.Current.CancellationToken);

    /// <summary>
    /// Stops everything even when a step throws (a host that fails to stop must not leak moto or the proxy), writes what
    /// threw to standard error in full (the runner reports a class cleanup failure by its type alone), then rethrows it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        await StepAsync(OnStoppingAsync);
        await StepAsync(() => _worker?.DisposeAsync() ?? ValueTask.CompletedTask);
        await StepAsync(() => _api?.DisposeAsync() ?? ValueTask.CompletedTask);
        await StepAsync(() => _proxy?.DisposeAsync() ?? ValueTask.CompletedTask);
        await StepAsync(() => _aws?.DisposeAsync() ?? ValueTask.CompletedTask);
        GC.SuppressFinalize(this);
        if (failures.Count > 0)
        {
            await Console.Error.WriteLineAsync($"{GetType().Name} ({Prefix}) failed to stop cleanly:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
            if (failures.Count == 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]);
            }

            throw new AggregateException(failures);
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

    private static void Apply(Microsoft.AspNetCore.Hosting.IWebHostBuilder web, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        foreach (var (key, value) in settings)
        {
            web.UseSetting(key, value);
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
