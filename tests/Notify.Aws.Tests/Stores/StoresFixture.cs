using Amazon.DynamoDBv2;
using Microsoft.Extensions.Options;
using Notify.Aws.DynamoDb;
using Notify.Aws.Lanes;
using Notify.Aws.Provisioning;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Resources;

namespace Notify.Aws.Tests.Stores;

/// <summary>
/// A moto of the test class's own (<see cref="MotoFixture"/>) with Notify's resources provisioned once under a unique
/// prefix; tests that need an empty table and empty lanes ask for a <see cref="StoreEnvironment"/> of their own.
/// </summary>
public sealed class StoresFixture : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private StoreEnvironment? _shared;

    public MotoFixture Moto => _moto;

    /// <summary>The environment provisioned for the whole class.</summary>
    public StoreEnvironment Shared => _shared ?? throw new InvalidOperationException("Fixture not started.");

    public async ValueTask InitializeAsync()
    {
        await _moto.InitializeAsync();
        _shared = await NewEnvironmentAsync();
    }

    /// <summary>Provisions a fresh prefix: its own table, lanes and platform applications.</summary>
    public async Task<StoreEnvironment> NewEnvironmentAsync()
    {
        var prefix = "st" + Guid.NewGuid().ToString("N")[..10];
        var report = await NotifyProvisioner.ProvisionAsync(
            _moto.Connection, new ProvisioningOptions { Prefix = prefix, SenderIdentity = $"notify@{prefix}.example.com", CreatePlatformApplications = true });
        return new StoreEnvironment(_moto, new ResourceNaming(prefix), report);
    }

    public async ValueTask DisposeAsync()
    {
        _shared?.Dispose();
        await _moto.DisposeAsync();
    }
}

/// <summary>One provisioned prefix with clients over it and factories for the stores under test.</summary>
public sealed class StoreEnvironment : IDisposable
{
    internal StoreEnvironment(MotoFixture moto, ResourceNaming naming, ProvisioningReport report)
    {
        Moto = moto;
        Naming = naming;
        Report = report;
        Dynamo = DynamoDbClientFactory.Create(moto.Connection);
        Sqs = new SqsClient(moto.Connection);
    }

    public MotoFixture Moto { get; }

    public ResourceNaming Naming { get; }

    public ProvisioningReport Report { get; }

    public IAmazonDynamoDB Dynamo { get; }

    public SqsClient Sqs { get; }

    public string Table => Naming.Table(NotifyResources.MainTable);

    public string HighLaneUrl => Report.IdOf("queue", Naming.Queue(NotifyResources.HighLane));

    public string LowLaneUrl => Report.IdOf("queue", Naming.Queue(NotifyResources.LowLane));

    public DynamoEventStore EventStore(DynamoStoreOptions? options = null, TimeProvider? time = null) =>
        new(Dynamo, Naming, Options.Create(options ?? new DynamoStoreOptions()), time);

    public DynamoNotificationStore NotificationStore() => new(Dynamo, Naming, Options.Create(new DynamoStoreOptions()));

    public FifoLanePublisher LanePublisher(LanePublisherOptions? options = null, SqsClient? sqs = null) =>
        new(sqs ?? Sqs, Naming, Options.Create(options ?? new LanePublisherOptions()));

    public void Dispose()
    {
        Dynamo.Dispose();
        Sqs.Dispose();
    }
}

/// <summary>A clock the test sets: stores stamp "now" from it, so a test can look minutes ahead without sleeping.</summary>
public sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
