using Notify.Aws.Ses;

namespace Notify.Aws.Tests.Wire;

/// <summary>Every <see cref="SesClient"/> (SES v1) operation sends what @aws-sdk/client-ses sends for the same input.</summary>
public sealed class SesWireTests(RecordingServer server) : IClassFixture<RecordingServer>, IDisposable
{
    private const string Topic = "arn:aws:sns:us-east-1:123456789012:ses-feedback";

    private readonly SesClient _ses = new(server.Connection);

    [Fact]
    public async Task Should_send_what_the_JS_SDK_sends_for_every_operation()
    {
        await WireComparison.AssertEquivalentAsync(server,
        [
            new("ses", "SetIdentityNotificationTopic", new { Identity = "example.com", NotificationType = "Bounce", SnsTopic = Topic },
                ct => _ses.SetIdentityNotificationTopicAsync(new SetIdentityNotificationTopicRequest { Identity = "example.com", NotificationType = NotificationType.Bounce, SnsTopic = Topic }, ct)),
            // Without SnsTopic: the call that disables a notification topic.
            new("ses", "SetIdentityNotificationTopic", new { Identity = "a+b@example.com", NotificationType = "Complaint" },
                ct => _ses.SetIdentityNotificationTopicAsync(new SetIdentityNotificationTopicRequest { Identity = "a+b@example.com", NotificationType = NotificationType.Complaint }, ct)),
            new("ses", "SetIdentityHeadersInNotificationsEnabled", new { Identity = "example.com", NotificationType = "Delivery", Enabled = true },
                ct => _ses.SetIdentityHeadersInNotificationsEnabledAsync(new SetIdentityHeadersInNotificationsEnabledRequest { Identity = "example.com", NotificationType = NotificationType.Delivery, Enabled = true }, ct)),
            new("ses", "SetIdentityHeadersInNotificationsEnabled", new { Identity = "example.com", NotificationType = "Bounce", Enabled = false },
                ct => _ses.SetIdentityHeadersInNotificationsEnabledAsync(new SetIdentityHeadersInNotificationsEnabledRequest { Identity = "example.com", NotificationType = NotificationType.Bounce, Enabled = false }, ct)),
            new("ses", "GetIdentityNotificationAttributes", new { Identities = new[] { "example.com", "a@example.com" } },
                ct => _ses.GetIdentityNotificationAttributesAsync(new GetIdentityNotificationAttributesRequest { Identities = ["example.com", "a@example.com"] }, ct)),
            new("ses", "GetSendQuota", new { }, ct => _ses.GetSendQuotaAsync(new GetSendQuotaRequest(), ct)),
            new("ses", "VerifyEmailIdentity", new { EmailAddress = "sender@example.com" },
                ct => _ses.VerifyEmailIdentityAsync(new VerifyEmailIdentityRequest { EmailAddress = "sender@example.com" }, ct)),
            new("ses", "VerifyDomainIdentity", new { Domain = "example.com" },
                ct => _ses.VerifyDomainIdentityAsync(new VerifyDomainIdentityRequest { Domain = "example.com" }, ct)),
        ], TestContext.Current.CancellationToken);
    }

    public void Dispose() => _ses.Dispose();
}
