using System.Net;
using Microsoft.Extensions.Options;
using Notify.Aws.Channels.Email;
using Notify.Aws.Http;
using Notify.Aws.Provisioning;
using Notify.Aws.Ses.V2;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Resources;

namespace Notify.Aws.Tests.Channels;

/// <summary>The SES email adapter against moto (what moto recorded, what went over the wire) and behind the fault proxy.</summary>
public sealed class SesEmailSenderTests(ChannelsFixture fixture) : IClassFixture<ChannelsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_be_accepted_with_subject_body_configuration_set_and_event_tag_when_sent_from_the_provisioned_identity()
    {
        using var recorder = new RecordingHandler();
        using var ses = new SesV2Client(fixture.Moto.Connection, handler: recorder);
        using var sender = fixture.EmailSender(ses);
        var subject = "Grüße " + Guid.NewGuid().ToString("N");

        var result = await sender.SendAsync(new EmailMessage("ada@example.net", subject, "Hello, Ada", "<p>Hello, <b>Ada</b></p>", "evt:01/ab c", Priority.High), Ct);

        var accepted = Assert.IsType<SendResult.Accepted>(result);
        Assert.False(accepted.Simulated);
        var recorded = Assert.Single(await MotoState.ModelsAsync(fixture.Moto.Endpoint, "ses", "Message", Ct), m => (string?)m["id"] == accepted.ProviderMessageId);
        Assert.Equal(fixture.SenderIdentity, (string?)recorded["source"]);
        Assert.Equal(subject, (string?)recorded["subject"]);
        Assert.Equal("<p>Hello, <b>Ada</b></p>", (string?)recorded["body"]);
        Assert.Equal("ada@example.net", (string?)recorded["destinations"]!["ToAddresses"]![0]);

        // moto ignores the configuration set, the tags and the text part: the request shows them.
        var request = Assert.Single(recorder.Requests, r => r.Uri.AbsolutePath == "/v2/email/outbound-emails").Json;
        Assert.Equal(fixture.Naming.ConfigurationSet(NotifyResources.Email), request.GetProperty("ConfigurationSetName").GetString());
        var tag = Assert.Single(request.GetProperty("EmailTags").EnumerateArray());
        Assert.Equal(("eventId", "evt_01_ab_c"), (tag.GetProperty("Name").GetString(), tag.GetProperty("Value").GetString()));
        var simple = request.GetProperty("Content").GetProperty("Simple");
        Assert.Equal("UTF-8", simple.GetProperty("Subject").GetProperty("Charset").GetString());
        Assert.Equal("Hello, Ada", simple.GetProperty("Body").GetProperty("Text").GetProperty("Data").GetString());
        Assert.Equal("UTF-8", simple.GetProperty("Body").GetProperty("Html").GetProperty("Charset").GetString());
    }

    [Fact]
    public async Task Should_send_a_text_only_email_without_an_html_part()
    {
        using var recorder = new RecordingHandler();
        using var ses = new SesV2Client(fixture.Moto.Connection, handler: recorder);
        using var sender = fixture.EmailSender(ses);

        var result = await sender.SendAsync(new EmailMessage("ada@example.net", "Plain", "Just text", null, "e-1", Priority.Low), Ct);

        var accepted = Assert.IsType<SendResult.Accepted>(result);
        var recorded = Assert.Single(await MotoState.ModelsAsync(fixture.Moto.Endpoint, "ses", "Message", Ct), m => (string?)m["id"] == accepted.ProviderMessageId);
        Assert.Equal("Just text", (string?)recorded["body"]);
        var body = Assert.Single(recorder.Requests, r => r.Uri.AbsolutePath == "/v2/email/outbound-emails").Json.GetProperty("Content").GetProperty("Simple").GetProperty("Body");
        Assert.False(body.TryGetProperty("Html", out _));
    }

    [Fact]
    public async Task Should_be_rejected_as_sender_not_verified_when_the_from_address_is_not_a_verified_identity()
    {
        using var ses = new SesV2Client(fixture.Moto.Connection);
        using var sender = fixture.EmailSender(ses, new EmailOptions { FromAddress = $"someone@unverified-{Guid.NewGuid():N}.example.com", MaxSendRate = 1000 });

        var result = await sender.SendAsync(Email(), Ct);

        var rejected = Assert.IsType<SendResult.Rejected>(result);
        Assert.Equal(DeliveryReasons.SenderNotVerified, rejected.Reason);
        Assert.False(rejected.Suppress);
        Assert.Contains("MessageRejected", rejected.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_be_rejected_as_invalid_address_when_the_recipient_is_malformed()
    {
        using var ses = new SesV2Client(fixture.Moto.Connection);
        using var sender = fixture.EmailSender(ses);

        var result = await sender.SendAsync(Email(to: "not-an-address"), Ct);

        Assert.Equal(DeliveryReasons.InvalidAddress, Assert.IsType<SendResult.Rejected>(result).Reason);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    public async Task Should_be_transient_and_not_accepted_when_every_attempt_fails_with_a_server_error_or_throttling(int status)
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Moto.Endpoint);
        var rule = proxy.Add(FaultRule.Always(
            status == 429 ? new Fault.Throttling() : Fault.ServerError(status), FaultRule.PathStartsWith("/v2/email/outbound-emails")));
        using var ses = new SesV2Client(AwsConnection.ForLocal(proxy.Endpoint), ChannelsFixture.QuickRetry);
        using var sender = fixture.EmailSender(ses);

        var result = await sender.SendAsync(Email(), Ct);

        var transient = Assert.IsType<SendResult.Transient>(result);
        Assert.False(transient.MayHaveBeenAccepted);
        Assert.Equal(ChannelsFixture.QuickRetry.MaxAttempts, rule.Injected);
    }

    [Fact]
    public async Task Should_be_transient_and_maybe_accepted_when_the_answer_is_lost_after_ses_took_the_message()
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Moto.Endpoint);
        proxy.Add(FaultRule.Always(new Fault.DropResponse(), FaultRule.PathStartsWith("/v2/email/outbound-emails")));
        using var ses = new SesV2Client(AwsConnection.ForLocal(proxy.Endpoint), ChannelsFixture.SingleAttempt);
        using var sender = fixture.EmailSender(ses);
        var subject = "lost-" + Guid.NewGuid().ToString("N");

        var result = await sender.SendAsync(Email(subject: subject), Ct);

        Assert.True(Assert.IsType<SendResult.Transient>(result).MayHaveBeenAccepted);
        Assert.Single(await MotoState.ModelsAsync(fixture.Moto.Endpoint, "ses", "Message", Ct), m => (string?)m["subject"] == subject);
    }

    [Fact]
    public async Task Should_throw_instead_of_answering_when_the_caller_cancels_during_the_call()
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Moto.Endpoint);
        proxy.Add(FaultRule.Always(new Fault.Latency(TimeSpan.FromSeconds(10)), FaultRule.PathStartsWith("/v2/email/outbound-emails")));
        using var ses = new SesV2Client(AwsConnection.ForLocal(proxy.Endpoint), ChannelsFixture.QuickRetry);
        using var sender = fixture.EmailSender(ses);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender.SendAsync(Email(), cts.Token));
    }

    [Fact]
    public async Task Should_limit_to_the_account_send_rate_read_once_from_GetAccount_when_none_is_configured()
    {
        var stub = new StubHttpHandler(r => r.Uri.AbsolutePath == "/v2/email/account"
            ? new StubResponse(HttpStatusCode.OK, "application/json", """{"SendQuota":{"Max24HourSend":200,"MaxSendRate":0.1,"SentLast24Hours":0}}""")
            : new StubResponse(HttpStatusCode.OK, "application/json", """{"MessageId":"m-1"}"""));
        using var ses = new SesV2Client(StubHttpHandler.Connection, StubHttpHandler.Retry, stub);
        using var sender = fixture.EmailSender(ses, new EmailOptions { MaxQueuedSends = 0 });

        var first = await sender.SendAsync(Email(), Ct);
        var second = await sender.SendAsync(Email(), Ct);

        Assert.Equal(new SendResult.Accepted("m-1"), first);
        Assert.Equal(new SendResult.Transient("rate limited locally", MayHaveBeenAccepted: false), second);
        Assert.Single(stub.Requests, r => r.Uri.AbsolutePath == "/v2/email/account");
        Assert.Single(stub.Requests, r => r.Uri.AbsolutePath == "/v2/email/outbound-emails");
    }

    [Fact]
    public async Task Should_fall_back_to_the_default_rate_when_the_endpoint_has_no_GetAccount()
    {
        using var recorder = new RecordingHandler();
        using var ses = new SesV2Client(fixture.Moto.Connection, handler: recorder);
        using var sender = fixture.EmailSender(ses, new EmailOptions { MaxQueuedSends = 0 });

        // moto answers GetAccount with a bare 404; the default (14/s) lets a burst of 14 through without queueing.
        var results = new List<SendResult>();
        for (var i = 0; i < (int)EmailOptions.DefaultSendRate; i++)
        {
            results.Add(await sender.SendAsync(Email(), Ct));
        }

        Assert.All(results, r => Assert.IsType<SendResult.Accepted>(r));
        Assert.Single(recorder.Requests, r => r.Uri.AbsolutePath == "/v2/email/account");
    }

    [Fact]
    public void Should_default_the_sender_to_the_provisioned_identity_or_notify_at_its_domain()
    {
        Assert.Equal("ops@example.org", EmailOptions.DefaultFromAddress("ops@example.org"));
        Assert.Equal("notify@example.org", EmailOptions.DefaultFromAddress("example.org"));
        using var ses = new SesV2Client(StubHttpHandler.Connection, handler: new StubHttpHandler(_ => throw new InvalidOperationException()));
        using var configured = new SesEmailSender(ses, new ResourceNaming("p"), Options.Create(new EmailOptions { FromAddress = "x@y.org" }), Options.Create(new ProvisioningOptions { SenderIdentity = "example.org" }));
        using var byDomain = new SesEmailSender(ses, new ResourceNaming("p"), Options.Create(new EmailOptions()), Options.Create(new ProvisioningOptions { SenderIdentity = "example.org" }));

        Assert.Equal("x@y.org", configured.FromAddress);
        Assert.Equal("notify@example.org", byDomain.FromAddress);
        Assert.Equal("p-notify", byDomain.ConfigurationSetName);
    }

    [Theory]
    [InlineData("01HZX3K9", "01HZX3K9")]
    [InlineData("order:42/shipped", "order_42_shipped")]
    [InlineData("ümlaut é", "_mlaut__")]
    [InlineData("", "_")]
    public void Should_keep_only_the_characters_ses_allows_in_a_tag_value(string value, string expected) =>
        Assert.Equal(expected, SesEmailSender.TagValue(value));

    [Fact]
    public void Should_cut_a_tag_value_to_the_length_ses_allows() =>
        Assert.Equal(256, SesEmailSender.TagValue(new string('a', 300)).Length);

    private static EmailMessage Email(string to = "ada@example.net", string subject = "Hi") => new(to, subject, "Hello", null, "e-" + Guid.NewGuid().ToString("N"), Priority.High);
}
