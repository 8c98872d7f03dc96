using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Notify.Api.Tests.Fixtures;
using Notify.Aws.Channels.InApp;
using Notify.Aws.Local;
using Notify.Aws.Provisioning;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Resources;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Api.Tests.Inbox;

[CollectionDefinition(Name)]
public sealed class LiveInboxCollection : ICollectionFixture<LiveInboxFixture>
{
    public const string Name = "live inbox";
}

/// <summary>
/// The live inbox as it runs: one moto_server (ephemeral port, resources provisioned under a unique prefix), the worker and
/// two API instances (A and B), each its own process on an ephemeral port (<see cref="HostProcess"/>), sharing one inbox
/// token key. Each API instance has created its own queue on the inbox topic before a test starts. Heartbeats, sweeps and
/// long polls are short so that a killed instance is swept within seconds. Tests start further instances when they stop
/// or kill one.
/// </summary>
public sealed partial class LiveInboxFixture : IAsyncLifetime
{
    public const string AdminKey = ApiFixture.AdminKey;

    /// <summary>Connections one user may hold on one instance in these tests.</summary>
    public const int MaxConnectionsPerUser = 3;

    /// <summary>A queue whose heartbeat is older than this is swept (heartbeats every second, long polls of 2 s).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(8);

    private readonly List<HostProcess> _processes = [];
    private LocalAws? _aws;
    private SqsClient? _sqs;
    private SnsClient? _sns;

    public string Prefix { get; } = "inb" + Guid.NewGuid().ToString("N")[..10];

    public ResourceNaming Naming => new(Prefix);

    public HostProcess A { get; private set; } = null!;

    public HostProcess B { get; private set; } = null!;

    public HostProcess Worker { get; private set; } = null!;

    /// <summary>Clients of moto itself, to look at the queues and subscriptions.</summary>
    public SqsClient Sqs => _sqs ?? throw new InvalidOperationException("Fixture not started.");

    public SnsClient Sns => _sns ?? throw new InvalidOperationException("Fixture not started.");

    public async ValueTask InitializeAsync()
    {
        _aws = await LocalAws.StartAsync(new LocalAwsOptions());
        await NotifyProvisioner.ProvisionAsync(_aws.Connection, new ProvisioningOptions { Prefix = Prefix });
        _sqs = new SqsClient(_aws.Connection);
        _sns = new SnsClient(_aws.Connection);

        Worker = Start("Notify.Worker", new Dictionary<string, string?>
        {
            ["Notify:Worker:Lanes:WaitTimeSeconds"] = "1",
            ["Notify:Worker:Lanes:ShutdownGracePeriod"] = "00:00:02",
            ["Notify:Worker:Queues:high-dlq:WaitTimeSeconds"] = "1",
            ["Notify:Worker:Queues:low-dlq:WaitTimeSeconds"] = "1",
            ["Notify:Worker:Queues:feedback:WaitTimeSeconds"] = "1",
            ["Notify:Worker:Delivery:TemplateCacheDuration"] = "00:00:00",
            ["Notify:Worker:RateLimits:PerUser"] = "10000",
        });
        A = Start("Notify.Api", ApiSettings);
        B = Start("Notify.Api", ApiSettings);
        await Task.WhenAll(Worker.WaitUntilListeningAsync(), A.WaitUntilListeningAsync(), B.WaitUntilListeningAsync());
        await Task.WhenAll(QueueOfAsync(A), QueueOfAsync(B));
    }

    /// <summary>Another API instance, listening and with its queue subscribed.</summary>
    public async Task<(HostProcess Api, string QueueName)> StartApiAsync()
    {
        var api = Start("Notify.Api", ApiSettings);
        await api.WaitUntilListeningAsync();
        return (api, await QueueOfAsync(api));
    }

    /// <summary>The name of the queue an instance listens on, once its log says it is subscribed.</summary>
    public async Task<string> QueueOfAsync(HostProcess api)
    {
        var line = await Deadline.PollAsync(
            () =>
            {
                api.ThrowIfExited();
                return Task.FromResult(QueueOpened().Match(api.OutputTail()));
            },
            m => m.Success,
            TimeSpan.FromSeconds(30),
            $"{api.Name} to open its inbox queue");
        return line.Groups["queue"].Value;
    }

    public HttpClient Client(HostProcess api, string? apiKey = AdminKey)
    {
        var client = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    public async Task<string> MintTokenAsync(HostProcess api, string userId)
    {
        using var client = Client(api);
        using var response = await client.PostAsync($"/api/users/{userId}/inbox-token", null, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("token").GetString()!;
    }

    /// <summary>An event type with an in-app template ("{{n}}" as the body), stored through <paramref name="api"/>.</summary>
    public async Task<string> InAppEventTypeAsync(HostProcess api)
    {
        var eventType = "inbox." + Guid.NewGuid().ToString("N")[..12];
        using var client = Client(api);
        using var response = await client.PutAsJsonAsync($"/api/templates/{eventType}/in_app/en", new { body = "Item {{n}}" }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return eventType;
    }

    /// <summary>Sends a high-priority in-app event through <paramref name="api"/>; returns its event id.</summary>
    public async Task<string> SendInAppAsync(HostProcess api, string eventType, string userId, string n)
    {
        var eventId = HttpJson.NewId("inbox");
        using var client = Client(api);
        using var response = await client.PostAsJsonAsync(
            "/api/events", new { eventId, eventType, userId, channels = new[] { "in_app" }, priority = "high", payload = new { n } }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return eventId;
    }

    /// <summary>The inbox queues moto holds (every instance's, alive or not).</summary>
    public async Task<List<string>> InboxQueueNamesAsync()
    {
        var names = new List<string>();
        await foreach (var url in Sqs.ListAllQueueUrlsAsync(Naming.InstanceQueuePrefix(NotifyResources.InboxInstanceQueue), TestContext.Current.CancellationToken))
        {
            names.Add(url[(url.LastIndexOf('/') + 1)..]);
        }

        return names;
    }

    /// <summary>The queue names the inbox topic's subscriptions deliver to.</summary>
    public async Task<List<string>> SubscribedQueueNamesAsync()
    {
        var topicArn = (await Sns.CreateTopicAsync(new CreateTopicRequest { Name = Naming.Topic(NotifyResources.InboxEventsTopic) }, TestContext.Current.CancellationToken)).TopicArn;
        var page = await Sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = topicArn }, TestContext.Current.CancellationToken);
        return [.. page.Subscriptions.Select(s => s.Endpoint![(s.Endpoint!.LastIndexOf(':') + 1)..])];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _sqs?.Dispose();
        _sns?.Dispose();
        if (_aws is not null)
        {
            await _aws.DisposeAsync();
        }
    }

    private Dictionary<string, string?> ApiSettings => new()
    {
        ["NOTIFY_ADMIN_KEY"] = AdminKey,
        ["Notify:Inbox:TokenSigningKey"] = ApiFixture.InboxSigningKey,
        ["Notify:Inbox:MaxConnectionsPerUser"] = MaxConnectionsPerUser.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notify:Inbox:StreamHeartbeatInterval"] = "00:00:02",
        ["Notify:Inbox:FanOut:WaitTimeSeconds"] = "2",
        ["Notify:Inbox:FanOut:HeartbeatInterval"] = "00:00:01",
        ["Notify:Inbox:FanOut:StaleAfter"] = StaleAfter.ToString(),
        ["Notify:Inbox:FanOut:SweepInterval"] = "00:00:01",
        ["Notify:Inbox:FanOut:RetryDelay"] = "00:00:00.200",
        ["Logging:LogLevel:Notify.Api.Inbox"] = "Information",

        // The demo page's static files resolve from the build output in Development.
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
    };

    private HostProcess Start(string name, Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(settings)
        {
            ["Aws:EndpointUrl"] = _aws!.Endpoint.ToString(),
            ["Aws:Region"] = _aws.Connection.Region.SystemName,
            ["Aws:Retry:BaseDelay"] = "00:00:00.020",
            ["Aws:Retry:MaxDelay"] = "00:00:00.100",
            ["Notify:Provisioning:Prefix"] = Prefix,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var process = HostProcess.Start(name, all);
        _processes.Add(process);
        return process;
    }

    [GeneratedRegex(@"Live inbox: listening on queue (?<queue>\S+)\.")]
    private static partial Regex QueueOpened();
}
