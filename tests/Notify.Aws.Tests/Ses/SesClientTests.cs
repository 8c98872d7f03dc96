using System.Text.Json.Nodes;
using Notify.Aws.Ses;
using Notify.Aws.Ses.V2;
using Notify.Aws.Sns;
using Notify.Aws.Tests.Fixtures;
using Notify.Aws.Tests.Sqs;
using SqsClient = Notify.Aws.Sqs.SqsClient;

namespace Notify.Aws.Tests.Ses;

/// <summary>SesClient (SES v1) against a real moto_server: feedback routing to SNS and the send quota.</summary>
public sealed class SesClientTests(MotoFixture moto) : IClassFixture<MotoFixture>, IDisposable
{
    private readonly SesClient _ses = new(moto.Connection);
    private readonly SesV2Client _sesV2 = new(moto.Connection);
    private readonly SnsClient _sns = new(moto.Connection);
    private readonly SqsClient _sqs = new(moto.Connection);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_publish_bounce_to_subscribed_queue_when_identity_has_bounce_topic_and_recipient_bounces()
    {
        var domain = $"{Guid.NewGuid():N}.example.com";
        var topicArn = (await _sns.CreateTopicAsync(new CreateTopicRequest { Name = $"bounces-{Guid.NewGuid():N}" }, Ct)).TopicArn;
        var queue = await _sqs.CreateWithArnAsync("bounces");
        await _sns.SubscribeAsync(new SubscribeRequest { TopicArn = topicArn, Protocol = "sqs", Endpoint = queue.Arn }, Ct);
        var token = await _ses.VerifyDomainIdentityAsync(new VerifyDomainIdentityRequest { Domain = domain }, Ct);
        Assert.False(string.IsNullOrEmpty(token.VerificationToken));

        // moto looks feedback topics up by the sender's domain, as SES does for a domain identity.
        await _ses.SetIdentityNotificationTopicAsync(
            new SetIdentityNotificationTopicRequest { Identity = domain, NotificationType = NotificationType.Bounce, SnsTopic = topicArn }, Ct);
        var attributes = await _ses.GetIdentityNotificationAttributesAsync(new GetIdentityNotificationAttributesRequest { Identities = [domain] }, Ct);
        Assert.True(attributes.NotificationAttributes[domain].ForwardingEnabled);

        await _sesV2.SendEmailAsync(
            new SendEmailRequest
            {
                FromEmailAddress = $"notify@{domain}",
                Destination = new Destination { ToAddresses = ["bounce@simulator.amazonses.com"] },
                Content = new EmailContent { Simple = new Message { Subject = new Content { Data = "s" }, Body = new Body { Text = new Content { Data = "b" } } } },
            },
            Ct);

        var body = await _sqs.WaitForBodyAsync(queue.Url, b => b.Contains("bounce", StringComparison.Ordinal), "the bounce notification");
        var envelope = JsonNode.Parse(body!)!;
        Assert.Equal(topicArn, (string?)envelope["TopicArn"]);
        // SES sends the notification as a JSON string; moto embeds the object itself. Accept both.
        var message = envelope["Message"] is JsonValue text ? JsonNode.Parse((string)text!)! : envelope["Message"]!;
        Assert.Equal("Permanent", (string?)message["bounce"]!["bounceType"]);
        Assert.NotEmpty(message["bounce"]!["bouncedRecipients"]!.AsArray());
    }

    [Fact]
    public async Task Should_return_moto_quota_and_count_recipients_when_reading_send_quota()
    {
        var before = await _ses.GetSendQuotaAsync(new GetSendQuotaRequest(), Ct);
        var sender = $"quota@{Guid.NewGuid():N}.example.com";
        await _ses.VerifyEmailIdentityAsync(new VerifyEmailIdentityRequest { EmailAddress = sender }, Ct);

        await _sesV2.SendEmailAsync(
            new SendEmailRequest
            {
                FromEmailAddress = sender,
                Destination = new Destination { ToAddresses = ["a@example.net", "b@example.net"] },
                Content = new EmailContent { Simple = new Message { Subject = new Content { Data = "s" }, Body = new Body { Html = new Content { Data = "<p>b</p>" } } } },
            },
            Ct);
        var after = await _ses.GetSendQuotaAsync(new GetSendQuotaRequest(), Ct);

        Assert.Equal(1.0, after.MaxSendRate);
        Assert.Equal(200.0, after.Max24HourSend);
        Assert.Equal(before.SentLast24Hours + 2, after.SentLast24Hours);
    }

    public void Dispose()
    {
        _ses.Dispose();
        _sesV2.Dispose();
        _sns.Dispose();
        _sqs.Dispose();
    }
}
