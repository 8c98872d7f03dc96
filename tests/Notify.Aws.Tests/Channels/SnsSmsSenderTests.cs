using Microsoft.Extensions.Options;
using Notify.Aws.Channels.Sms;
using Notify.Aws.Http;
using Notify.Aws.Sns;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Delivery;
using Notify.Core.Events;

namespace Notify.Aws.Tests.Channels;

/// <summary>The SNS SMS adapter against moto: moto keeps the number and text of a sent SMS, the recorded request the rest.</summary>
public sealed class SnsSmsSenderTests(ChannelsFixture fixture) : IClassFixture<ChannelsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_send_high_priority_as_transactional_and_low_as_promotional()
    {
        using var recorder = new RecordingHandler();
        using var sns = new SnsClient(fixture.Moto.Connection, handler: recorder);
        using var sender = Sender(sns);
        var text = "Your code is " + Guid.NewGuid().ToString("N")[..6];

        var high = await sender.SendAsync(new SmsMessage("+15555550100", text, "e-high", Priority.High), Ct);
        var low = await sender.SendAsync(new SmsMessage("+15555550101", "Sale!", "e-low", Priority.Low), Ct);

        var highId = Assert.IsType<SendResult.Accepted>(high).ProviderMessageId;
        Assert.IsType<SendResult.Accepted>(low);
        var sms = Assert.Single(await MotoState.ModelsAsync(fixture.Moto.Endpoint, "sns", "SMS", Ct), m => (string?)m["message_id"] == highId);
        Assert.Equal(("+15555550100", text), ((string?)sms["phone_number"], (string?)sms["message"]));
        var publishes = recorder.Actions("Publish");
        Assert.Equal(2, publishes.Count);
        Assert.Contains("MessageAttributes.entry.1.Name=AWS.SNS.SMS.SMSType", publishes[0].Members);
        Assert.Contains("MessageAttributes.entry.1.Value.StringValue=Transactional", publishes[0].Members);
        Assert.Contains("MessageAttributes.entry.1.Value.DataType=String", publishes[0].Members);
        Assert.Contains("MessageAttributes.entry.1.Value.StringValue=Promotional", publishes[1].Members);
        Assert.DoesNotContain(publishes[0].Members, m => m.Contains("SenderID", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_send_the_configured_sender_id_and_origination_number()
    {
        using var recorder = new RecordingHandler();
        using var sns = new SnsClient(fixture.Moto.Connection, handler: recorder);
        using var sender = Sender(sns, new SmsOptions { SenderId = "Notify", OriginationNumber = "+15555550000" });

        var result = await sender.SendAsync(new SmsMessage("+15555550102", "Hi", "e-1", Priority.High), Ct);

        Assert.IsType<SendResult.Accepted>(result);
        var members = Assert.Single(recorder.Actions("Publish")).Members;
        Assert.Contains("MessageAttributes.entry.2.Name=AWS.SNS.SMS.SenderID", members);
        Assert.Contains("MessageAttributes.entry.2.Value.StringValue=Notify", members);
        Assert.Contains("MessageAttributes.entry.3.Name=AWS.MM.SMS.OriginationNumber", members);
        Assert.Contains("MessageAttributes.entry.3.Value.StringValue=+15555550000", members);
        Assert.Contains("PhoneNumber=+15555550102", members);
    }

    [Fact]
    public async Task Should_be_rejected_with_suppression_and_not_published_when_the_number_opted_out()
    {
        using var recorder = new RecordingHandler();
        using var sns = new SnsClient(fixture.Moto.Connection, handler: recorder);
        using var sender = Sender(sns);

        // moto reports every number ending in 99 as opted out.
        var result = await sender.SendAsync(new SmsMessage("+15555550199", "Hi", "e-1", Priority.High), Ct);

        var rejected = Assert.IsType<SendResult.Rejected>(result);
        Assert.Equal((DeliveryReasons.PhoneOptedOut, true), (rejected.Reason, rejected.Suppress));
        Assert.Single(recorder.Actions("CheckIfPhoneNumberIsOptedOut"));
        Assert.Empty(recorder.Actions("Publish"));
    }

    [Fact]
    public async Task Should_be_rejected_as_invalid_address_when_the_number_is_malformed()
    {
        using var sns = new SnsClient(fixture.Moto.Connection);
        using var sender = Sender(sns);

        var result = await sender.SendAsync(new SmsMessage("call-me-maybe", "Hi", "e-1", Priority.High), Ct);

        var rejected = Assert.IsType<SendResult.Rejected>(result);
        Assert.Equal(DeliveryReasons.InvalidAddress, rejected.Reason);
        Assert.False(rejected.Suppress);
    }

    [Fact]
    public async Task Should_answer_rate_limited_without_publishing_when_no_token_is_left_and_none_may_wait()
    {
        using var recorder = new RecordingHandler();
        using var sns = new SnsClient(fixture.Moto.Connection, handler: recorder);
        using var sender = Sender(sns, new SmsOptions { MaxSendRate = 0.1, MaxQueuedSends = 0 });

        var first = await sender.SendAsync(new SmsMessage("+15555550103", "one", "e-1", Priority.High), Ct);
        var second = await sender.SendAsync(new SmsMessage("+15555550103", "two", "e-2", Priority.High), Ct);

        Assert.IsType<SendResult.Accepted>(first);
        Assert.Equal(new SendResult.Transient("rate limited locally", MayHaveBeenAccepted: false), second);
        Assert.Single(recorder.Actions("Publish"));
    }

    [Fact]
    public async Task Should_let_a_queued_send_wait_for_its_token_instead_of_failing()
    {
        using var sns = new SnsClient(fixture.Moto.Connection);
        using var sender = Sender(sns, new SmsOptions { MaxSendRate = 5, MaxQueuedSends = 10 });

        // A bucket of 5 and 5 more queued: every one is sent, the last ones after the bucket refills.
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => sender.SendAsync(new SmsMessage("+15555550104", $"m{i}", $"e-{i}", Priority.Low), Ct)));

        Assert.All(results, r => Assert.IsType<SendResult.Accepted>(r));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    public async Task Should_be_transient_and_not_accepted_when_every_publish_fails_with_a_server_error_or_throttling(int status)
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Moto.Endpoint);
        var rule = proxy.Add(FaultRule.Always(status == 429 ? new Fault.Throttling() : Fault.ServerError(status), FaultRule.Action("Publish")));
        using var sns = new SnsClient(AwsConnection.ForLocal(proxy.Endpoint), ChannelsFixture.QuickRetry);
        using var sender = Sender(sns);

        var result = await sender.SendAsync(new SmsMessage("+15555550105", "Hi", "e-1", Priority.High), Ct);

        Assert.False(Assert.IsType<SendResult.Transient>(result).MayHaveBeenAccepted);
        Assert.Equal(ChannelsFixture.QuickRetry.MaxAttempts, rule.Injected);
    }

    [Fact]
    public async Task Should_be_transient_and_maybe_accepted_when_the_publish_answer_is_lost()
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Moto.Endpoint);
        proxy.Add(FaultRule.Always(new Fault.DropResponse(), FaultRule.Action("Publish")));
        using var sns = new SnsClient(AwsConnection.ForLocal(proxy.Endpoint), ChannelsFixture.SingleAttempt);
        using var sender = Sender(sns);
        var text = "lost-" + Guid.NewGuid().ToString("N");

        var result = await sender.SendAsync(new SmsMessage("+15555550106", text, "e-1", Priority.High), Ct);

        Assert.True(Assert.IsType<SendResult.Transient>(result).MayHaveBeenAccepted);
        Assert.Single(await MotoState.ModelsAsync(fixture.Moto.Endpoint, "sns", "SMS", Ct), m => (string?)m["message"] == text);
    }

    [Fact]
    public async Task Should_be_transient_and_not_accepted_when_the_opt_out_check_is_lost_since_nothing_was_sent()
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Moto.Endpoint);
        proxy.Add(FaultRule.Always(new Fault.DropResponse(), FaultRule.Action("CheckIfPhoneNumberIsOptedOut")));
        using var sns = new SnsClient(AwsConnection.ForLocal(proxy.Endpoint), ChannelsFixture.QuickRetry);
        using var sender = Sender(sns);

        var result = await sender.SendAsync(new SmsMessage("+15555550107", "Hi", "e-1", Priority.High), Ct);

        Assert.False(Assert.IsType<SendResult.Transient>(result).MayHaveBeenAccepted);
        Assert.Equal(ChannelsFixture.QuickRetry.MaxAttempts, proxy.RequestsSeen);
    }

    private static SnsSmsSender Sender(SnsClient sns, SmsOptions? options = null) => new(sns, Options.Create(options ?? new SmsOptions { MaxSendRate = 1000 }));
}
