using System.Text.Json;
using Notify.Aws.Channels.Push;
using Notify.Aws.Http;
using Notify.Aws.Sns;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Users;

namespace Notify.Aws.Tests.Channels;

/// <summary>The SNS push adapter against moto's platform endpoints (moto keeps each endpoint's published messages).</summary>
public sealed class SnsPushSenderTests(ChannelsFixture fixture) : IClassFixture<ChannelsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_be_accepted_with_the_fcm_v1_payload_when_pushed_to_an_fcm_endpoint()
    {
        using var sns = new SnsClient(fixture.Moto.Connection);
        var endpoint = await fixture.EndpointAsync(sns, "fcm");

        var result = await new SnsPushSender(sns).SendAsync(new PushMessage(endpoint, PushPlatform.Fcm, "Order shipped", "On its way", "e-42", Priority.High), Ct);

        var id = Assert.IsType<SendResult.Accepted>(result).ProviderMessageId;
        var stored = Assert.Single(await MotoState.ModelsAsync(fixture.Moto.Endpoint, "sns", "PlatformEndpoint", Ct), e => (string?)e["arn"] == endpoint);
        using var message = JsonDocument.Parse((string)stored["messages"]![id]!);
        Assert.Equal("On its way", message.RootElement.GetProperty("default").GetString());
        using var gcm = JsonDocument.Parse(message.RootElement.GetProperty("GCM").GetString()!);
        var fcm = gcm.RootElement.GetProperty("fcmV1Message").GetProperty("message");
        Assert.Equal("Order shipped", fcm.GetProperty("notification").GetProperty("title").GetString());
        Assert.Equal("high", fcm.GetProperty("android").GetProperty("priority").GetString());
        Assert.Equal("e-42", fcm.GetProperty("data").GetProperty("eventId").GetString());
    }

    [Theory]
    [InlineData("apns", PushPlatform.Apns, Priority.High, "APNS", "10")]
    [InlineData("apns-sandbox", PushPlatform.ApnsSandbox, Priority.Low, "APNS_SANDBOX", "5")]
    public async Task Should_publish_the_apns_payload_with_its_priority_and_push_type_as_attributes(
        string application, PushPlatform platform, Priority priority, string key, string apnsPriority)
    {
        using var recorder = new RecordingHandler();
        using var sns = new SnsClient(fixture.Moto.Connection, handler: recorder);
        var endpoint = await fixture.EndpointAsync(sns, application);

        var result = await new SnsPushSender(sns).SendAsync(new PushMessage(endpoint, platform, "Hi", "There", "e-1", priority), Ct);

        Assert.IsType<SendResult.Accepted>(result);
        var publish = Assert.Single(recorder.Actions("Publish")).Form.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(endpoint, publish["TargetArn"]);
        Assert.Equal("json", publish["MessageStructure"]);
        var attributes = Enumerable.Range(1, 2).ToDictionary(
            i => publish[$"MessageAttributes.entry.{i}.Name"], i => publish[$"MessageAttributes.entry.{i}.Value.StringValue"]);
        Assert.Equal(apnsPriority, attributes["AWS.SNS.MOBILE.APNS.PRIORITY"]);
        Assert.Equal("alert", attributes["AWS.SNS.MOBILE.APNS.PUSH_TYPE"]);
        using var message = JsonDocument.Parse(publish["Message"]);
        Assert.True(message.RootElement.TryGetProperty(key, out var apns));
        using var payload = JsonDocument.Parse(apns.GetString()!);
        Assert.Equal("There", payload.RootElement.GetProperty("aps").GetProperty("alert").GetProperty("body").GetString());
    }

    [Fact]
    public async Task Should_be_rejected_as_endpoint_disabled_when_sns_disabled_the_endpoint()
    {
        using var sns = new SnsClient(fixture.Moto.Connection);
        var endpoint = await fixture.EndpointAsync(sns, "fcm");
        await sns.SetEndpointAttributesAsync(new SetEndpointAttributesRequest { EndpointArn = endpoint, Attributes = new() { ["Enabled"] = "false" } }, Ct);

        var result = await new SnsPushSender(sns).SendAsync(new PushMessage(endpoint, PushPlatform.Fcm, null, "Hi", "e-1", Priority.High), Ct);

        var rejected = Assert.IsType<SendResult.Rejected>(result);
        Assert.Equal(DeliveryReasons.EndpointDisabled, rejected.Reason);
        Assert.Contains("EndpointDisabled", rejected.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_be_rejected_as_endpoint_disabled_when_the_endpoint_was_deleted()
    {
        using var sns = new SnsClient(fixture.Moto.Connection);
        var endpoint = await fixture.EndpointAsync(sns, "apns");
        await sns.DeleteEndpointAsync(new DeleteEndpointRequest { EndpointArn = endpoint }, Ct);

        var result = await new SnsPushSender(sns).SendAsync(new PushMessage(endpoint, PushPlatform.Apns, null, "Hi", "e-1", Priority.High), Ct);

        Assert.Equal(DeliveryReasons.EndpointDisabled, Assert.IsType<SendResult.Rejected>(result).Reason);
    }

    [Fact]
    public async Task Should_be_transient_and_not_accepted_when_every_publish_fails_with_a_server_error()
    {
        using var sns = new SnsClient(fixture.Moto.Connection);
        var endpoint = await fixture.EndpointAsync(sns, "fcm");
        await using var proxy = await FaultProxy.StartAsync(fixture.Moto.Endpoint);
        var rule = proxy.Add(FaultRule.Always(Fault.ServerError(503), FaultRule.Action("Publish")));
        using var proxied = new SnsClient(AwsConnection.ForLocal(proxy.Endpoint), ChannelsFixture.QuickRetry);

        var result = await new SnsPushSender(proxied).SendAsync(new PushMessage(endpoint, PushPlatform.Fcm, null, "Hi", "e-1", Priority.High), Ct);

        Assert.False(Assert.IsType<SendResult.Transient>(result).MayHaveBeenAccepted);
        Assert.Equal(ChannelsFixture.QuickRetry.MaxAttempts, rule.Injected);
    }

    [Fact]
    public async Task Should_be_transient_and_maybe_accepted_when_the_publish_answer_is_lost()
    {
        using var sns = new SnsClient(fixture.Moto.Connection);
        var endpoint = await fixture.EndpointAsync(sns, "fcm");
        await using var proxy = await FaultProxy.StartAsync(fixture.Moto.Endpoint);
        proxy.Add(FaultRule.Always(new Fault.DropResponse(), FaultRule.Action("Publish")));
        using var proxied = new SnsClient(AwsConnection.ForLocal(proxy.Endpoint), ChannelsFixture.SingleAttempt);

        var result = await new SnsPushSender(proxied).SendAsync(new PushMessage(endpoint, PushPlatform.Fcm, null, "Hi", "e-1", Priority.High), Ct);

        Assert.True(Assert.IsType<SendResult.Transient>(result).MayHaveBeenAccepted);
        var stored = Assert.Single(await MotoState.ModelsAsync(fixture.Moto.Endpoint, "sns", "PlatformEndpoint", Ct), e => (string?)e["arn"] == endpoint);
        Assert.Single(stored["messages"]!.AsObject());
    }
}
