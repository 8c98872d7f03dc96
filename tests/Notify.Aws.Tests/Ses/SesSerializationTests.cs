using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Notify.Aws.Http;
using Notify.Aws.Ses;
using Notify.Aws.Ses.V2;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Ses;

/// <summary>
/// The exact requests SesClient and SesV2Client send and how they read answers, including operations moto lacks
/// (GetAccount, event destinations, headers in notifications). Expected forms were recorded from the official
/// AWS SDK for JavaScript v3 (client-ses / client-sesv2 3.1169.0) where it uses the same routes.
/// </summary>
public sealed class SesSerializationTests
{
    private const string Ns = "http://ses.amazonaws.com/doc/2010-12-01/";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_post_json_without_unset_members_when_sending_raw_email()
    {
        var wire = StubHttpHandler.Json("""{"MessageId":"m-1"}""");
        using var ses = new SesV2Client(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var response = await ses.SendEmailAsync(
            new SendEmailRequest
            {
                FromEmailAddress = "a@b.c",
                Destination = new Destination { ToAddresses = ["x@y.z"] },
                Content = new EmailContent { Raw = new RawMessage { Data = Encoding.ASCII.GetBytes("Hello") } },
                EmailTags = [new MessageTag { Name = "n", Value = "v" }],
            },
            Ct);

        var sent = wire.Single;
        Assert.Equal((HttpMethod.Post, "/v2/email/outbound-emails", "application/json"), (sent.Method, sent.Uri.AbsolutePath, sent.ContentType));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"FromEmailAddress":"a@b.c","Destination":{"ToAddresses":["x@y.z"]},"Content":{"Raw":{"Data":"SGVsbG8="}},"EmailTags":[{"Name":"n","Value":"v"}]}"""),
            JsonNode.Parse(sent.Body)),
            sent.Body);
        Assert.Equal("m-1", response.MessageId);
    }

    [Fact]
    public async Task Should_nest_subject_body_and_headers_when_sending_simple_email()
    {
        var wire = StubHttpHandler.Json("""{"MessageId":"m-2"}""");
        using var ses = new SesV2Client(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        await ses.SendEmailAsync(
            new SendEmailRequest
            {
                FromEmailAddress = "a@b.c",
                Destination = new Destination { ToAddresses = ["x@y.z"], BccAddresses = ["audit@b.c"] },
                ReplyToAddresses = ["r@b.c"],
                ConfigurationSetName = "cs",
                FeedbackForwardingEmailAddress = "fb@b.c",
                Content = new EmailContent
                {
                    Simple = new Message
                    {
                        Subject = new Content { Data = "Hi", Charset = "UTF-8" },
                        Body = new Body { Text = new Content { Data = "t" }, Html = new Content { Data = "<b>h</b>" } },
                        Headers = [new MessageHeader { Name = "List-Unsubscribe", Value = "<https://u>" }],
                    },
                },
            },
            Ct);

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""
                {"FromEmailAddress":"a@b.c","Destination":{"ToAddresses":["x@y.z"],"BccAddresses":["audit@b.c"]},"ReplyToAddresses":["r@b.c"],
                 "FeedbackForwardingEmailAddress":"fb@b.c",
                 "Content":{"Simple":{"Subject":{"Data":"Hi","Charset":"UTF-8"},"Body":{"Text":{"Data":"t"},"Html":{"Data":"<b>h</b>"}},
                 "Headers":[{"Name":"List-Unsubscribe","Value":"<https://u>"}]}},"ConfigurationSetName":"cs"}
                """),
            JsonNode.Parse(wire.Single.Body)),
            wire.Single.Body);
    }

    [Fact]
    public async Task Should_escape_label_and_send_no_body_when_getting_identity()
    {
        var wire = StubHttpHandler.Json("""
            {"IdentityType":"EMAIL_ADDRESS","VerifiedForSendingStatus":true,"VerificationStatus":"SUCCESS",
             "DkimAttributes":{"SigningEnabled":true,"Status":"SUCCESS","Tokens":["t1"],"LastKeyGenerationTimestamp":1700000000.5},
             "Policies":{"p":"{}"},"Tags":[{"Key":"k","Value":"v"}],"SomethingNew":{"x":1}}
            """);
        using var ses = new SesV2Client(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var response = await ses.GetEmailIdentityAsync(new GetEmailIdentityRequest { EmailIdentity = "a+b/c@d.e" }, Ct);

        var sent = wire.Single;
        Assert.Equal(HttpMethod.Get, sent.Method);
        Assert.Equal("/v2/email/identities/a%2Bb%2Fc%40d.e", sent.Uri.AbsolutePath);
        Assert.Equal(string.Empty, sent.Body);
        Assert.Equal(("EMAIL_ADDRESS", true, "SUCCESS"), (response.IdentityType, response.VerifiedForSendingStatus, response.VerificationStatus));
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, 500, DateTimeKind.Utc), response.DkimAttributes?.LastKeyGenerationTimestamp);
        Assert.Equal(["t1"], response.DkimAttributes?.Tokens ?? []);
        Assert.Equal("{}", response.Policies?["p"]);
    }

    [Fact]
    public async Task Should_refuse_empty_label_when_identity_is_missing()
    {
        var wire = StubHttpHandler.Json("{}");
        using var ses = new SesV2Client(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        await Assert.ThrowsAsync<ArgumentException>(() => ses.DeleteEmailIdentityAsync(new DeleteEmailIdentityRequest(), Ct));

        Assert.Empty(wire.Requests);
    }

    [Fact]
    public async Task Should_pass_paging_in_query_string_when_listing()
    {
        var wire = StubHttpHandler.Json("""{"EmailIdentities":[{"IdentityName":"a.com","IdentityType":"DOMAIN","SendingEnabled":true}],"NextToken":"n2"}""");
        using var ses = new SesV2Client(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var identities = await ses.ListEmailIdentitiesAsync(new ListEmailIdentitiesRequest { PageSize = 10, NextToken = "a b" }, Ct);
        await ses.ListConfigurationSetsAsync(new ListConfigurationSetsRequest(), Ct);

        Assert.Equal((HttpMethod.Get, "/v2/email/identities?NextToken=a%20b&PageSize=10"), (wire.Requests[0].Method, wire.Requests[0].Uri.PathAndQuery));
        Assert.Equal("/v2/email/configuration-sets", wire.Requests[1].Uri.PathAndQuery);
        Assert.Equal(("a.com", "DOMAIN", "n2"), (identities.EmailIdentities?[0].IdentityName, identities.EmailIdentities?[0].IdentityType, identities.NextToken));
    }

    [Fact]
    public async Task Should_put_set_name_in_path_only_when_creating_event_destination()
    {
        var wire = StubHttpHandler.Json("{}");
        using var ses = new SesV2Client(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        await ses.CreateConfigurationSetEventDestinationAsync(
            new CreateConfigurationSetEventDestinationRequest
            {
                ConfigurationSetName = "c s",
                EventDestinationName = "d",
                EventDestination = new EventDestinationDefinition
                {
                    Enabled = true,
                    MatchingEventTypes = [EventType.BOUNCE, EventType.COMPLAINT],
                    SnsDestination = new SnsDestination { TopicArn = "arn:t" },
                },
            },
            Ct);

        var sent = wire.Single;
        Assert.Equal((HttpMethod.Post, "/v2/email/configuration-sets/c%20s/event-destinations"), (sent.Method, sent.Uri.AbsolutePath));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"EventDestinationName":"d","EventDestination":{"Enabled":true,"MatchingEventTypes":["BOUNCE","COMPLAINT"],"SnsDestination":{"TopicArn":"arn:t"}}}"""),
            JsonNode.Parse(sent.Body)),
            sent.Body);
    }

    [Fact]
    public async Task Should_read_event_destinations_when_listed()
    {
        var wire = StubHttpHandler.Json("""
            {"EventDestinations":[{"Name":"d","Enabled":true,"MatchingEventTypes":["BOUNCE"],"SnsDestination":{"TopicArn":"arn:t"}}]}
            """);
        using var ses = new SesV2Client(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var response = await ses.GetConfigurationSetEventDestinationsAsync(new GetConfigurationSetEventDestinationsRequest { ConfigurationSetName = "cs" }, Ct);

        Assert.Equal((HttpMethod.Get, "/v2/email/configuration-sets/cs/event-destinations"), (wire.Single.Method, wire.Single.Uri.AbsolutePath));
        var destination = Assert.Single(response.EventDestinations ?? []);
        Assert.Equal(("d", true, "arn:t"), (destination.Name, destination.Enabled, destination.SnsDestination?.TopicArn));
        Assert.Equal([EventType.BOUNCE], destination.MatchingEventTypes ?? []);
    }

    [Fact]
    public async Task Should_read_quota_and_status_when_getting_account()
    {
        var wire = StubHttpHandler.Json("""
            {"SendQuota":{"Max24HourSend":50000.0,"MaxSendRate":14.0,"SentLast24Hours":12.0},
             "ProductionAccessEnabled":true,"SendingEnabled":true,"EnforcementStatus":"HEALTHY","DedicatedIpAutoWarmupEnabled":false}
            """);
        using var ses = new SesV2Client(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var account = await ses.GetAccountAsync(new GetAccountRequest(), Ct);

        Assert.Equal((HttpMethod.Get, "/v2/email/account"), (wire.Single.Method, wire.Single.Uri.AbsolutePath));
        Assert.Equal((50000.0, 14.0, 12.0), (account.SendQuota?.Max24HourSend, account.SendQuota?.MaxSendRate, account.SendQuota?.SentLast24Hours));
        Assert.Equal((true, true, "HEALTHY"), (account.ProductionAccessEnabled, account.SendingEnabled, account.EnforcementStatus));
    }

    [Fact]
    public async Task Should_read_sending_enabled_as_unknown_when_emulator_sends_an_object()
    {
        var wire = StubHttpHandler.Json("""{"ConfigurationSetName":"cs","SendingOptions":{"SendingEnabled":{}},"ReputationOptions":{"LastFreshStart":"2024-05-01T10:00:00Z"}}""");
        using var ses = new SesV2Client(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var set = await ses.GetConfigurationSetAsync(new GetConfigurationSetRequest { ConfigurationSetName = "cs" }, Ct);

        Assert.Equal("cs", set.ConfigurationSetName);
        Assert.Null(set.SendingOptions?.SendingEnabled);
        Assert.Equal(new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc), set.ReputationOptions?.LastFreshStart);
    }

    [Fact]
    public async Task Should_throw_typed_error_when_sesv2_answers_json_error()
    {
        var wire = StubHttpHandler.Json("""{"message":"Daily message quota exceeded."}""", HttpStatusCode.BadRequest, errorType: "SendingPausedException");
        using var ses = new SesV2Client(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => ses.GetAccountAsync(new GetAccountRequest(), Ct));

        Assert.Equal(("SendingPausedException", "Daily message quota exceeded."), (e.ErrorCode, e.ErrorMessage));
        Assert.False(SesV2Client.IsUnsupportedOperation(e));
    }

    [Fact]
    public async Task Should_send_query_members_when_routing_notifications()
    {
        var wire = StubHttpHandler.QueryResult(Ns, "SetIdentityNotificationTopic", string.Empty);
        using var ses = new SesClient(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        await ses.SetIdentityNotificationTopicAsync(
            new SetIdentityNotificationTopicRequest { Identity = "a.com", NotificationType = NotificationType.Complaint, SnsTopic = "arn:t" }, Ct);
        await ses.SetIdentityHeadersInNotificationsEnabledAsync(
            new SetIdentityHeadersInNotificationsEnabledRequest { Identity = "a.com", NotificationType = NotificationType.Bounce, Enabled = true }, Ct);
        await ses.GetIdentityNotificationAttributesAsync(new GetIdentityNotificationAttributesRequest { Identities = ["a.com", "b@c.com"] }, Ct);

        Assert.Equal([new("Action", "SetIdentityNotificationTopic"), new("Version", "2010-12-01")], wire.Requests[0].Form.Take(2));
        Assert.Equal(["Identity=a.com", "NotificationType=Complaint", "SnsTopic=arn:t"], wire.Requests[0].Members);
        Assert.Equal(["Identity=a.com", "NotificationType=Bounce", "Enabled=true"], wire.Requests[1].Members);
        Assert.Equal(["Identities.member.1=a.com", "Identities.member.2=b@c.com"], wire.Requests[2].Members);
    }

    [Fact]
    public async Task Should_read_topics_per_identity_when_getting_notification_attributes()
    {
        var wire = StubHttpHandler.QueryResult(
            Ns,
            "GetIdentityNotificationAttributes",
            "<NotificationAttributes><entry><key>a.com</key><value><BounceTopic>arn:b</BounceTopic><ComplaintTopic>arn:c</ComplaintTopic>" +
            "<ForwardingEnabled>false</ForwardingEnabled><HeadersInBounceNotificationsEnabled>true</HeadersInBounceNotificationsEnabled></value></entry>" +
            "</NotificationAttributes>");
        using var ses = new SesClient(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var response = await ses.GetIdentityNotificationAttributesAsync(new GetIdentityNotificationAttributesRequest { Identities = ["a.com"] }, Ct);

        var a = response.NotificationAttributes["a.com"];
        Assert.Equal(("arn:b", "arn:c", null), (a.BounceTopic, a.ComplaintTopic, a.DeliveryTopic));
        Assert.False(a.ForwardingEnabled);
        Assert.True(a.HeadersInBounceNotificationsEnabled);
        Assert.False(a.HeadersInDeliveryNotificationsEnabled);
    }

    [Fact]
    public async Task Should_read_numbers_when_getting_send_quota()
    {
        var wire = StubHttpHandler.QueryResult(Ns, "GetSendQuota", "<Max24HourSend>-1.0</Max24HourSend><MaxSendRate>14.0</MaxSendRate><SentLast24Hours>3.0</SentLast24Hours>");
        using var ses = new SesClient(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var quota = await ses.GetSendQuotaAsync(new GetSendQuotaRequest(), Ct);

        Assert.Equal((-1.0, 14.0, 3.0), (quota.Max24HourSend, quota.MaxSendRate, quota.SentLast24Hours));
        Assert.Equal(["Action=GetSendQuota", "Version=2010-12-01"], wire.Single.Form.Select(p => $"{p.Key}={p.Value}"));
    }
}
