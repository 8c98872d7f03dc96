using System.Globalization;
using System.Net;
using System.Text.Json;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Scenarios;

/// <summary>
/// Deliveries that wait for their time and are never dropped: low priority during the user's quiet hours, notifications
/// over the per-user rate limit, and scheduled events (<c>sendAt</c>), unless cancelled before they are due.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class TimeScenarios(EndToEndFixture system)
{
    [Fact]
    public async Task Should_defer_low_priority_until_quiet_hours_end_and_send_high_priority_at_once_when_the_user_is_in_quiet_hours()
    {
        var user = EndToEndFixture.NewId("u-quiet");
        var type = await InAppTypeAsync("quiet");

        // Quiet hours are whole minutes: from this one to the next (or the one after, so that the window cannot end while
        // the event is on its way).
        var now = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var quietUntil = minute.AddMinutes(now.Second >= 45 ? 2 : 1);
        await system.PutPreferencesAsync(user, new
        {
            quietHours = new { start = minute.ToString("HH:mm", CultureInfo.InvariantCulture), end = quietUntil.ToString("HH:mm", CultureInfo.InvariantCulture), timeZone = "UTC" },
        });

        var low = await PostAsync(user, type, "low", "in_app");
        // Handed back to the scheduler: the row deferred, then (the event's own update is written last) the event scheduled.
        var deferred = await system.WaitForEventAsync(low, e => EndToEndFixture.ChannelStatus(e, "in_app") == "deferred" && e.GetProperty("status").GetString() == "scheduled");
        Assert.Equal("quiet_hours", EndToEndFixture.Channel(deferred, "in_app").GetProperty("reason").GetString());

        var high = await PostAsync(user, type, "high", "in_app");
        var highRow = EndToEndFixture.Channel(await system.WaitForEventAsync(high), "in_app");
        Assert.Equal("sent", EndToEndFixture.Status(highRow));
        Assert.True(EndToEndFixture.Transition(highRow, "sent") < quietUntil, $"high priority waited for the end of quiet hours: {highRow}");

        var lowDone = await system.WaitForEventAsync(low, timeout: quietUntil - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60));
        Assert.Equal("completed", lowDone.GetProperty("status").GetString());
        var lowRow = EndToEndFixture.Channel(lowDone, "in_app");
        Assert.Equal("sent", EndToEndFixture.Status(lowRow));
        Assert.True(EndToEndFixture.Transition(lowRow, "sent") >= quietUntil, $"sent during quiet hours: {lowRow}");
    }

    [Fact]
    public async Task Should_send_the_limit_at_once_and_the_rest_in_a_later_window_when_an_event_asks_for_more_than_the_per_user_limit()
    {
        var user = EndToEndFixture.NewId("u-limit");
        var type = EndToEndFixture.NewId("limit");
        await system.PutContactAsync(user, new { email = $"{user}@example.com", phone = DeliveryScenarios.NewPhone() });
        await system.RegisterDeviceAsync(user, "fcm", "fcm-" + Guid.NewGuid().ToString("N"));
        await Task.WhenAll(
            system.PutTemplateAsync(type, "email", "en", new { subject = "Limit", text = "Body" }),
            system.PutTemplateAsync(type, "sms", "en", new { body = "Limit" }),
            system.PutTemplateAsync(type, "push", "en", new { title = "Limit", body = "Limit" }),
            system.PutTemplateAsync(type, "in_app", "en", new { body = "Limit" }));

        var eventId = await PostAsync(user, type, "low", "email", "sms", "push", "in_app");

        // One run plans and claims all four channels at one instant, so exactly the limit fits in its window.
        var held = await system.WaitForEventAsync(eventId, e => e.GetProperty("status").GetString() == "scheduled" && EndToEndFixture.Rows(e).Any(r => EndToEndFixture.Status(r) == "deferred"));
        Assert.Equal(EndToEndFixture.RateLimitPerUser, EndToEndFixture.Rows(held).Count(r => EndToEndFixture.Status(r) == "sent"));
        var deferred = Assert.Single(EndToEndFixture.Rows(held), r => EndToEndFixture.Status(r) == "deferred");
        Assert.Equal("rate_limited", deferred.GetProperty("reason").GetString());
        var channel = deferred.GetProperty("channel").GetString()!;

        // Deferred, not dropped: it goes out in a later window.
        var done = await system.WaitForEventAsync(eventId, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.All(EndToEndFixture.Rows(done), r => Assert.Equal("sent", EndToEndFixture.Status(r)));
        var late = EndToEndFixture.Channel(done, channel);
        var firstWindow = EndToEndFixture.Rows(done).Where(r => r.GetProperty("channel").GetString() != channel).Max(WindowOf);
        Assert.True(WindowOf(late) > firstWindow, $"the deferred {channel} went out in the window of the others: {done}");
    }

    [Fact]
    public async Task Should_send_the_scheduled_event_at_its_time_and_never_the_one_cancelled_before_it_when_both_are_due_together()
    {
        var user = EndToEndFixture.NewId("u-sched");
        var type = EndToEndFixture.NewId("sched");
        await system.PutContactAsync(user, new { email = $"{user}@example.com" });
        await system.PutTemplateAsync(type, "email", "en", new { subject = "Scheduled {{marker}}", text = "Body" });
        var sendAt = DateTimeOffset.UtcNow.AddSeconds(8);
        var (kept, keptMarker) = (EndToEndFixture.NewId("evt"), EndToEndFixture.NewId("m"));
        var (cancelled, cancelledMarker) = (EndToEndFixture.NewId("evt"), EndToEndFixture.NewId("m"));

        var scheduled = await system.SendEventAsync(new { eventId = kept, eventType = type, userId = user, sendAt, payload = new { marker = keptMarker }, channels = new[] { "email" } });
        await system.PostEventAsync(new { eventId = cancelled, eventType = type, userId = user, sendAt, payload = new { marker = cancelledMarker }, channels = new[] { "email" } });
        using (var cancel = await system.Api.DeleteAsync($"/api/events/{cancelled}", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Accepted, scheduled.Status);
        Assert.Equal("scheduled", scheduled.Body.GetProperty("status").GetString());
        Assert.Equal("scheduled", (await system.GetEventAsync(kept)).GetProperty("status").GetString());
        Assert.Equal("cancelled", (await system.GetEventAsync(cancelled)).GetProperty("status").GetString());

        var done = await system.WaitForEventAsync(kept, timeout: TimeSpan.FromSeconds(60));
        var row = EndToEndFixture.Channel(done, "email");
        Assert.Equal("sent", EndToEndFixture.Status(row));
        Assert.True(EndToEndFixture.Transition(row, "sent") >= sendAt, $"sent before its sendAt {sendAt:O}: {row}");

        // The sweep that released the kept event had the cancelled one due too: it stays cancelled and unsent.
        Assert.Equal("cancelled", (await system.GetEventAsync(cancelled)).GetProperty("status").GetString());
        var emails = await system.SentEmailsAsync();
        Assert.Single(emails, m => (string?)m["subject"] == $"Scheduled {keptMarker}");
        Assert.DoesNotContain(emails, m => (string?)m["subject"] == $"Scheduled {cancelledMarker}");

        // Too late to cancel what was sent.
        using var tooLate = await system.Api.DeleteAsync($"/api/events/{kept}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
    }

    private async Task<string> InAppTypeAsync(string name)
    {
        var type = EndToEndFixture.NewId(name);
        await system.PutTemplateAsync(type, "in_app", "en", new { title = "Hello " + name, body = "Body of " + name });
        return type;
    }

    private async Task<string> PostAsync(string user, string type, string priority, params string[] channels)
    {
        var eventId = EndToEndFixture.NewId("ev-" + priority);
        await system.PostEventAsync(new { eventId, eventType = type, userId = user, priority, channels, payload = new { } });
        return eventId;
    }

    /// <summary>The rate-limit window a row's claim was charged to (windows are multiples of the length since the epoch).</summary>
    private static long WindowOf(JsonElement row) => EndToEndFixture.Transition(row, "sending")!.Value.UtcTicks / EndToEndFixture.RateLimitWindow.Ticks;
}
