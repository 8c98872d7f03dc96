using System.Text;
using Notify.Aws.Ses;
using Notify.Aws.Ses.V2;
using Notify.Aws.Tests.Wire;

namespace Notify.Aws.Tests.Ses;

/// <summary>
/// Every SesV2Client and SesClient operation sends what the official AWS SDK for JavaScript v3 sends for the same
/// call, signature included. The list operations are left out on purpose: the newest SDKs moved them to
/// <c>POST /v2/email/list-*</c>, while Notify keeps the long-standing GET routes that AWS and moto both serve.
/// </summary>
public sealed class SesSdkWireTests(RecordingServer server) : IClassFixture<RecordingServer>, IDisposable
{
    private readonly SesV2Client _sesV2 = new(server.Connection);
    private readonly SesClient _ses = new(server.Connection);

    [Fact]
    public async Task Should_match_the_JS_SDK_when_sending_email()
    {
        var mime = Encoding.UTF8.GetBytes("From: a@example.com\r\nTo: b@example.com\r\nSubject: Héllo\r\n\r\nBody\r\n");
        await WireComparison.AssertEquivalentAsync(server,
        [
            new("sesv2", "SendEmail", new
            {
                FromEmailAddress = "Notify <no-reply@example.com>",
                Destination = new { ToAddresses = new[] { "a@example.net" }, CcAddresses = new[] { "b@example.net" }, BccAddresses = new[] { "c@example.net" } },
                ReplyToAddresses = new[] { "support@example.com" },
                FeedbackForwardingEmailAddress = "feedback@example.com",
                Content = new
                {
                    Simple = new
                    {
                        Subject = new { Data = "Welcome ✉", Charset = "UTF-8" },
                        Body = new { Text = new { Data = "Hi" }, Html = new { Data = "<p>Hi</p>", Charset = "UTF-8" } },
                        Headers = new[] { new { Name = "List-Unsubscribe", Value = "<https://example.com/u>" } },
                    },
                },
                EmailTags = new[] { new { Name = "notification", Value = "n-1" } },
                ConfigurationSetName = "notify",
            }, ct => _sesV2.SendEmailAsync(new SendEmailRequest
            {
                FromEmailAddress = "Notify <no-reply@example.com>",
                Destination = new() { ToAddresses = ["a@example.net"], CcAddresses = ["b@example.net"], BccAddresses = ["c@example.net"] },
                ReplyToAddresses = ["support@example.com"],
                FeedbackForwardingEmailAddress = "feedback@example.com",
                Content = new()
                {
                    Simple = new()
                    {
                        Subject = new() { Data = "Welcome ✉", Charset = "UTF-8" },
                        Body = new() { Text = new() { Data = "Hi" }, Html = new() { Data = "<p>Hi</p>", Charset = "UTF-8" } },
                        Headers = [new() { Name = "List-Unsubscribe", Value = "<https://example.com/u>" }],
                    },
                },
                EmailTags = [new() { Name = "notification", Value = "n-1" }],
                ConfigurationSetName = "notify",
            }, ct)),
            new("sesv2", "SendEmail", new
            {
                FromEmailAddress = "a@example.com",
                Destination = new { ToAddresses = new[] { "b@example.com" } },
                Content = new { Raw = new { Data = JsSdk.Binary(mime) } },
            }, ct => _sesV2.SendEmailAsync(new SendEmailRequest
            {
                FromEmailAddress = "a@example.com",
                Destination = new() { ToAddresses = ["b@example.com"] },
                Content = new() { Raw = new() { Data = mime } },
            }, ct)),
        ], TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Should_match_the_JS_SDK_when_managing_identities_configuration_sets_and_account()
    {
        await WireComparison.AssertEquivalentAsync(server,
        [
            new("sesv2", "CreateEmailIdentity", new { EmailIdentity = "example.com", Tags = new[] { new { Key = "team", Value = "notify" } }, ConfigurationSetName = "notify" },
                ct => _sesV2.CreateEmailIdentityAsync(new CreateEmailIdentityRequest
                {
                    EmailIdentity = "example.com",
                    Tags = [new() { Key = "team", Value = "notify" }],
                    ConfigurationSetName = "notify",
                }, ct)),
            new("sesv2", "GetEmailIdentity", new { EmailIdentity = "first.last+tag@example.com" },
                ct => _sesV2.GetEmailIdentityAsync(new GetEmailIdentityRequest { EmailIdentity = "first.last+tag@example.com" }, ct)),
            new("sesv2", "DeleteEmailIdentity", new { EmailIdentity = "a b@example.com" },
                ct => _sesV2.DeleteEmailIdentityAsync(new DeleteEmailIdentityRequest { EmailIdentity = "a b@example.com" }, ct)),
            new("sesv2", "CreateConfigurationSet", new
            {
                ConfigurationSetName = "notify",
                DeliveryOptions = new { TlsPolicy = "REQUIRE", MaxDeliverySeconds = 600 },
                ReputationOptions = new { ReputationMetricsEnabled = true },
                SendingOptions = new { SendingEnabled = true },
                SuppressionOptions = new { SuppressedReasons = new[] { "BOUNCE", "COMPLAINT" } },
                Tags = new[] { new { Key = "team", Value = "notify" } },
            }, ct => _sesV2.CreateConfigurationSetAsync(new CreateConfigurationSetRequest
            {
                ConfigurationSetName = "notify",
                DeliveryOptions = new() { TlsPolicy = "REQUIRE", MaxDeliverySeconds = 600 },
                ReputationOptions = new() { ReputationMetricsEnabled = true },
                SendingOptions = new() { SendingEnabled = true },
                SuppressionOptions = new() { SuppressedReasons = ["BOUNCE", "COMPLAINT"] },
                Tags = [new() { Key = "team", Value = "notify" }],
            }, ct)),
            new("sesv2", "GetConfigurationSet", new { ConfigurationSetName = "notify/dev" },
                ct => _sesV2.GetConfigurationSetAsync(new GetConfigurationSetRequest { ConfigurationSetName = "notify/dev" }, ct)),
            new("sesv2", "DeleteConfigurationSet", new { ConfigurationSetName = "notify" },
                ct => _sesV2.DeleteConfigurationSetAsync(new DeleteConfigurationSetRequest { ConfigurationSetName = "notify" }, ct)),
            new("sesv2", "CreateConfigurationSetEventDestination", new
            {
                ConfigurationSetName = "notify",
                EventDestinationName = "feedback",
                EventDestination = new
                {
                    Enabled = true,
                    MatchingEventTypes = new[] { "BOUNCE", "COMPLAINT", "DELIVERY" },
                    SnsDestination = new { TopicArn = "arn:aws:sns:us-east-1:123456789012:feedback" },
                },
            }, ct => _sesV2.CreateConfigurationSetEventDestinationAsync(new CreateConfigurationSetEventDestinationRequest
            {
                ConfigurationSetName = "notify",
                EventDestinationName = "feedback",
                EventDestination = new()
                {
                    Enabled = true,
                    MatchingEventTypes = [EventType.BOUNCE, EventType.COMPLAINT, EventType.DELIVERY],
                    SnsDestination = new() { TopicArn = "arn:aws:sns:us-east-1:123456789012:feedback" },
                },
            }, ct)),
            new("sesv2", "GetConfigurationSetEventDestinations", new { ConfigurationSetName = "notify" },
                ct => _sesV2.GetConfigurationSetEventDestinationsAsync(new GetConfigurationSetEventDestinationsRequest { ConfigurationSetName = "notify" }, ct)),
            new("sesv2", "GetAccount", new { }, ct => _sesV2.GetAccountAsync(new GetAccountRequest(), ct)),
        ], TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Should_match_the_JS_SDK_when_calling_ses_v1()
    {
        const string topic = "arn:aws:sns:us-east-1:123456789012:bounces";
        await WireComparison.AssertEquivalentAsync(server,
        [
            new("ses", "SetIdentityNotificationTopic", new { Identity = "example.com", NotificationType = "Bounce", SnsTopic = topic },
                ct => _ses.SetIdentityNotificationTopicAsync(new SetIdentityNotificationTopicRequest
                {
                    Identity = "example.com",
                    NotificationType = NotificationType.Bounce,
                    SnsTopic = topic,
                }, ct)),
            new("ses", "SetIdentityNotificationTopic", new { Identity = "example.com", NotificationType = "Delivery" },
                ct => _ses.SetIdentityNotificationTopicAsync(new SetIdentityNotificationTopicRequest { Identity = "example.com", NotificationType = NotificationType.Delivery }, ct)),
            new("ses", "SetIdentityHeadersInNotificationsEnabled", new { Identity = "a@example.com", NotificationType = "Complaint", Enabled = false },
                ct => _ses.SetIdentityHeadersInNotificationsEnabledAsync(new SetIdentityHeadersInNotificationsEnabledRequest
                {
                    Identity = "a@example.com",
                    NotificationType = NotificationType.Complaint,
                    Enabled = false,
                }, ct)),
            new("ses", "GetIdentityNotificationAttributes", new { Identities = new[] { "example.com", "a@example.com" } },
                ct => _ses.GetIdentityNotificationAttributesAsync(new GetIdentityNotificationAttributesRequest { Identities = ["example.com", "a@example.com"] }, ct)),
            new("ses", "GetSendQuota", new { }, ct => _ses.GetSendQuotaAsync(new GetSendQuotaRequest(), ct)),
            new("ses", "VerifyEmailIdentity", new { EmailAddress = "a+b@example.com" },
                ct => _ses.VerifyEmailIdentityAsync(new VerifyEmailIdentityRequest { EmailAddress = "a+b@example.com" }, ct)),
            new("ses", "VerifyDomainIdentity", new { Domain = "example.com" },
                ct => _ses.VerifyDomainIdentityAsync(new VerifyDomainIdentityRequest { Domain = "example.com" }, ct)),
        ], TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        _sesV2.Dispose();
        _ses.Dispose();
    }
}
