using Microsoft.Extensions.Options;
using Notify.Aws.Http;
using Notify.Aws.Sns;
using Notify.Core.Resources;
using Notify.Core.Users;

namespace Notify.Aws.Tests.Stores;

public sealed class SnsPushEndpointRegistryTests(StoresFixture fixture) : IClassFixture<StoresFixture>
{
    private StoreEnvironment Env => fixture.Shared;

    [Fact]
    public async Task Should_register_a_token_on_its_platforms_application_with_the_user_as_custom_data()
    {
        var ct = TestContext.Current.CancellationToken;
        using var sns = new SnsClient(Env.Moto.Connection);
        var registry = Registry(sns);
        var token = StoreSamples.NewId("token");

        var fcm = await registry.RegisterAsync("alice", PushPlatform.Fcm, token + "-fcm", ct);
        var apns = await registry.RegisterAsync("alice", PushPlatform.Apns, token + "-apns", ct);
        var sandbox = await registry.RegisterAsync("alice", PushPlatform.ApnsSandbox, token + "-sandbox", ct);
        var again = await registry.RegisterAsync("alice", PushPlatform.Fcm, token + "-fcm", ct);

        Assert.Contains($"/GCM/{Env.Naming.Prefix}-fcm/", fcm, StringComparison.Ordinal);
        Assert.Contains($"/APNS/{Env.Naming.Prefix}-apns/", apns, StringComparison.Ordinal);
        Assert.Contains($"/APNS_SANDBOX/{Env.Naming.Prefix}-apns-sandbox/", sandbox, StringComparison.Ordinal);
        Assert.Equal(fcm, again);
        var attributes = await AttributesAsync(sns, fcm);
        Assert.Equal(token + "-fcm", attributes["Token"]);
        Assert.Equal("alice", attributes["CustomUserData"]);
    }

    [Fact]
    public async Task Should_reuse_and_hand_over_the_existing_endpoint_when_another_user_registers_the_same_token()
    {
        var ct = TestContext.Current.CancellationToken;
        using var sns = new SnsClient(Env.Moto.Connection);
        var registry = Registry(sns);
        var token = StoreSamples.NewId("token");
        var alices = await registry.RegisterAsync("alice", PushPlatform.Fcm, token, ct);

        var bobs = await registry.RegisterAsync("bob", PushPlatform.Fcm, token, ct);

        Assert.Equal(alices, bobs);
        Assert.Equal("bob", (await AttributesAsync(sns, bobs))["CustomUserData"]);
    }

    [Fact]
    public async Task Should_re_enable_a_disabled_endpoint_when_its_token_is_registered_again()
    {
        var ct = TestContext.Current.CancellationToken;
        using var sns = new SnsClient(Env.Moto.Connection);
        var registry = Registry(sns);
        var token = StoreSamples.NewId("token");
        var arn = await registry.RegisterAsync("alice", PushPlatform.Apns, token, ct);
        await sns.SetEndpointAttributesAsync(new SetEndpointAttributesRequest { EndpointArn = arn, Attributes = new() { ["Enabled"] = "false" } }, ct);

        var again = await registry.RegisterAsync("alice", PushPlatform.Apns, token, ct);

        Assert.Equal(arn, again);
        Assert.Equal("true", (await AttributesAsync(sns, arn))["Enabled"], ignoreCase: true);
    }

    [Fact]
    public async Task Should_delete_the_endpoint_and_accept_removing_it_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        using var sns = new SnsClient(Env.Moto.Connection);
        var registry = Registry(sns);
        var arn = await registry.RegisterAsync("alice", PushPlatform.Fcm, StoreSamples.NewId("token"), ct);

        await registry.RemoveAsync(arn, ct);
        await registry.RemoveAsync(arn, ct);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => AttributesAsync(sns, arn));
        Assert.Equal("NotFound", error.ErrorCode);
    }

    [Fact]
    public async Task Should_prefer_the_configured_application_and_fail_clearly_when_none_is_configured_or_provisioned()
    {
        var ct = TestContext.Current.CancellationToken;
        using var sns = new SnsClient(Env.Moto.Connection);
        using var other = await fixture.NewEnvironmentAsync();
        var otherFcm = other.Report.IdOf("platform-application", other.Naming.PlatformApplication(NotifyResources.PlatformApplications[0]));
        var configured = new SnsPushEndpointRegistry(sns, Env.Naming, Options.Create(new PushOptions { FcmApplicationArn = otherFcm }));
        var unprovisioned = new SnsPushEndpointRegistry(sns, new ResourceNaming("nothing-here"), Options.Create(new PushOptions()));

        var arn = await configured.RegisterAsync("alice", PushPlatform.Fcm, StoreSamples.NewId("token"), ct);

        Assert.Contains($"/{other.Naming.Prefix}-fcm/", arn, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => unprovisioned.RegisterAsync("alice", PushPlatform.Fcm, StoreSamples.NewId("token"), ct));
    }

    private SnsPushEndpointRegistry Registry(SnsClient sns) => new(sns, Env.Naming, Options.Create(new PushOptions()));

    private static async Task<Dictionary<string, string>> AttributesAsync(SnsClient sns, string arn) =>
        (await sns.GetEndpointAttributesAsync(new GetEndpointAttributesRequest { EndpointArn = arn }, TestContext.Current.CancellationToken)).Attributes;
}
