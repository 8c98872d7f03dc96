using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Notify.Aws.DynamoDb;
using Notify.Aws.Lanes;
using Notify.Core.DeadLetters;
using Notify.Core.Events;
using Notify.Core.Keys;
using Notify.Core.Notifications;
using Notify.Core.Templates;
using Notify.Core.Users;

namespace Notify.Aws.Tests.Stores;

public sealed class StoreServiceCollectionTests(StoresFixture fixture) : IClassFixture<StoresFixture>
{
    [Fact]
    public async Task Should_serve_every_port_from_one_singleton_over_the_configured_prefix()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = Build(new() { ["Notify:Store:Retention"] = "2.00:00:00", ["Notify:Lanes:Linger"] = "00:00:00.005" });
        await host.StartAsync(ct);
        var services = host.Services;

        Assert.Same(services.GetRequiredService<DynamoEventStore>(), services.GetRequiredService<IEventStore>());
        Assert.Same(services.GetRequiredService<FifoLanePublisher>(), services.GetRequiredService<ILanePublisher>());
        Assert.IsType<DynamoNotificationStore>(services.GetRequiredService<INotificationStore>());
        Assert.IsType<DynamoUserStore>(services.GetRequiredService<IUserStore>());
        Assert.IsType<DynamoTemplateStore>(services.GetRequiredService<ITemplateStore>());
        Assert.IsType<DynamoApiKeyStore>(services.GetRequiredService<IApiKeyStore>());
        Assert.IsType<DynamoDeadLetterStore>(services.GetRequiredService<IDeadLetterStore>());
        Assert.IsType<DynamoSuppressionStore>(services.GetRequiredService<ISuppressionStore>());
        Assert.Equal(TimeSpan.FromDays(2), services.GetRequiredService<IOptions<DynamoStoreOptions>>().Value.Retention);
        Assert.Equal(TimeSpan.FromMilliseconds(5), services.GetRequiredService<IOptions<LanePublisherOptions>>().Value.Linger);

        var accepted = StoreSamples.Event(priority: Priority.High);
        await services.GetRequiredService<IEventStore>().RecordAsync(accepted, ct);
        await services.GetRequiredService<ILanePublisher>().PublishAsync(accepted, ct);
        var endpoint = await services.GetRequiredService<IPushEndpointRegistry>().RegisterAsync("alice", PushPlatform.Fcm, StoreSamples.NewId("token"), ct);

        Assert.NotNull(await fixture.Shared.EventStore().GetAsync(accepted.EventId, ct));
        Assert.Equal(accepted.EventId, StoreSamples.Body(Assert.Single(await StoreSamples.DrainAsync(fixture.Shared.Sqs, fixture.Shared.HighLaneUrl, 1))).EventId);
        Assert.Contains($"/{fixture.Shared.Naming.Prefix}-fcm/", endpoint, StringComparison.Ordinal);
        Assert.NotNull(services.GetRequiredService<DueEventSweeper>());
        await host.StopAsync(ct);
    }

    [Theory]
    [InlineData("Notify:Store:SweepDelay", "00:00:00", "SweepDelay")]
    [InlineData("Notify:Store:Retention", "00:10:00", "Retention")]
    [InlineData("Notify:Lanes:MaxConcurrentBatches", "0", "MaxConcurrentBatches")]
    [InlineData("Notify:Push:FcmApplicationArn", "not-an-arn", "FcmApplicationArn")]
    public async Task Should_refuse_to_start_when_an_option_is_out_of_range(string key, string value, string named)
    {
        using var host = Build(new() { [key] = value });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    private IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Aws:EndpointUrl"] = fixture.Moto.Endpoint.ToString();
        builder.Configuration["Aws:Region"] = "us-east-1";
        builder.Configuration["Notify:Provisioning:Prefix"] = fixture.Shared.Naming.Prefix;
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Services.AddNotifyStores(builder.Configuration);
        return builder.Build();
    }
}
