using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Notify.Aws.Local;
using Notify.Aws.Provisioning;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core;
using Notify.Core.Events;
using Notify.Core.Resources;

namespace Notify.Api.Tests.Fixtures;

/// <summary>
/// Notify.Api in process (WebApplicationFactory, the real HTTP pipeline) against a moto_server of its own, for one
/// test class: moto on an ephemeral port, every resource provisioned under a unique prefix, the bootstrap admin key
/// set. <see cref="FaultProxiedApiFixture"/> puts a <see cref="FaultProxy"/> between the API and moto.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    public const string AdminKey = "nfy_admin_bootstrap_key_for_tests_0123456789";

    /// <summary>The inbox token key (required outside Development, so an API started as a process needs it too).</summary>
    public const string InboxSigningKey = "inbox-token-signing-key-for-api-tests-0123456789";

    /// <summary>Event types with a configured default lane.</summary>
    public const string HighByDefaultType = "password.reset";
    public const string LowByDefaultType = "digest.weekly";

    private LocalAws? _aws;
    private WebApplicationFactory<Program>? _factory;
    private SqsClient? _sqs;
    private readonly Dictionary<Priority, string> _laneUrls = [];

    public LocalAws Aws => _aws ?? throw new InvalidOperationException("Fixture not started.");

    public FaultProxy? Proxy { get; private set; }

    public string Prefix { get; } = "api" + Guid.NewGuid().ToString("N")[..10];

    public ResourceNaming Naming => new(Prefix);

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Fixture not started.");

    public IServiceProvider Services => Factory.Services;

    /// <summary>A client of moto itself (not through the API or the proxy), to look at the lanes.</summary>
    public SqsClient Sqs => _sqs ?? throw new InvalidOperationException("Fixture not started.");

    /// <summary>Every setting the API was started with (the fixture's and <see cref="Settings"/>), for an API started elsewhere.</summary>
    public IReadOnlyDictionary<string, string?> ApiSettings { get; private set; } = new Dictionary<string, string?>();

    protected virtual bool UseFaultProxy => false;

    /// <summary>Extra settings for the API, on top of the fixture's.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public virtual async ValueTask InitializeAsync()
    {
        _aws = await LocalAws.StartAsync(new LocalAwsOptions());
        await NotifyProvisioner.ProvisionAsync(_aws.Connection, new ProvisioningOptions { Prefix = Prefix, CreatePlatformApplications = true });
        _sqs = new SqsClient(_aws.Connection);
        if (UseFaultProxy)
        {
            Proxy = await FaultProxy.StartAsync(_aws.Endpoint);
        }

        var endpoint = (Proxy?.Endpoint ?? _aws.Endpoint).ToString();
        var settings = new Dictionary<string, string?>
        {
            ["Aws:EndpointUrl"] = endpoint,
            ["Aws:Region"] = _aws.Connection.Region.SystemName,
            ["Notify:Provisioning:Prefix"] = Prefix,
            ["NOTIFY_ADMIN_KEY"] = AdminKey,
            ["Notify:Inbox:TokenSigningKey"] = InboxSigningKey,
            [$"Notify:Ingestion:DefaultPriorities:{HighByDefaultType}"] = "High",
            [$"Notify:Ingestion:DefaultPriorities:{LowByDefaultType}"] = "Low",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        ApiSettings = settings;

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
        // Starts the host now: options are validated and the stores resolved before the first test.
        _ = _factory.Server;
    }

    public HttpClient CreateClient(string? apiKey = AdminKey)
    {
        var client = Factory.CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>Creates an API key through the API and returns its secret.</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(string[] scopes, string mode = "live")
    {
        using var admin = CreateClient();
        using var response = await admin.PostAsJsonAsync("/api/keys", new { name = "test " + string.Join('+', scopes), scopes, mode });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    public async Task<string> LaneUrlAsync(Priority lane)
    {
        if (!_laneUrls.TryGetValue(lane, out var url))
        {
            var name = Naming.Queue(lane == Priority.High ? NotifyResources.HighLane : NotifyResources.LowLane);
            url = _laneUrls[lane] = (await Sqs.GetQueueUrlAsync(name)).QueueUrl!;
        }

        return url;
    }

    /// <summary>
    /// Receives and deletes everything visible on a lane. FIFO hides a group's later messages while one is in
    /// flight, so deleting as we go is what lets a second receive see them.
    /// </summary>
    public async Task<List<Message>> DrainAsync(Priority lane)
    {
        var url = await LaneUrlAsync(lane);
        var all = new List<Message>();
        while (true)
        {
            var received = await Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = url,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 0,
                VisibilityTimeout = 30,
                MessageAttributeNames = ["All"],
                MessageSystemAttributeNames = ["All"],
            });
            if (received.Messages.Count == 0)
            {
                return all;
            }

            all.AddRange(received.Messages);
            foreach (var message in received.Messages)
            {
                await Sqs.DeleteMessageAsync(url, message.ReceiptHandle!);
            }
        }
    }

    /// <summary>The lane messages (drained from both lanes) that carry <paramref name="eventId"/>, by lane.</summary>
    public async Task<Dictionary<Priority, List<Message>>> DrainEventAsync(string eventId)
    {
        var found = new Dictionary<Priority, List<Message>>();
        foreach (var lane in (Priority[])[Priority.High, Priority.Low])
        {
            found[lane] = (await DrainAsync(lane)).Where(m => EventIdOf(m) == eventId).ToList();
        }

        return found;
    }

    public static string? EventIdOf(Message message)
    {
        try
        {
            var accepted = JsonSerializer.Deserialize<AcceptedEvent>(message.Body!, NotifyJson.Options);
            return accepted?.EventId;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _sqs?.Dispose();
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        if (_aws is not null)
        {
            await _aws.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>The API reaches moto through a <see cref="FaultProxy"/>, with few quick retries so injected faults surface fast.</summary>
public class FaultProxiedApiFixture : ApiFixture
{
    protected override bool UseFaultProxy => true;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Aws:Retry:MaxAttempts", "2"),
        new("Aws:Retry:BaseDelay", "00:00:00.010"),
        new("Aws:Retry:MaxDelay", "00:00:00.050"),
    ];
}
