using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Notify.Aws.Channels.Email;
using Notify.Aws.Http;
using Notify.Aws.Provisioning;
using Notify.Aws.Ses.V2;
using Notify.Aws.Sns;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Resources;

namespace Notify.Aws.Tests.Channels;

/// <summary>
/// A moto of the test class's own with Notify's resources (sender identity, configuration set, topics, platform
/// applications) provisioned once under a unique prefix.
/// </summary>
public sealed class ChannelsFixture : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private ProvisioningReport? _report;

    public MotoFixture Moto => _moto;

    public ResourceNaming Naming { get; private set; } = null!;

    public string SenderIdentity { get; private set; } = null!;

    public ProvisioningReport Report => _report ?? throw new InvalidOperationException("Fixture not started.");

    /// <summary>Retries quick enough for a test to exhaust them.</summary>
    public static AwsRetryOptions QuickRetry { get; } = new() { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    /// <summary>No retry: a lost answer is not followed by a second send.</summary>
    public static AwsRetryOptions SingleAttempt { get; } = new() { MaxAttempts = 1 };

    public async ValueTask InitializeAsync()
    {
        await _moto.InitializeAsync();
        var prefix = "ch" + Guid.NewGuid().ToString("N")[..10];
        Naming = new ResourceNaming(prefix);
        SenderIdentity = $"notify@{prefix}.example.com";
        _report = await NotifyProvisioner.ProvisionAsync(
            _moto.Connection, new ProvisioningOptions { Prefix = prefix, SenderIdentity = SenderIdentity, CreatePlatformApplications = true });
    }

    public string PlatformApplicationArn(string logicalName) =>
        Report.IdOf("platform-application", Naming.PlatformApplication(NotifyResources.PlatformApplications.Single(a => a.Name == logicalName)));

    public string TopicArn(TopicDefinition topic) => Report.IdOf("topic", Naming.Topic(topic));

    public SesEmailSender EmailSender(SesV2Client ses, EmailOptions? options = null) =>
        new(ses, Naming, Options.Create(options ?? new EmailOptions { MaxSendRate = 1000 }), Options.Create(new ProvisioningOptions { Prefix = Naming.Prefix, SenderIdentity = SenderIdentity }));

    /// <summary>A new endpoint on the provisioned application for <paramref name="logicalName"/> (fcm, apns, apns-sandbox).</summary>
    public async Task<string> EndpointAsync(SnsClient sns, string logicalName)
    {
        var created = await sns.CreatePlatformEndpointAsync(
            new CreatePlatformEndpointRequest { PlatformApplicationArn = PlatformApplicationArn(logicalName), Token = "token-" + Guid.NewGuid().ToString("N") },
            TestContext.Current.CancellationToken);
        return created.EndpointArn!;
    }

    public async ValueTask DisposeAsync() => await _moto.DisposeAsync();
}

/// <summary>
/// Forwards every request to the real endpoint and records it as it left the client (after signing), so a test sees both
/// what moto made of a call and the members moto ignores (configuration set, tags, message attributes).
/// </summary>
internal sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentQueue<StubRequest> _requests = new();

    public IReadOnlyList<StubRequest> Requests => [.. _requests];

    /// <summary>The Query requests (SNS) of one action, in the order sent.</summary>
    public IReadOnlyList<StubRequest> Actions(string action) =>
        [.. Requests.Where(r => r.Form.Any(p => p.Key == "Action" && p.Value == action))];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new StubRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.ToString(), headers, body));
        return await base.SendAsync(request, cancellationToken);
    }
}
