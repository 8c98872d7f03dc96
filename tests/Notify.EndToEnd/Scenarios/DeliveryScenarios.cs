using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Scenarios;

/// <summary>
/// What reaches the providers, end to end through the AppHost's processes: each channel's rendered content in moto (SES
/// messages, SNS SMS, SNS platform-endpoint publishes, the in-app inbox), the template of the user's locale or its
/// fallback, preferences that skip a channel, and test-mode keys that run the pipeline without a provider call.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class DeliveryScenarios(EndToEndFixture system)
{
    private static readonly string[] AllChannels = ["email", "sms", "push", "in_app"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_move_from_pending_to_sent_on_every_channel_and_reach_each_provider_when_an_event_names_all_four()
    {
        var user = EndToEndFixture.NewId("u-all");
        var type = EndToEndFixture.NewId("order");
        var marker = EndToEndFixture.NewId("m");
        var (email, phone) = ($"{user}@example.com", NewPhone());
        await system.PutContactAsync(user, new { email, phone, locale = "en" });
        var endpoint = await system.RegisterDeviceAsync(user, "fcm", "fcm-" + Guid.NewGuid().ToString("N"));
        await system.PutTemplateAsync(type, "email", "en", new { subject = "Order {{orderId}} shipped", text = "Hi {{name}}, {{orderId}} is on its way.", html = "<p>Hi {{name}}, <b>{{orderId}}</b></p>" });
        await system.PutTemplateAsync(type, "sms", "en", new { body = "Order {{orderId}} shipped" });
        await system.PutTemplateAsync(type, "push", "en", new { title = "Order {{orderId}}", body = "Shipped, {{name}}" });
        await system.PutTemplateAsync(type, "in_app", "en", new { title = "Order {{orderId}}", body = "Track {{orderId}}" });
        var eventId = EndToEndFixture.NewId("evt");

        // High priority: four notifications at once are over the per-user limit, which high priority bypasses.
        var (status, accepted) = await system.SendEventAsync(new { eventId, eventType = type, userId = user, priority = "high", payload = new { name = "Ada", orderId = marker }, channels = AllChannels });

        // Ingestion answers once the event is recorded and on its lane; persistence shows it at once.
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        Assert.Equal($"/api/events/{eventId}", accepted.GetProperty("links").GetProperty("self").GetString());
        var recorded = await system.GetEventAsync(eventId);
        Assert.Equal(type, recorded.GetProperty("eventType").GetString());

        var done = await system.WaitForEventAsync(eventId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        foreach (var channel in AllChannels)
        {
            var row = EndToEndFixture.Channel(done, channel);
            Assert.Equal("sent", EndToEndFixture.Status(row));
            Assert.Equal(1, row.GetProperty("attempts").GetInt32());
            Assert.True(EndToEndFixture.Transition(row, "sending") is { } claimed && claimed <= EndToEndFixture.Transition(row, "sent"), $"{channel}: {row}");
        }

        var sent = Assert.Single(await system.SentEmailsAsync(), m => (string?)m["subject"] == $"Order {marker} shipped");
        Assert.Equal($"<p>Hi Ada, <b>{marker}</b></p>", (string?)sent["body"]);
        Assert.Contains(email, sent["destinations"]!.ToJsonString(), StringComparison.Ordinal);

        var sms = Assert.Single(await system.SentSmsAsync(), m => (string?)m["phone_number"] == phone);
        Assert.Equal($"Order {marker} shipped", (string?)sms["message"]);

        using var push = JsonDocument.Parse(Assert.Single(await system.PushesToAsync(endpoint)));
        Assert.Equal("Shipped, Ada", push.RootElement.GetProperty("default").GetString());
        Assert.Contains(marker, push.RootElement.GetProperty("GCM").GetString(), StringComparison.Ordinal);

        var inbox = await system.Api.GetFromJsonAsync<JsonElement>($"/api/users/{user}/notifications?channel=in_app", Ct);
        Assert.Equal(1, inbox.GetProperty("unreadCount").GetInt32());
        var item = Assert.Single(inbox.GetProperty("items").EnumerateArray());
        Assert.Equal(eventId, item.GetProperty("eventId").GetString());
        Assert.Equal($"Track {marker}", item.GetProperty("content").GetProperty("body").GetString());
    }

    [Theory]
    [InlineData("fr-CA", "Bienvenue")] // regional locale without a template of its own → its language
    [InlineData("de-AT", "Welcome")] // neither the region nor the language → the default locale
    [InlineData("es", "Bienvenido")] // exact match
    public async Task Should_render_the_template_of_the_users_locale_or_its_fallback_when_the_locale_has_none(string locale, string expectedGreeting)
    {
        var user = EndToEndFixture.NewId("u-locale");
        var type = EndToEndFixture.NewId("welcome");
        var marker = EndToEndFixture.NewId("m");
        await system.PutContactAsync(user, new { email = $"{user}@example.com", locale });
        await system.PutTemplateAsync(type, "email", "en", new { subject = "Welcome {{marker}}", text = "Hello" });
        await system.PutTemplateAsync(type, "email", "fr", new { subject = "Bienvenue {{marker}}", text = "Bonjour" });
        await system.PutTemplateAsync(type, "email", "es", new { subject = "Bienvenido {{marker}}", text = "Hola" });
        var eventId = EndToEndFixture.NewId("evt");

        await system.PostEventAsync(new { eventId, eventType = type, userId = user, payload = new { marker }, channels = new[] { "email" } });

        Assert.Equal("sent", EndToEndFixture.ChannelStatus(await system.WaitForEventAsync(eventId), "email"));
        var email = Assert.Single(await system.SentEmailsAsync(), m => ((string?)m["subject"])?.EndsWith(marker, StringComparison.Ordinal) == true);
        Assert.Equal($"{expectedGreeting} {marker}", (string?)email["subject"]);
    }

    [Fact]
    public async Task Should_skip_the_opted_out_channel_and_send_the_others_when_the_user_turned_one_channel_off()
    {
        var user = EndToEndFixture.NewId("u-prefs");
        var type = EndToEndFixture.NewId("news");
        var marker = EndToEndFixture.NewId("m");
        var phone = NewPhone();
        await system.PutContactAsync(user, new { email = $"{user}@example.com", phone });
        await system.PutPreferencesAsync(user, new { channels = new { sms = false } });
        await system.PutTemplateAsync(type, "email", "en", new { subject = "News {{marker}}", text = "Read on" });
        await system.PutTemplateAsync(type, "sms", "en", new { body = "News {{marker}}" });
        var eventId = EndToEndFixture.NewId("evt");

        await system.PostEventAsync(new { eventId, eventType = type, userId = user, payload = new { marker }, channels = new[] { "email", "sms" } });

        var done = await system.WaitForEventAsync(eventId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("sent", EndToEndFixture.ChannelStatus(done, "email"));
        var sms = EndToEndFixture.Channel(done, "sms");
        Assert.Equal("skipped", EndToEndFixture.Status(sms));
        Assert.Equal("opted_out", sms.GetProperty("reason").GetString());
        Assert.Single(await system.SentEmailsAsync(), m => (string?)m["subject"] == $"News {marker}");
        Assert.DoesNotContain(await system.SentSmsAsync(), m => (string?)m["phone_number"] == phone);
    }

    [Fact]
    public async Task Should_run_the_whole_pipeline_as_simulated_and_leave_the_providers_untouched_when_a_test_key_sends_the_event()
    {
        var user = EndToEndFixture.NewId("u-test");
        var type = EndToEndFixture.NewId("promo");
        var marker = EndToEndFixture.NewId("m");
        await system.PutContactAsync(user, new { email = $"{user}@example.com", phone = NewPhone() });
        var endpoint = await system.RegisterDeviceAsync(user, "fcm", "fcm-" + Guid.NewGuid().ToString("N"));
        foreach (var channel in AllChannels)
        {
            await system.PutTemplateAsync(type, channel, "en", channel switch
            {
                "email" => new { subject = "Promo {{marker}}", text = "Promo" },
                "sms" => new { body = "Promo {{marker}}" },
                _ => (object)new { title = "Promo", body = "Promo {{marker}}" },
            });
        }

        var (_, testKey) = await system.CreateKeyAsync(["send", "read"], mode: "test");
        var before = await ProviderCountsAsync();
        var eventId = EndToEndFixture.NewId("evt");

        await system.PostEventAsync(new { eventId, eventType = type, userId = user, priority = "high", payload = new { marker }, channels = AllChannels }, testKey);

        var done = await system.WaitForEventAsync(eventId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("test", done.GetProperty("mode").GetString());
        foreach (var channel in AllChannels)
        {
            var row = EndToEndFixture.Channel(done, channel);
            Assert.Equal("sent", EndToEndFixture.Status(row));
            Assert.True(row.GetProperty("simulated").GetBoolean(), row.ToString());
        }

        // moto's sent messages are as they were: no email, SMS or push went out for it (nor for anything else meanwhile).
        Assert.Equal(before, await ProviderCountsAsync());
        Assert.Empty(await system.PushesToAsync(endpoint));
    }

    private async Task<(int Emails, int Sms, int Pushes)> ProviderCountsAsync()
    {
        var pushes = (await system.MotoModelsAsync("sns", "PlatformEndpoint")).Sum(e => e["messages"]?.AsObject().Count ?? 0);
        return ((await system.SentEmailsAsync()).Count, (await system.SentSmsAsync()).Count, pushes);
    }

    /// <summary>A valid E.164 number moto does not list as opted out (it treats numbers ending in 99 as opted out).</summary>
    public static string NewPhone() => "+1555" + Random.Shared.Next(1_000_000, 9_999_998).ToString(CultureInfo.InvariantCulture) + "1";
}
