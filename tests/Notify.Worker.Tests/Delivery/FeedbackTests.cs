using System.Net.Http.Json;
using System.Text.Json;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Resources;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Worker.Tests.Delivery;

/// <summary>
/// What providers report after the send, end to end: SES notifications published to the feedback topic as SES does (SNS →
/// SQS feedback queue → worker), a push endpoint SNS disabled, and a phone number that opted out of SMS. Each turns into the
/// row's status and, where the address is dead, into suppression that keeps the next notification from the provider.
/// </summary>
public sealed class FeedbackTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("bounced")]
    [InlineData("complained")]
    public async Task Should_mark_the_email_and_suppress_the_address_for_the_next_event_when_ses_reports_a_hard_bounce_or_complaint(string outcome)
    {
        var (user, eventType, address) = await EmailUserAsync();
        var first = await SendEmailAsync(user, eventType);
        var messageId = await SesMessageIdAsync(first.Subject);

        await PublishFeedbackAsync(outcome == "bounced" ? SesNotifications.Bounce(messageId, address) : SesNotifications.Complaint(messageId, address));

        var marked = await WaitForEmailAsync(first.EventId, outcome);
        Assert.Equal(outcome, DeliveryFixture.Channel(marked, "email").GetProperty("reason").GetString());

        var next = await PostEmailEventAsync(user, eventType);
        var suppressed = await WaitForEventAsync(next.EventId);
        var row = DeliveryFixture.Channel(suppressed, "email");
        Assert.Equal("suppressed", row.GetProperty("status").GetString());
        Assert.Equal("suppressed", row.GetProperty("reason").GetString());
        Assert.DoesNotContain(await fixture.SentEmailsAsync(), m => (string?)m["subject"] == next.Subject);
    }

    [Fact]
    public async Task Should_mark_delivered_then_complained_and_never_move_back_when_a_delivery_receipt_repeats_or_comes_late()
    {
        var (user, eventType, address) = await EmailUserAsync();
        var delivered = await SendEmailAsync(user, eventType);
        var deliveredId = await SesMessageIdAsync(delivered.Subject);

        await PublishFeedbackAsync(SesNotifications.Delivery(deliveredId, address));
        await WaitForEmailAsync(delivered.EventId, "delivered");

        // A complaint comes after the receipt on its own schedule and must still land.
        await PublishFeedbackAsync(SesNotifications.Complaint(deliveredId, address));
        await WaitForEmailAsync(delivered.EventId, "complained");

        var (otherUser, _, otherAddress) = await EmailUserAsync(eventType);
        var bounced = await SendEmailAsync(otherUser, eventType);
        var bouncedId = await SesMessageIdAsync(bounced.Subject);
        await PublishFeedbackAsync(SesNotifications.Bounce(bouncedId, otherAddress));
        await WaitForEmailAsync(bounced.EventId, "bounced");

        // A repeated receipt and a late one (SNS delivers at least once, in no order).
        await PublishFeedbackAsync(SesNotifications.Delivery(deliveredId, address));
        await PublishFeedbackAsync(SesNotifications.Delivery(bouncedId, otherAddress, DateTimeOffset.UtcNow.AddMinutes(-5)));
        await WaitForFeedbackQueueDrainedAsync();

        Assert.Equal("complained", DeliveryFixture.ChannelStatus(await fixture.GetEventAsync(delivered.EventId), "email"));
        Assert.Equal("bounced", DeliveryFixture.ChannelStatus(await fixture.GetEventAsync(bounced.EventId), "email"));
    }

    [Fact]
    public async Task Should_fail_the_push_and_deactivate_the_device_when_sns_has_disabled_its_endpoint()
    {
        var user = DeliveryFixture.NewId("u");
        var eventType = DeliveryFixture.NewId("push");
        await fixture.PutTemplateAsync(eventType, "push", "en", new { title = "Hello", body = "Push {{n}}" });
        var endpointArn = await fixture.RegisterDeviceAsync(user, "fcm", "fcm-token-" + Guid.NewGuid().ToString("N"));
        using (var sns = new SnsClient(fixture.Aws.Connection))
        {
            // What SNS does when FCM reports the token unregistered.
            await sns.SetEndpointAttributesAsync(
                new SetEndpointAttributesRequest { EndpointArn = endpointArn, Attributes = new() { ["Enabled"] = "false" } }, Ct);
        }

        var first = await PostEventAsync(user, eventType, "push", new { n = 1 });
        var failed = DeliveryFixture.Channel(await WaitForEventAsync(first), "push");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("endpoint_disabled", failed.GetProperty("reason").GetString());

        var device = Assert.Single((await GetDevicesAsync(user)).EnumerateArray());
        Assert.Equal(endpointArn, device.GetProperty("endpointArn").GetString());
        Assert.False(device.GetProperty("enabled").GetBoolean());

        var second = await PostEventAsync(user, eventType, "push", new { n = 2 });
        var skipped = DeliveryFixture.Channel(await WaitForEventAsync(second), "push");
        Assert.Equal("skipped", skipped.GetProperty("status").GetString());
        Assert.Equal("no_device", skipped.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Should_suppress_an_opted_out_number_and_skip_the_provider_for_the_next_sms_when_sns_reports_the_opt_out()
    {
        var user = DeliveryFixture.NewId("u");
        var eventType = DeliveryFixture.NewId("sms");
        // moto reports every number ending in 99 as opted out.
        var phone = "+1555" + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture) + "99";
        await fixture.PutTemplateAsync(eventType, "sms", "en", new { body = "Code {{n}}" });
        await fixture.PutContactAsync(user, new { phone });
        var checks = fixture.Proxy.Add(FaultRule.Always(new Fault.Latency(TimeSpan.Zero), FaultRule.Action("CheckIfPhoneNumberIsOptedOut")));
        var publishes = fixture.Proxy.Add(FaultRule.Always(new Fault.Latency(TimeSpan.Zero), FaultRule.Action("Publish")));
        try
        {
            var first = await PostEventAsync(user, eventType, "sms", new { n = 1 });
            var optedOut = DeliveryFixture.Channel(await WaitForEventAsync(first), "sms");
            Assert.Equal("suppressed", optedOut.GetProperty("status").GetString());
            Assert.Equal("phone_opted_out", optedOut.GetProperty("reason").GetString());
            Assert.Equal(1, checks.Injected);

            var second = await PostEventAsync(user, eventType, "sms", new { n = 2 });
            var suppressed = DeliveryFixture.Channel(await WaitForEventAsync(second), "sms");
            Assert.Equal("suppressed", suppressed.GetProperty("status").GetString());
            Assert.Equal("suppressed", suppressed.GetProperty("reason").GetString());

            // Decided from the suppression list: neither the opt-out check nor a Publish went to SNS.
            Assert.Equal(1, checks.Injected);
            Assert.Equal(0, publishes.Injected);
            Assert.DoesNotContain(await fixture.SentSmsAsync(), m => (string?)m["phone_number"] == phone);
        }
        finally
        {
            fixture.Proxy.Reset();
        }
    }

    private async Task<(string User, string EventType, string Address)> EmailUserAsync(string? eventType = null)
    {
        var user = DeliveryFixture.NewId("u");
        if (eventType is null)
        {
            eventType = DeliveryFixture.NewId("mail");
            await fixture.PutTemplateAsync(eventType, "email", "en", new { subject = "{{subject}}", text = "About {{subject}}" });
        }

        var address = $"{user}@example.com";
        await fixture.PutContactAsync(user, new { email = address });
        return (user, eventType, address);
    }

    /// <summary>Sends an email event with a unique subject and waits until SES took it.</summary>
    private async Task<(string EventId, string Subject)> SendEmailAsync(string user, string eventType)
    {
        var sent = await PostEmailEventAsync(user, eventType);
        await WaitForEmailAsync(sent.EventId, "sent");
        return sent;
    }

    private async Task<(string EventId, string Subject)> PostEmailEventAsync(string user, string eventType)
    {
        var subject = "Subject " + Guid.NewGuid().ToString("N");
        return (await PostEventAsync(user, eventType, "email", new { subject }), subject);
    }

    private async Task<string> PostEventAsync(string user, string eventType, string channel, object payload)
    {
        var eventId = DeliveryFixture.NewId("evt");
        await fixture.PostEventAsync(new { eventId, eventType, userId = user, payload, channels = new[] { channel } });
        return eventId;
    }

    private Task<JsonElement> WaitForEmailAsync(string eventId, string status) =>
        WaitForEventAsync(eventId, e => DeliveryFixture.ChannelStatus(e, "email") == status);

    /// <summary>Polls the event until <paramref name="done"/> holds (default: a final overall status).</summary>
    /// <remarks>
    /// moto applies an UpdateItem to a stored item attribute by attribute, so a read racing the worker's first write of a row
    /// can see the row with its keys only, which the API answers with 500; DynamoDB itself never shows a half-written item.
    /// Such an answer counts as "not yet".
    /// </remarks>
    private async Task<JsonElement> WaitForEventAsync(string eventId, Func<JsonElement, bool>? done = null) =>
        (await Deadline.PollAsync(
            async () =>
            {
                try
                {
                    return (JsonElement?)await fixture.GetEventAsync(eventId);
                }
                catch (HttpRequestException e) when (e.Message.StartsWith("500 ", StringComparison.Ordinal))
                {
                    return null;
                }
            },
            e => e is { } @event && (done ?? IsFinal)(@event),
            Patience,
            $"event {eventId} to reach the expected state"))!.Value;

    private static bool IsFinal(JsonElement @event) => @event.GetProperty("status").GetString() is "completed" or "partially_failed" or "failed";

    /// <summary>The SES message id is what SendEmail answered; moto records the message under it.</summary>
    private async Task<string> SesMessageIdAsync(string subject)
    {
        var sent = await Deadline.PollAsync(
            fixture.SentEmailsAsync, m => m.Any(e => (string?)e["subject"] == subject), Patience, $"moto to hold the email '{subject}'");
        return (string)Assert.Single(sent, e => (string?)e["subject"] == subject)["id"]!;
    }

    /// <summary>Publishes to the SES feedback topic the way SES does: the notification JSON is the SNS Message.</summary>
    private async Task PublishFeedbackAsync(string notification)
    {
        using var sns = new SnsClient(fixture.Aws.Connection);
        // CreateTopic answers the existing topic's ARN.
        var topic = await sns.CreateTopicAsync(new CreateTopicRequest { Name = fixture.Naming.Topic(NotifyResources.SesFeedbackTopic) }, Ct);
        await sns.PublishAsync(new PublishRequest { TopicArn = topic.TopicArn, Message = notification }, Ct);
    }

    /// <summary>Every feedback message handled and deleted: a repeated receipt that changed nothing has been applied.</summary>
    private async Task WaitForFeedbackQueueDrainedAsync()
    {
        using var sqs = new SqsClient(fixture.Aws.Connection);
        var url = (await sqs.GetQueueUrlAsync(fixture.Naming.Queue(NotifyResources.Feedback), Ct)).QueueUrl!;
        await Deadline.PollAsync(
            async () =>
            {
                var attributes = await sqs.GetQueueAttributesAsync(
                    new GetQueueAttributesRequest
                    {
                        QueueUrl = url,
                        AttributeNames = [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible],
                    },
                    Ct);
                return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
            },
            n => n == 0,
            Patience,
            "the feedback queue to be drained");
    }

    private async Task<JsonElement> GetDevicesAsync(string user)
    {
        using var client = fixture.CreateClient();
        var list = await client.GetFromJsonAsync<JsonElement>($"/api/users/{user}/devices", Ct);
        return list.GetProperty("items");
    }
}
