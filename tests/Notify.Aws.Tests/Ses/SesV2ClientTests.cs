using System.Net;
using System.Text;
using Notify.Aws.Http;
using Notify.Aws.Ses.V2;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Ses;

/// <summary>SesV2Client against a real moto_server; sent mail is read back from moto's model dump.</summary>
public sealed class SesV2ClientTests(MotoFixture moto) : IClassFixture<MotoFixture>, IDisposable
{
    private readonly SesV2Client _ses = new(moto.Connection);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_record_subject_body_and_recipients_when_sending_simple_email_from_verified_identity()
    {
        var from = await CreateSenderAsync();
        var subject = Unique("Welcome");

        var sent = await _ses.SendEmailAsync(
            new SendEmailRequest
            {
                FromEmailAddress = from,
                Destination = new Destination { ToAddresses = ["to@example.net"], CcAddresses = ["cc@example.net"] },
                ReplyToAddresses = ["support@example.net"],
                Content = new EmailContent
                {
                    Simple = new Message
                    {
                        Subject = new Content { Data = subject, Charset = "UTF-8" },
                        Body = new Body { Text = new Content { Data = "Hello, Ada" } },
                    },
                },
                EmailTags = [new MessageTag { Name = "notification", Value = "n-1" }],
            },
            Ct);

        var messages = await MotoState.ModelsAsync(moto.Endpoint, "ses", "Message", Ct);
        var recorded = Assert.Single(messages, m => (string?)m["id"] == sent.MessageId);
        Assert.Equal(from, (string?)recorded["source"]);
        Assert.Equal(subject, (string?)recorded["subject"]);
        Assert.Equal("Hello, Ada", (string?)recorded["body"]);
        Assert.Equal("to@example.net", (string?)recorded["destinations"]!["ToAddresses"]![0]);
        Assert.Equal("cc@example.net", (string?)recorded["destinations"]!["CcAddresses"]![0]);
    }

    [Fact]
    public async Task Should_record_mime_message_when_sending_raw_email()
    {
        var from = await CreateSenderAsync();
        var subject = Unique("Raw");
        var mime = $"From: {from}\r\nTo: to@example.net\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nHéllo raw\r\n";

        var sent = await _ses.SendEmailAsync(
            new SendEmailRequest
            {
                FromEmailAddress = from,
                Destination = new Destination { ToAddresses = ["to@example.net"] },
                Content = new EmailContent { Raw = new RawMessage { Data = Encoding.UTF8.GetBytes(mime) } },
            },
            Ct);

        var raw = await MotoState.ModelsAsync(moto.Endpoint, "ses", "RawMessage", Ct);
        var recorded = Assert.Single(raw, m => (string?)m["id"] == sent.MessageId);
        Assert.Equal(mime, (string?)recorded["raw_data"]);
    }

    [Fact]
    public async Task Should_throw_MessageRejected_when_sender_is_not_verified()
    {
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _ses.SendEmailAsync(
            new SendEmailRequest
            {
                FromEmailAddress = $"nobody@{Unique("unverified")}.example.com",
                Destination = new Destination { ToAddresses = ["to@example.net"] },
                Content = new EmailContent { Simple = new Message { Subject = new Content { Data = "s" }, Body = new Body { Text = new Content { Data = "b" } } } },
            },
            Ct));

        Assert.Equal("MessageRejected", e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.False(e.IsRetryable);
    }

    [Fact]
    public async Task Should_get_list_and_delete_when_managing_email_identity()
    {
        var address = $"sender@{Unique("id")}.example.com";

        var created = await _ses.CreateEmailIdentityAsync(new CreateEmailIdentityRequest { EmailIdentity = address, Tags = [new Tag { Key = "k", Value = "v" }] }, Ct);
        var fetched = await _ses.GetEmailIdentityAsync(new GetEmailIdentityRequest { EmailIdentity = address }, Ct);
        var listed = await _ses.ListEmailIdentitiesAsync(new ListEmailIdentitiesRequest(), Ct);

        Assert.Equal("EMAIL_ADDRESS", created.IdentityType);
        Assert.Equal("NOT_STARTED", created.DkimAttributes?.Status);
        Assert.Equal(("EMAIL_ADDRESS", "SUCCESS"), (fetched.IdentityType, fetched.VerificationStatus));
        Assert.Contains(listed.EmailIdentities ?? [], i => i.IdentityName == address && i.SendingEnabled == true);

        await _ses.DeleteEmailIdentityAsync(new DeleteEmailIdentityRequest { EmailIdentity = address }, Ct);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _ses.GetEmailIdentityAsync(new GetEmailIdentityRequest { EmailIdentity = address }, Ct));
        Assert.Equal(("NotFoundException", HttpStatusCode.NotFound), (e.ErrorCode, e.StatusCode));
        Assert.False(SesV2Client.IsUnsupportedOperation(e), "a missing identity is an AWS error, not a missing operation");
    }

    [Fact]
    public async Task Should_get_list_and_delete_when_managing_configuration_set()
    {
        var name = Unique("cs");

        await _ses.CreateConfigurationSetAsync(
            new CreateConfigurationSetRequest
            {
                ConfigurationSetName = name,
                DeliveryOptions = new DeliveryOptions { TlsPolicy = "REQUIRE" },
                Tags = [new Tag { Key = "env", Value = "test" }],
            },
            Ct);
        var fetched = await _ses.GetConfigurationSetAsync(new GetConfigurationSetRequest { ConfigurationSetName = name }, Ct);
        var listed = await _ses.ListConfigurationSetsAsync(new ListConfigurationSetsRequest(), Ct);

        Assert.Equal(name, fetched.ConfigurationSetName);
        Assert.Equal("REQUIRE", fetched.DeliveryOptions?.TlsPolicy);
        Assert.Equal(("env", "test"), (fetched.Tags?[0].Key, fetched.Tags?[0].Value));
        Assert.Contains(name, listed.ConfigurationSets ?? []);

        await _ses.DeleteConfigurationSetAsync(new DeleteConfigurationSetRequest { ConfigurationSetName = name }, Ct);

        Assert.DoesNotContain(name, (await _ses.ListConfigurationSetsAsync(new ListConfigurationSetsRequest(), Ct)).ConfigurationSets ?? []);
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _ses.GetConfigurationSetAsync(new GetConfigurationSetRequest { ConfigurationSetName = name }, Ct));
        Assert.Equal("NotFoundException", e.ErrorCode);
    }

    [Fact]
    public async Task Should_throw_unsupported_operation_error_when_moto_lacks_account_and_event_destinations()
    {
        var name = Unique("events");
        await _ses.CreateConfigurationSetAsync(new CreateConfigurationSetRequest { ConfigurationSetName = name }, Ct);

        var account = await Assert.ThrowsAsync<AwsServiceException>(() => _ses.GetAccountAsync(new GetAccountRequest(), Ct));
        var create = await Assert.ThrowsAsync<AwsServiceException>(() => _ses.CreateConfigurationSetEventDestinationAsync(
            new CreateConfigurationSetEventDestinationRequest
            {
                ConfigurationSetName = name,
                EventDestinationName = "feedback",
                EventDestination = new EventDestinationDefinition
                {
                    Enabled = true,
                    MatchingEventTypes = [EventType.BOUNCE, EventType.COMPLAINT],
                    SnsDestination = new SnsDestination { TopicArn = "arn:aws:sns:us-east-1:123456789012:feedback" },
                },
            },
            Ct));
        var get = await Assert.ThrowsAsync<AwsServiceException>(() => _ses.GetConfigurationSetEventDestinationsAsync(
            new GetConfigurationSetEventDestinationsRequest { ConfigurationSetName = name }, Ct));

        // moto answers an HTML 404 page: no AWS error code, so the JSON reader reports "Unknown".
        foreach (var e in (AwsServiceException[])[account, create, get])
        {
            Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
            Assert.Equal("Unknown", e.ErrorCode);
            Assert.False(e.IsRetryable);
            Assert.True(SesV2Client.IsUnsupportedOperation(e));
        }
    }

    public void Dispose() => _ses.Dispose();

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<string> CreateSenderAsync()
    {
        var address = $"sender@{Unique("mail")}.example.com";
        await _ses.CreateEmailIdentityAsync(new CreateEmailIdentityRequest { EmailIdentity = address }, Ct);
        return address;
    }
}
