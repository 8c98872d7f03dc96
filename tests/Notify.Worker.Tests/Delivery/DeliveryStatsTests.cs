using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Notify.Aws.Tests.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Worker.Tests.Delivery;

/// <summary>The worker's delivery counts reach the dashboard's endpoint: counted in process, flushed per minute, read by the API.</summary>
public sealed class DeliveryStatsTests(DeliveryStatsFixture fixture) : IClassFixture<DeliveryStatsFixture>
{
    [Fact]
    public async Task Should_show_the_sent_email_in_the_minute_it_was_sent_when_the_worker_has_flushed()
    {
        var user = DeliveryFixture.NewId("user");
        var type = DeliveryFixture.NewId("stats");
        var eventId = DeliveryFixture.NewId("evt");
        await fixture.PutContactAsync(user, new { email = $"{user}@example.com", locale = "en" });
        await fixture.PutTemplateAsync(type, "email", "en", new { subject = "Counted", text = "Hello" });

        await fixture.PostEventAsync(new { eventId, eventType = type, userId = user, payload = new { }, priority = "high", channels = new[] { "email" } });

        var done = await fixture.WaitForEventAsync(eventId);
        Assert.Equal("sent", DeliveryFixture.ChannelStatus(done, "email"));
        var sentAt = DeliveryFixture.Channel(done, "email").GetProperty("transitions").GetProperty("sent").GetDateTimeOffset().ToUniversalTime();
        var minute = new DateTimeOffset(sentAt.Year, sentAt.Month, sentAt.Day, sentAt.Hour, sentAt.Minute, 0, TimeSpan.Zero)
            .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        await Deadline.PollAsync(
            () => EmailsSentInAsync(minute),
            sent => sent >= 1,
            TimeSpan.FromSeconds(15),
            $"the stats of {minute} to count the sent email");
    }

    private async Task<long> EmailsSentInAsync(string minute)
    {
        using var client = fixture.CreateClient();
        var stats = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/stats/deliveries?minutes=5", UriKind.Relative), TestContext.Current.CancellationToken);
        return stats.GetProperty("minutes").EnumerateArray()
            .Where(m => m.GetProperty("minute").GetString() == minute)
            .Select(m => m.GetProperty("counts").TryGetProperty("email", out var email) && email.TryGetProperty("sent", out var sent) ? sent.GetInt64() : 0)
            .SingleOrDefault();
    }
}

/// <summary>The delivery fixture with the worker flushing its counts every 200 ms instead of every 10 s.</summary>
public sealed class DeliveryStatsFixture : DeliveryFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> WorkerSettings => [new("Notify:Worker:Stats:FlushInterval", "00:00:00.200")];
}
