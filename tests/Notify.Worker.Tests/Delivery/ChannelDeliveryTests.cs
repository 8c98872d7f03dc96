using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notify.Aws.Tests.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Worker.Tests.Delivery;

/// <summary>
/// What each channel delivers, end to end: events go in through the API, the worker in process renders and sends them,
/// and moto shows what SES and SNS received. Every test has its own users, event types and payload values, so what it
/// finds in moto's shared state is its own.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ChannelDeliveryTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    [Fact]
    public async Task Should_send_every_channel_its_rendered_content_when_an_event_names_all_four()
    {
        var user = DeliveryFixture.NewId("user");
        var type = DeliveryFixture.NewId("order");
        var email = $"{user}@example.com";
        var phone = NewPhone();
        var order = NewToken();
        await fixture.PutContactAsync(user, new { email, phone, locale = "en" });
        var endpoint = await fixture.RegisterDeviceAsync(user, "fcm", "fcm-token-" + Guid.NewGuid().ToString("N"));
        await fixture.PutTemplateAsync(type, "email", "en", new
        {
            subject = "Order {{orderId}} shipped",
            text = "Hi {{name}}, order {{orderId}} ships with {{carrier}}.",
            html = "<p>Hi {{name}}, order <b>{{orderId}}</b> ships with {{carrier}}.</p>",
        });
        await fixture.PutTemplateAsync(type, "sms", "en", new { body = "Order {{orderId}} is on its way with {{carrier}}" });
        await fixture.PutTemplateAsync(type, "push", "en", new { title = "Order {{orderId}}", body = "Shipped with {{carrier}}" });
        await fixture.PutTemplateAsync(type, "in_app", "en", new { title = "Order {{orderId}} shipped", body = "Track it with {{carrier}}" });
        var eventId = DeliveryFixture.NewId("evt");

        await fixture.PostEventAsync(Event(eventId, type, user, new { name = "Ada", orderId = order, carrier = "DHL" }, ["email", "sms", "push", "in_app"]));

        var done = await fixture.WaitForEventAsync(eventId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.All(new[] { "email", "sms", "push", "in_app" }, c => Assert.Equal("sent", DeliveryFixture.ChannelStatus(done, c)));

        var sent = Assert.Single(await fixture.SentEmailsAsync(), m => (string?)m["subject"] == $"Order {order} shipped");
        Assert.Equal($"<p>Hi Ada, order <b>{order}</b> ships with DHL.</p>", (string?)sent["body"]);
        Assert.Equal(email, (string?)Assert.Single(sent["destinations"]!["ToAddresses"]!.AsArray()));

        var sms = Assert.Single(await fixture.SentSmsAsync(), m => (string?)m["phone_number"] == phone);
        Assert.Equal($"Order {order} is on its way with DHL", (string?)sms["message"]);

        var device = Assert.Single(await MotoState.ModelsAsync(fixture.Aws.Endpoint, "sns", "PlatformEndpoint", Ct), e => (string?)e["arn"] == endpoint);
        using var push = JsonDocument.Parse((string)Assert.Single(device["messages"]!.AsObject()).Value!);
        Assert.Equal("Shipped with DHL", push.RootElement.GetProperty("default").GetString());
        using var gcm = JsonDocument.Parse(push.RootElement.GetProperty("GCM").GetString()!);
        var notification = gcm.RootElement.GetProperty("fcmV1Message").GetProperty("message").GetProperty("notification");
        Assert.Equal($"Order {order}", notification.GetProperty("title").GetString());
        Assert.Equal("Shipped with DHL", notification.GetProperty("body").GetString());

        var inbox = await InboxAsync(user);
        Assert.Equal(1, inbox.GetProperty("unreadCount").GetInt32());
        var item = Assert.Single(inbox.GetProperty("items").EnumerateArray());
        Assert.Equal(eventId, item.GetProperty("eventId").GetString());
        Assert.False(item.GetProperty("read").GetBoolean());
        Assert.Equal($"Order {order} shipped", item.GetProperty("content").GetProperty("title").GetString());
        Assert.Equal("Track it with DHL", item.GetProperty("content").GetProperty("body").GetString());
    }

    [Fact]
    public async Task Should_send_the_language_template_when_the_users_regional_locale_has_none_of_its_own()
    {
        var user = DeliveryFixture.NewId("user");
        var type = DeliveryFixture.NewId("welcome");
        var token = NewToken();
        await fixture.PutContactAsync(user, new { email = $"{user}@example.com", locale = "fr-CA" });
        await fixture.PutTemplateAsync(type, "email", "fr", new { subject = "Bienvenue {{token}}", text = "Bonjour {{name}}" });
        await fixture.PutTemplateAsync(type, "email", "en", new { subject = "Welcome {{token}}", text = "Hello {{name}}" });
        var eventId = DeliveryFixture.NewId("evt");

        await fixture.PostEventAsync(Event(eventId, type, user, new { name = "Ada", token }, ["email"]));

        Assert.Equal("sent", DeliveryFixture.ChannelStatus(await fixture.WaitForEventAsync(eventId), "email"));
        var emails = await fixture.SentEmailsAsync();
        var sent = Assert.Single(emails, m => ((string?)m["subject"])?.EndsWith(token, StringComparison.Ordinal) == true);
        Assert.Equal($"Bienvenue {token}", (string?)sent["subject"]);
        Assert.Equal("Bonjour Ada", (string?)sent["body"]);
    }

    [Fact]
    public async Task Should_send_the_default_locale_template_when_the_users_language_has_none()
    {
        var user = DeliveryFixture.NewId("user");
        var type = DeliveryFixture.NewId("welcome");
        var token = NewToken();
        await fixture.PutContactAsync(user, new { email = $"{user}@example.com", locale = "de" });
        await fixture.PutTemplateAsync(type, "email", "en", new { subject = "Welcome {{token}}", text = "Hello {{name}}" });
        var eventId = DeliveryFixture.NewId("evt");

        await fixture.PostEventAsync(Event(eventId, type, user, new { name = "Ada", token }, ["email"]));

        Assert.Equal("sent", DeliveryFixture.ChannelStatus(await fixture.WaitForEventAsync(eventId), "email"));
        var sent = Assert.Single(await fixture.SentEmailsAsync(), m => ((string?)m["subject"])?.EndsWith(token, StringComparison.Ordinal) == true);
        Assert.Equal($"Welcome {token}", (string?)sent["subject"]);
        Assert.Equal("Hello Ada", (string?)sent["body"]);
    }

    [Fact]
    public async Task Should_send_one_email_when_the_same_event_is_posted_again_before_and_after_it_completed()
    {
        var user = DeliveryFixture.NewId("user");
        var type = DeliveryFixture.NewId("receipt");
        var token = NewToken();
        await fixture.PutContactAsync(user, new { email = $"{user}@example.com" });
        await fixture.PutTemplateAsync(type, "email", "en", new { subject = "Receipt {{token}}", text = "Thanks" });
        await fixture.PutTemplateAsync(type, "in_app", "en", new { body = "Marker" });
        var eventId = DeliveryFixture.NewId("evt");
        var body = Event(eventId, type, user, new { token }, ["email"]);

        var first = await fixture.PostEventAsync(body);
        var again = await fixture.PostEventAsync(body);
        Assert.Equal("completed", (await fixture.WaitForEventAsync(eventId)).GetProperty("status").GetString());
        var late = await fixture.PostEventAsync(body);

        Assert.False(first.TryGetProperty("duplicate", out _));
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.True(late.GetProperty("duplicate").GetBoolean());

        // The user's FIFO group is worked in order: once a later event of the same user on the same lane is done, anything
        // the duplicates might have queued ahead of it has been handled too.
        var marker = DeliveryFixture.NewId("evt");
        await fixture.PostEventAsync(Event(marker, type, user, new { token = "marker" }, ["in_app"]));
        await fixture.WaitForEventAsync(marker);
        Assert.Single(await fixture.SentEmailsAsync(), m => (string?)m["subject"] == $"Receipt {token}");
    }

    [Fact]
    public async Task Should_skip_email_as_opted_out_and_send_nothing_when_the_user_turned_email_off()
    {
        var user = DeliveryFixture.NewId("user");
        var type = DeliveryFixture.NewId("promo");
        var token = NewToken();
        await fixture.PutContactAsync(user, new { email = $"{user}@example.com" });
        await fixture.PutPreferencesAsync(user, new { channels = new { email = false } });
        await TemplatesAsync(type);
        var eventId = DeliveryFixture.NewId("evt");

        await fixture.PostEventAsync(Event(eventId, type, user, new { token }, ["email", "in_app"]));

        var done = await fixture.WaitForEventAsync(eventId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        AssertChannel(done, "email", "skipped", "opted_out");
        Assert.Equal("sent", DeliveryFixture.ChannelStatus(done, "in_app"));
        Assert.DoesNotContain(await fixture.SentEmailsAsync(), m => (string?)m["subject"] == $"Promo {token}");
    }

    [Fact]
    public async Task Should_skip_email_as_opted_out_for_that_event_type_only_when_an_event_type_override_turns_it_off()
    {
        var user = DeliveryFixture.NewId("user");
        var muted = DeliveryFixture.NewId("promo");
        var other = DeliveryFixture.NewId("promo");
        var token = NewToken();
        await fixture.PutContactAsync(user, new { email = $"{user}@example.com" });
        await fixture.PutPreferencesAsync(user, new { eventTypes = new Dictionary<string, object> { [muted] = new { email = false } } });
        await TemplatesAsync(muted);
        await TemplatesAsync(other);
        var mutedEvent = DeliveryFixture.NewId("evt");
        var otherEvent = DeliveryFixture.NewId("evt");

        await fixture.PostEventAsync(Event(mutedEvent, muted, user, new { token }, ["email", "in_app"]));
        await fixture.PostEventAsync(Event(otherEvent, other, user, new { token = token + "-other" }, ["email"]));

        var done = await fixture.WaitForEventAsync(mutedEvent);
        AssertChannel(done, "email", "skipped", "opted_out");
        Assert.Equal("sent", DeliveryFixture.ChannelStatus(done, "in_app"));
        Assert.Equal("sent", DeliveryFixture.ChannelStatus(await fixture.WaitForEventAsync(otherEvent), "email"));
        var emails = await fixture.SentEmailsAsync();
        Assert.DoesNotContain(emails, m => (string?)m["subject"] == $"Promo {token}");
        Assert.Single(emails, m => (string?)m["subject"] == $"Promo {token}-other");
    }

    [Fact]
    public async Task Should_skip_as_expired_and_send_nothing_when_its_not_after_deadline_passed_before_a_send_succeeded()
    {
        // The API only takes a future notAfter, so the deadline has to pass while the worker holds the event: SES fails
        // every SendEmail (transient, so the worker retries with backoff) until the worker finds the deadline behind it.
        var user = DeliveryFixture.NewId("user");
        var type = DeliveryFixture.NewId("flash");
        var token = NewToken();
        await fixture.PutContactAsync(user, new { email = $"{user}@example.com" });
        await TemplatesAsync(type);
        fixture.Proxy.Add(FaultRule.Always(Fault.ServerError(503), FaultRule.PathStartsWith("/v2/email/outbound-emails")));
        try
        {
            var eventId = DeliveryFixture.NewId("evt");
            await fixture.PostEventAsync(Event(eventId, type, user, new { token }, ["email"], notAfter: DateTimeOffset.UtcNow.AddSeconds(2)));

            var done = await fixture.WaitForEventAsync(eventId);

            Assert.Equal("completed", done.GetProperty("status").GetString());
            AssertChannel(done, "email", "skipped", "expired");
        }
        finally
        {
            fixture.Proxy.Reset();
        }

        Assert.DoesNotContain(await fixture.SentEmailsAsync(), m => (string?)m["subject"] == $"Promo {token}");
    }

    [Fact]
    public async Task Should_fail_only_the_channel_without_a_template_when_the_others_have_one()
    {
        var user = DeliveryFixture.NewId("user");
        var type = DeliveryFixture.NewId("notice");
        await fixture.PutContactAsync(user, new { email = $"{user}@example.com" });
        await fixture.PutTemplateAsync(type, "in_app", "en", new { body = "Notice {{token}}" });
        var eventId = DeliveryFixture.NewId("evt");

        await fixture.PostEventAsync(Event(eventId, type, user, new { token = NewToken() }, ["email", "in_app"]));

        var done = await fixture.WaitForEventAsync(eventId);
        Assert.Equal("partially_failed", done.GetProperty("status").GetString());
        AssertChannel(done, "email", "failed", "template_missing");
        Assert.Equal("sent", DeliveryFixture.ChannelStatus(done, "in_app"));
    }

    [Fact]
    public async Task Should_mark_channels_sent_as_simulated_and_reach_no_provider_when_the_event_came_with_a_test_key()
    {
        var user = DeliveryFixture.NewId("user");
        var type = DeliveryFixture.NewId("promo");
        var phone = NewPhone();
        var token = NewToken();
        await fixture.PutContactAsync(user, new { email = $"{user}@example.com", phone });
        await TemplatesAsync(type);
        var key = await CreateTestKeyAsync();
        var emailsBefore = (await fixture.SentEmailsAsync()).Count;
        var smsBefore = (await fixture.SentSmsAsync()).Count;
        var eventId = DeliveryFixture.NewId("evt");

        await fixture.PostEventAsync(Event(eventId, type, user, new { token }, ["email", "sms"]), key);

        var done = await fixture.WaitForEventAsync(eventId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("test", done.GetProperty("mode").GetString());
        Assert.All(new[] { "email", "sms" }, c =>
        {
            var channel = DeliveryFixture.Channel(done, c);
            Assert.Equal("sent", channel.GetProperty("status").GetString());
            Assert.True(channel.GetProperty("simulated").GetBoolean());
        });
        var emails = await fixture.SentEmailsAsync();
        var sms = await fixture.SentSmsAsync();
        Assert.DoesNotContain(emails, m => (string?)m["subject"] == $"Promo {token}");
        Assert.DoesNotContain(sms, m => (string?)m["phone_number"] == phone);
        Assert.Equal(emailsBefore, emails.Count);
        Assert.Equal(smsBefore, sms.Count);
    }

    [Fact]
    public async Task Should_skip_email_as_no_address_when_the_user_has_no_email()
    {
        var user = DeliveryFixture.NewId("user");
        var type = DeliveryFixture.NewId("promo");
        await fixture.PutContactAsync(user, new { phone = NewPhone() });
        await TemplatesAsync(type);
        var eventId = DeliveryFixture.NewId("evt");

        await fixture.PostEventAsync(Event(eventId, type, user, new { token = NewToken() }, ["email", "in_app"]));

        var done = await fixture.WaitForEventAsync(eventId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        AssertChannel(done, "email", "skipped", "no_address");
        Assert.Equal("sent", DeliveryFixture.ChannelStatus(done, "in_app"));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An event body with only the fields given (the API refuses nulls it does not expect).</summary>
    private static Dictionary<string, object> Event(
        string eventId, string type, string user, object payload, string[] channels, string priority = "high", DateTimeOffset? notAfter = null)
    {
        var body = new Dictionary<string, object>
        {
            ["eventId"] = eventId,
            ["eventType"] = type,
            ["userId"] = user,
            ["payload"] = payload,
            ["priority"] = priority,
            ["channels"] = channels,
        };
        if (notAfter is { } deadline)
        {
            body["notAfter"] = deadline.ToString("O", CultureInfo.InvariantCulture);
        }

        return body;
    }

    /// <summary>Email, SMS and in-app templates of <paramref name="type"/> that show the payload's token.</summary>
    private async Task TemplatesAsync(string type)
    {
        await fixture.PutTemplateAsync(type, "email", "en", new { subject = "Promo {{token}}", text = "Deal {{token}}" });
        await fixture.PutTemplateAsync(type, "sms", "en", new { body = "Deal {{token}}" });
        await fixture.PutTemplateAsync(type, "in_app", "en", new { body = "Deal {{token}}" });
    }

    private static void AssertChannel(JsonElement @event, string channel, string status, string reason)
    {
        var row = DeliveryFixture.Channel(@event, channel);
        Assert.Equal(status, row.GetProperty("status").GetString());
        Assert.Equal(reason, row.GetProperty("reason").GetString());
    }

    private async Task<JsonElement> InboxAsync(string user)
    {
        using var client = fixture.CreateClient();
        using var response = await client.GetAsync(new Uri($"/api/users/{user}/notifications?channel=in_app", UriKind.Relative), Ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private async Task<string> CreateTestKeyAsync()
    {
        using var client = fixture.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/keys", new { name = "worker tests", scopes = new[] { "send", "read" }, mode = "test" }, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["key"]!.GetValue<string>();
    }

    /// <summary>A number of its own, so that the test finds its SMS among moto's.</summary>
    private static string NewPhone() => "+1555" + Random.Shared.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture);

    private static string NewToken() => Guid.NewGuid().ToString("N")[..12];
}
