using System.Text.Json.Nodes;
using Notify.Core.Feedback;
using Notify.Worker.Tests.Fixtures;
using static Notify.Core.Tests.Feedback.SesDocumentedSamples;

namespace Notify.Core.Tests.Feedback;

public sealed class SesFeedbackParserTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 9, 30, 15, 123, TimeSpan.Zero);

    public static TheoryData<string> AllSamples => new(
        IdentityBounceWithDsn,
        IdentityBounceWithoutDsn,
        IdentityComplaintWithFeedbackReport,
        IdentityComplaintWithoutFeedbackReport,
        IdentityDelivery,
        EventBounce,
        EventComplaint,
        EventDelivery,
        SesNotifications.Bounce("m-1", "ada@example.com", permanent: true, At),
        SesNotifications.Bounce("m-1", "ada@example.com", permanent: false, At),
        SesNotifications.Complaint("m-1", "ada@example.com", At),
        SesNotifications.Delivery("m-1", "ada@example.com", At));

    [Fact]
    public void Should_report_a_permanent_bounce_when_the_documented_identity_bounce_with_a_dsn_arrives()
    {
        var feedback = Parsed(SnsEnvelope(IdentityBounceWithDsn));

        Assert.Equal(FeedbackKind.PermanentBounce, feedback.Kind);
        Assert.Equal("00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000", feedback.ProviderMessageId);
        Assert.Equal(["jane@example.com"], feedback.Recipients);
        Assert.Equal(DateTimeOffset.Parse("2016-01-27T14:59:38.237Z", null), feedback.OccurredAt);
        Assert.Equal("General: 550 5.1.1 <jane@example.com>... User", feedback.Detail);
        Assert.True(feedback.Suppresses);
    }

    [Fact]
    public void Should_report_every_bounced_recipient_when_the_documented_bounce_without_a_dsn_arrives()
    {
        var feedback = Parsed(SnsEnvelope(IdentityBounceWithoutDsn));

        Assert.Equal(FeedbackKind.PermanentBounce, feedback.Kind);
        Assert.Equal("00000137860315fd-34208509-5b74-41f3-95c5-22c1edc3c924-000000", feedback.ProviderMessageId);
        Assert.Equal(["jane@example.com", "richard@example.com"], feedback.Recipients);
        Assert.Equal("General", feedback.Detail);
    }

    [Fact]
    public void Should_report_a_complaint_with_its_feedback_type_when_the_documented_identity_complaint_arrives()
    {
        var feedback = Parsed(SnsEnvelope(IdentityComplaintWithFeedbackReport));

        Assert.Equal(FeedbackKind.Complaint, feedback.Kind);
        Assert.Equal("000001378603177f-7a5433e7-8edb-42ae-af10-f0181f34d6ee-000000", feedback.ProviderMessageId);
        Assert.Equal(["richard@example.com"], feedback.Recipients);
        Assert.Equal("abuse", feedback.Detail);
        Assert.True(feedback.Suppresses);
    }

    [Fact]
    public void Should_report_a_complaint_without_detail_when_the_isp_sent_no_feedback_report()
    {
        var feedback = Parsed(SnsEnvelope(IdentityComplaintWithoutFeedbackReport));

        Assert.Equal(FeedbackKind.Complaint, feedback.Kind);
        Assert.Equal(["richard@example.com"], feedback.Recipients);
        Assert.Null(feedback.Detail);
    }

    [Fact]
    public void Should_report_a_delivery_when_the_documented_identity_delivery_arrives()
    {
        var feedback = Parsed(SnsEnvelope(IdentityDelivery));

        Assert.Equal(
            new ProviderFeedback(
                FeedbackKind.Delivered,
                "0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000",
                feedback.Recipients,
                DateTimeOffset.Parse("2016-01-27T14:59:38.237Z", null),
                "250 ok:  Message 64111812 accepted"),
            feedback);
        Assert.Equal(["jane@example.com"], feedback.Recipients);
        Assert.False(feedback.Suppresses);
    }

    [Fact]
    public void Should_read_event_publishing_records_when_the_type_is_named_eventType()
    {
        var bounce = Parsed(SnsEnvelope(EventBounce));
        var complaint = Parsed(SnsEnvelope(EventComplaint));
        var delivery = Parsed(SnsEnvelope(EventDelivery));

        Assert.Equal(FeedbackKind.PermanentBounce, bounce.Kind);
        Assert.Equal("EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000", bounce.ProviderMessageId);
        Assert.Equal(["recipient@example.com"], bounce.Recipients);
        Assert.Equal(DateTimeOffset.Parse("2017-08-05T00:41:02.669Z", null), bounce.OccurredAt);
        Assert.Equal("General: 550 5.1.1 user unknown", bounce.Detail);

        Assert.Equal(FeedbackKind.Complaint, complaint.Kind);
        Assert.Equal("EXAMPLEf3f73d99b-c63fb06f-d263-41f8-a0fb-d0dc67d56c07-000000", complaint.ProviderMessageId);
        Assert.Equal("abuse", complaint.Detail);

        Assert.Equal(FeedbackKind.Delivered, delivery.Kind);
        Assert.Equal(DateTimeOffset.Parse("2016-10-19T23:21:04.133Z", null), delivery.OccurredAt);
        Assert.Equal("250 2.6.0 Message received", delivery.Detail);
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void Should_read_the_same_feedback_when_the_body_is_raw_ses_json_or_an_sns_envelope(string ses)
    {
        var raw = Parsed(ses);
        var enveloped = Parsed(SnsEnvelope(ses));

        Assert.Equal(raw.Kind, enveloped.Kind);
        Assert.Equal(raw.ProviderMessageId, enveloped.ProviderMessageId);
        Assert.Equal(raw.Recipients, enveloped.Recipients);
        Assert.Equal(raw.OccurredAt, enveloped.OccurredAt);
        Assert.Equal(raw.Detail, enveloped.Detail);
    }

    [Fact]
    public void Should_read_the_worker_fixtures_when_they_are_published_to_the_feedback_topic()
    {
        var recipient = "o'brien+\"quoted\"@example.com";

        var bounce = Parsed(SnsEnvelope(SesNotifications.Bounce("m-1", recipient, permanent: true, At)));
        var soft = Parsed(SnsEnvelope(SesNotifications.Bounce("m-2", recipient, permanent: false, At)));
        var complaint = Parsed(SnsEnvelope(SesNotifications.Complaint("m-3", recipient, At)));
        var delivery = Parsed(SnsEnvelope(SesNotifications.Delivery("m-4", recipient, At)));

        Assert.Equal(new ProviderFeedback(FeedbackKind.PermanentBounce, "m-1", bounce.Recipients, At, "General: 550 5.1.1 user unknown"), bounce);
        Assert.Equal(new ProviderFeedback(FeedbackKind.TransientBounce, "m-2", soft.Recipients, At, "MailboxFull: 452 4.2.2 mailbox full"), soft);
        Assert.Equal(new ProviderFeedback(FeedbackKind.Complaint, "m-3", complaint.Recipients, At, "abuse"), complaint);
        Assert.Equal(new ProviderFeedback(FeedbackKind.Delivered, "m-4", delivery.Recipients, At, "250 2.0.0 OK"), delivery);
        Assert.All([bounce, soft, complaint, delivery], f => Assert.Equal([recipient], f.Recipients));
    }

    [Fact]
    public void Should_stamp_the_fixtures_with_the_current_time_when_no_time_is_given()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var feedback = Parsed(SnsEnvelope(SesNotifications.Delivery("m-1", "ada@example.com")));

        Assert.InRange(feedback.OccurredAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Theory]
    [InlineData("Transient", "MailboxFull", FeedbackKind.TransientBounce)]
    [InlineData("Transient", "General", FeedbackKind.TransientBounce)]
    [InlineData("Undetermined", "Undetermined", FeedbackKind.TransientBounce)]
    [InlineData("SomethingNew", "General", FeedbackKind.TransientBounce)]
    [InlineData("Permanent", "NoEmail", FeedbackKind.PermanentBounce)]
    [InlineData("Permanent", "Suppressed", FeedbackKind.PermanentBounce)]
    [InlineData("Permanent", "OnAccountSuppressionList", FeedbackKind.PermanentBounce)]
    public void Should_suppress_only_permanent_bounces_when_classifying_the_bounce_type(string bounceType, string subType, FeedbackKind expected)
    {
        var ses = Node(EventBounce).With("bounce.bounceType", bounceType).With("bounce.bounceSubType", subType);

        var feedback = Parsed(SnsEnvelope(ses.ToJsonString()));

        Assert.Equal(expected, feedback.Kind);
        Assert.Equal(expected == FeedbackKind.PermanentBounce, feedback.Suppresses);
        Assert.Equal($"{subType}: 550 5.1.1 user unknown", feedback.Detail);
    }

    [Fact]
    public void Should_name_the_bounce_type_when_the_bounce_has_no_subtype_and_no_diagnostic_code()
    {
        var ses = Set(Node(EventBounce), "bounce.bounceSubType", null);
        ses["bounce"]!["bouncedRecipients"] = new JsonArray(new JsonObject { ["emailAddress"] = "recipient@example.com" });

        Assert.Equal("Permanent", Parsed(ses.ToJsonString()).Detail);
    }

    [Fact]
    public void Should_keep_a_diagnostic_code_as_it_is_when_it_has_no_smtp_type()
    {
        var ses = Node(EventBounce);
        ses["bounce"]!["bouncedRecipients"]![0]!["diagnosticCode"] = "Amazon SES has suppressed sending to this address";

        Assert.Equal("General: Amazon SES has suppressed sending to this address", Parsed(ses.ToJsonString()).Detail);
    }

    [Fact]
    public void Should_clip_the_detail_when_the_remote_server_says_too_much()
    {
        var ses = Node(EventBounce);
        ses["bounce"]!["bouncedRecipients"]![0]!["diagnosticCode"] = "smtp; 550 " + new string('x', 5000);

        var detail = Parsed(ses.ToJsonString()).Detail!;

        Assert.Equal(SesFeedbackParser.MaxDetailLength, detail.Length);
        Assert.StartsWith("General: 550 xxx", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_list_each_recipient_once_when_a_bounce_names_one_twice()
    {
        var ses = Node(IdentityBounceWithoutDsn);
        ses["bounce"]!["bouncedRecipients"] = new JsonArray(
            new JsonObject { ["emailAddress"] = "jane@example.com" },
            new JsonObject { ["emailAddress"] = "richard@example.com" },
            new JsonObject { ["emailAddress"] = "Jane@Example.com" });

        Assert.Equal(["jane@example.com", "richard@example.com"], Parsed(ses.ToJsonString()).Recipients);
    }

    [Fact]
    public void Should_fall_back_to_the_send_time_when_the_event_has_no_timestamp()
    {
        var ses = Node(EventBounce).With("bounce.timestamp", null);

        Assert.Equal(DateTimeOffset.Parse("2017-08-05T00:40:02.012Z", null), Parsed(ses.ToJsonString()).OccurredAt);
    }

    [Fact]
    public void Should_report_a_complaint_when_ses_refused_the_send_because_of_an_earlier_complaint()
    {
        var ses = Node(EventComplaint).With("complaint.complaintFeedbackType", null).With("complaint.complaintSubType", "OnAccountSuppressionList");

        var feedback = Parsed(ses.ToJsonString());

        Assert.Equal(FeedbackKind.Complaint, feedback.Kind);
        Assert.Equal("OnAccountSuppressionList", feedback.Detail);
    }

    [Fact]
    public void Should_ignore_the_message_when_sns_asks_to_confirm_the_subscription()
    {
        var result = SesFeedbackParser.Parse(SubscriptionConfirmation);

        var ignored = Assert.IsType<FeedbackParseResult.Ignored>(result);
        Assert.Contains("SubscriptionConfirmation", ignored.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_ignore_the_message_when_sns_confirms_an_unsubscription()
    {
        var body = Node(SubscriptionConfirmation).With("Type", "UnsubscribeConfirmation").ToJsonString();

        Assert.IsType<FeedbackParseResult.Ignored>(SesFeedbackParser.Parse(body));
    }

    [Theory]
    [InlineData("Send", "send", """{}""")]
    [InlineData("Reject", "reject", """{"reason":"Bad content"}""")]
    [InlineData("Open", "open", """{"ipAddress":"192.0.2.1","timestamp":"2017-08-09T22:00:19.652Z","userAgent":"Mozilla/5.0"}""")]
    [InlineData("Click", "click", """{"ipAddress":"192.0.2.1","link":"https://docs.aws.amazon.com/ses/","linkTags":{},"timestamp":"2017-08-09T23:51:25.570Z","userAgent":"Mozilla/5.0"}""")]
    [InlineData("Rendering Failure", "failure", """{"errorMessage":"Attribute 'attributeName' is not present in the rendering data.","templateName":"MyTemplate"}""")]
    [InlineData("DeliveryDelay", "deliveryDelay", """{"timestamp":"2020-06-16T00:15:40.641Z","delayType":"TransientCommunicationFailure","expirationTime":"2020-06-16T00:25:40.914Z","delayedRecipients":[{"emailAddress":"recipient@example.com","status":"4.4.1","diagnosticCode":"smtp; 421 4.4.1 Unable to connect to remote host"}]}""")]
    [InlineData("Subscription", "subscription", """{"contactList":"ContactListName","timestamp":"2022-01-12T01:00:17.910Z","source":"UnsubscribeHeader","newTopicPreferences":{"unsubscribeAll":true}}""")]
    public void Should_ignore_the_event_when_it_carries_no_delivery_outcome(string eventType, string member, string content)
    {
        var result = SesFeedbackParser.Parse(SnsEnvelope(Event(eventType, member, content)));

        var ignored = Assert.IsType<FeedbackParseResult.Ignored>(result);
        Assert.Contains(eventType, ignored.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_ignore_the_event_when_ses_sends_a_type_it_did_not_have_before()
    {
        var ses = Node(EventDelivery).With("eventType", "Teleported");

        Assert.IsType<FeedbackParseResult.Ignored>(SesFeedbackParser.Parse(ses.ToJsonString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not json")]
    [InlineData("{\"notificationType\":\"Bounce\",")]
    [InlineData("[]")]
    [InlineData("\"Bounce\"")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("""{"Type":"Notification","Message":"not json"}""")]
    [InlineData("""{"Type":"Notification","Message":"[1,2]"}""")]
    [InlineData("""{"Type":"Notification"}""")]
    [InlineData("""{"Type":"Notification","Message":{"notificationType":"Bounce"}}""")]
    [InlineData("""{"Type":"Notification","Message":"{}"}""")]
    [InlineData("""{"Type":"Telegram","Message":"{}"}""")]
    [InlineData("""{"Type":42,"Message":"{}"}""")]
    [InlineData("""{"notificationType":"Bounce","notificationType":"Delivery"}""")]
    public void Should_report_malformed_when_the_body_is_not_a_feedback_notification(string body)
    {
        Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(body));
    }

    [Fact]
    public void Should_report_malformed_when_the_body_is_null()
    {
        Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(null!));
    }

    [Theory]
    [InlineData("notificationType", "42", "notificationType")]
    [InlineData("mail", "null", "mail")]
    [InlineData("mail", "\"mail\"", "mail")]
    [InlineData("mail.messageId", null, "mail.messageId")]
    [InlineData("mail.messageId", "\"\"", "mail.messageId")]
    [InlineData("mail.messageId", "12345", "mail.messageId")]
    [InlineData("mail.messageId", "[\"a\"]", "mail.messageId")]
    [InlineData("bounce", null, "bounce")]
    [InlineData("bounce", "[]", "bounce")]
    [InlineData("bounce.bounceType", null, "bounce.bounceType")]
    [InlineData("bounce.bounceType", "1", "bounce.bounceType")]
    [InlineData("bounce.bounceSubType", "false", "bounce.bounceSubType")]
    [InlineData("bounce.bouncedRecipients", null, "bounce.bouncedRecipients")]
    [InlineData("bounce.bouncedRecipients", "[]", "bounce.bouncedRecipients")]
    [InlineData("bounce.bouncedRecipients", "{\"emailAddress\":\"jane@example.com\"}", "bounce.bouncedRecipients")]
    [InlineData("bounce.bouncedRecipients", "[\"jane@example.com\"]", "bounce.bouncedRecipients[0]")]
    [InlineData("bounce.bouncedRecipients", "[{\"emailAddress\":42}]", "bounce.bouncedRecipients[0].emailAddress")]
    [InlineData("bounce.bouncedRecipients", "[{\"status\":\"5.1.1\"}]", "bounce.bouncedRecipients[0].emailAddress")]
    [InlineData("bounce.bouncedRecipients", "[{\"emailAddress\":\"a@example.com\",\"diagnosticCode\":550}]", "bounce.bouncedRecipients[0].diagnosticCode")]
    [InlineData("bounce.timestamp", "\"yesterday\"", "bounce.timestamp")]
    [InlineData("bounce.timestamp", "1470357662", "bounce.timestamp")]
    public void Should_report_malformed_with_the_path_when_a_bounce_member_is_missing_or_of_the_wrong_type(string path, string? json, string expectedPath)
    {
        var ses = Set(Set(Set(Node(EventBounce), "eventType", null), "notificationType", "\"Bounce\""), path, json);

        var result = SesFeedbackParser.Parse(SnsEnvelope(ses.ToJsonString()));

        var malformed = Assert.IsType<FeedbackParseResult.Malformed>(result);
        Assert.StartsWith($"Message.{expectedPath} ", malformed.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("complaint", null, "complaint")]
    [InlineData("complaint.complainedRecipients", null, "complaint.complainedRecipients")]
    [InlineData("complaint.complainedRecipients", "[{\"emailAddress\":\"  \"}]", "complaint.complainedRecipients[0].emailAddress")]
    [InlineData("complaint.complaintFeedbackType", "{}", "complaint.complaintFeedbackType")]
    public void Should_report_malformed_with_the_path_when_a_complaint_member_is_wrong(string path, string? json, string expectedPath)
    {
        var ses = Set(Node(EventComplaint), path, json);

        var malformed = Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(ses.ToJsonString()));

        Assert.StartsWith($"{expectedPath} ", malformed.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("delivery", null, "delivery")]
    [InlineData("delivery.recipients", null, "delivery.recipients")]
    [InlineData("delivery.recipients", "[]", "delivery.recipients")]
    [InlineData("delivery.recipients", "[\"a@example.com\",7]", "delivery.recipients[1]")]
    [InlineData("delivery.recipients", "\"a@example.com\"", "delivery.recipients")]
    [InlineData("delivery.smtpResponse", "250", "delivery.smtpResponse")]
    public void Should_report_malformed_with_the_path_when_a_delivery_member_is_wrong(string path, string? json, string expectedPath)
    {
        var ses = Set(Node(EventDelivery), path, json);

        var malformed = Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(ses.ToJsonString()));

        Assert.StartsWith($"{expectedPath} ", malformed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_report_malformed_when_neither_the_event_nor_the_mail_has_a_timestamp()
    {
        var ses = Node(EventBounce).With("bounce.timestamp", null).With("mail.timestamp", null);

        var malformed = Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(ses.ToJsonString()));

        Assert.StartsWith("bounce.timestamp ", malformed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_accept_the_body_when_it_is_exactly_the_size_limit()
    {
        var ses = SesNotifications.Delivery("m-1", "ada@example.com", At);
        var body = ses + new string(' ', SesFeedbackParser.MaxBodyBytes - ses.Length);

        Assert.IsType<FeedbackParseResult.Parsed>(SesFeedbackParser.Parse(body));
    }

    [Fact]
    public void Should_report_malformed_when_the_body_is_one_byte_over_the_size_limit()
    {
        var ses = SesNotifications.Delivery("m-1", "ada@example.com", At);
        var body = ses + new string(' ', SesFeedbackParser.MaxBodyBytes - ses.Length + 1);

        var malformed = Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(body));
        Assert.Contains("larger than", malformed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_report_malformed_when_the_body_is_under_the_limit_in_characters_but_over_it_in_utf8_bytes()
    {
        var body = EventBounce.Replace("user unknown", new string('é', 200 * 1024), StringComparison.Ordinal);

        Assert.True(body.Length < SesFeedbackParser.MaxBodyBytes);
        Assert.IsType<FeedbackParseResult.Parsed>(SesFeedbackParser.Parse(body.Replace('é', 'e')));
        Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(body));
    }

    [Fact]
    public void Should_report_malformed_when_the_body_is_huge()
    {
        var body = SnsEnvelope(SesNotifications.Delivery("m-1", "ada@example.com", At) + new string(' ', 4 * 1024 * 1024));

        Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(body));
    }

    [Fact]
    public void Should_report_malformed_when_the_json_nests_deeper_than_any_notification()
    {
        var body = new string('[', 1000) + new string(']', 1000);

        Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(body));
    }

    [Fact]
    public void Should_report_malformed_when_the_body_holds_a_lone_surrogate()
    {
        var body = SesNotifications.Delivery("m-1", "ada@example.com", At).Replace("m-1", "m-\ud800", StringComparison.Ordinal);

        Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(body));
    }

    [Fact]
    public void Should_report_malformed_when_a_string_escapes_a_lone_surrogate()
    {
        var body = SesNotifications.Delivery("m-1", "ada@example.com", At).Replace("\"m-1\"", "\"m-\\ud800\"", StringComparison.Ordinal);

        Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(body));
    }

    [Fact]
    public void Should_not_quote_the_body_when_the_json_is_broken()
    {
        var malformed = Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse("{\"mail\": secret-address@example.com}"));

        Assert.DoesNotContain("secret", malformed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_report_malformed_when_a_member_appears_twice()
    {
        var body = $$"""{"Type":"Notification","Message":{{Json(EventDelivery)}},"Message":{{Json(EventBounce)}}}""";

        var malformed = Assert.IsType<FeedbackParseResult.Malformed>(SesFeedbackParser.Parse(body));

        Assert.Equal("the body is not valid JSON", malformed.Reason);
    }

    private static ProviderFeedback Parsed(string body) =>
        Assert.IsType<FeedbackParseResult.Parsed>(SesFeedbackParser.Parse(body)).Feedback;

    private static string Json(string text) => JsonValue.Create(text).ToJsonString();

    private static JsonObject Node(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>Sets the member at a dotted path to <paramref name="json"/> (<c>"null"</c> is JSON null); a null <paramref name="json"/> removes it.</summary>
    private static JsonObject Set(JsonObject root, string path, string? json)
    {
        var names = path.Split('.');
        var parent = root;
        foreach (var name in names[..^1])
        {
            parent = parent[name]!.AsObject();
        }

        if (json is null)
        {
            parent.Remove(names[^1]);
        }
        else
        {
            parent[names[^1]] = JsonNode.Parse(json);
        }

        return root;
    }
}
