using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Notify.Api.Tests.Fixtures;
using Notify.Core.DeadLetters;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Api.Tests.Dashboard;

/// <summary>The JSON the dashboard's page reads and acts through: <c>/dashboard/api/*</c>, behind the session cookie.</summary>
public sealed class DashboardApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";

    private static readonly string[] ReadPaths =
        ["/dashboard/api/lanes", "/dashboard/api/events", "/dashboard/api/dead-letters", "/dashboard/api/suppressions", "/dashboard/api/keys"];

    [Fact]
    public async Task Should_answer_401_problems_to_every_dashboard_call_without_a_session()
    {
        using var browser = DashboardBrowser.Open(api);

        foreach (var path in ReadPaths)
        {
            using var response = await browser.GetJsonAsync(path);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        using var redrive = await browser.CallAsync(HttpMethod.Post, "/dashboard/api/dead-letters/redrive", HttpJson.Json("{}"));
        await redrive.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_answer_the_lanes_and_the_recent_events_with_their_channels_through_the_session()
    {
        using var browser = await DashboardBrowser.SignedInAsync(api);
        using var admin = api.CreateClient();
        var eventId = HttpJson.NewId();
        using (var post = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = HttpJson.Json(HttpJson.Event(eventId, extra: "\"priority\":\"high\"")) })
        {
            post.Headers.Add("traceparent", $"00-{TraceId}-b7ad6b7169203331-01");
            using var posted = await admin.SendAsync(post, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        await CommitEmailSentAsync(eventId);

        using var lanes = await browser.GetJsonAsync("/dashboard/api/lanes");
        using var events = await browser.GetJsonAsync("/dashboard/api/events?limit=10");
        using var detail = await browser.GetJsonAsync($"/dashboard/api/events/{eventId}");

        Assert.Equal(HttpStatusCode.OK, lanes.StatusCode);
        var queues = (await lanes.JsonAsync()).GetProperty("queues").EnumerateArray().ToList();
        Assert.Equal(["high", "low", "high-dlq", "low-dlq", "feedback"], queues.Select(q => q.GetProperty("name").GetString()));
        Assert.True(queues[0].GetProperty("visible").GetInt32() >= 1, $"The high lane holds the event: {queues[0]}");

        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        var row = (await events.JsonAsync()).GetProperty("items").EnumerateArray().First();
        Assert.Equal(eventId, row.GetProperty("eventId").GetString());
        Assert.Equal("completed", row.GetProperty("status").GetString());
        var channel = Assert.Single(row.GetProperty("notifications").EnumerateArray());
        Assert.Equal("email", channel.GetProperty("channel").GetString());
        Assert.Equal("sent", channel.GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        var view = await detail.JsonAsync();
        Assert.Equal(TraceId, view.GetProperty("traceId").GetString());
        var content = view.GetProperty("notifications")[0].GetProperty("content");
        Assert.Equal("Your order shipped", content.GetProperty("subject").GetString());
        Assert.Equal("<p>On its way</p>", content.GetProperty("html").GetString());
    }

    [Fact]
    public async Task Should_answer_the_delivery_statistics_through_the_session()
    {
        using var browser = await DashboardBrowser.SignedInAsync(api);

        using var stats = await browser.GetJsonAsync("/dashboard/api/stats/deliveries?minutes=15");

        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal(15, (await stats.JsonAsync()).GetProperty("minutes").GetArrayLength());
    }

    [Fact]
    public async Task Should_redrive_a_dead_letter_through_the_dashboard_so_it_leaves_the_list()
    {
        using var browser = await DashboardBrowser.SignedInAsync(api);
        var deadLetter = await SeedDeadLetterAsync();
        Assert.Contains(deadLetter.Id, await DeadLetterIdsAsync(browser));

        using var response = await browser.CallAsync(
            HttpMethod.Post, "/dashboard/api/dead-letters/redrive", HttpJson.Json($$"""{"ids":["{{deadLetter.Id}}"]}"""), ("Origin", "http://localhost"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.JsonAsync()).GetProperty("redriven").GetInt32());
        Assert.DoesNotContain(deadLetter.Id, await DeadLetterIdsAsync(browser));
        Assert.Single((await api.DrainEventAsync(deadLetter.EventId))[Priority.Low]);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("1", "https://evil.example", null)]
    [InlineData("1", "null", null)]
    [InlineData("1", null, "cross-site")]
    [InlineData("1", null, "same-site")]
    public async Task Should_refuse_a_cross_site_redrive_or_key_revoke_even_with_the_session(string? header, string? origin, string? fetchSite)
    {
        using var browser = await DashboardBrowser.SignedInAsync(api);
        var deadLetter = await SeedDeadLetterAsync();
        var (keyId, _) = await api.CreateKeyAsync(["send"]);

        using var redrive = await SendAsync(browser, HttpMethod.Post, "/dashboard/api/dead-letters/redrive", $$"""{"ids":["{{deadLetter.Id}}"]}""", header, origin, fetchSite);
        using var revoke = await SendAsync(browser, HttpMethod.Delete, $"/dashboard/api/keys/{keyId}", null, header, origin, fetchSite);

        await redrive.AssertProblemAsync(HttpStatusCode.Forbidden);
        await revoke.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains(deadLetter.Id, await DeadLetterIdsAsync(browser));
        using var keys = await browser.GetJsonAsync("/dashboard/api/keys");
        var key = (await keys.JsonAsync()).GetProperty("items").EnumerateArray().Single(k => k.GetProperty("id").GetString() == keyId);
        Assert.False(key.GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task Should_revoke_a_key_through_the_dashboard()
    {
        using var browser = await DashboardBrowser.SignedInAsync(api);
        var (keyId, key) = await api.CreateKeyAsync(["send"]);

        using var revoke = await browser.CallAsync(HttpMethod.Delete, $"/dashboard/api/keys/{keyId}", null, ("Origin", "http://localhost"), ("Sec-Fetch-Site", "same-origin"));

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var client = api.CreateClient(key);
        using var refused = await client.PostJsonAsync("/api/events", HttpJson.Event(HttpJson.NewId()));
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private static async Task<HttpResponseMessage> SendAsync(
        DashboardBrowser browser, HttpMethod method, string path, string? json, string? header, string? origin, string? fetchSite)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (header is not null)
        {
            request.Headers.Add(DashboardBrowser.DashboardHeader, header);
        }

        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", fetchSite);
        }

        return await browser.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<List<string>> DeadLetterIdsAsync(DashboardBrowser browser)
    {
        using var listed = await browser.GetJsonAsync("/dashboard/api/dead-letters");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        return (await listed.JsonAsync()).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToList();
    }

    private async Task<DeadLetter> SeedDeadLetterAsync()
    {
        var eventId = HttpJson.NewId("dead");
        var acceptedAt = DateTimeOffset.UtcNow.AddMinutes(-30);
        using var payload = JsonDocument.Parse("""{"orderId":"1"}""");
        var submission = new EventSubmission(eventId, "order.shipped", "user-dl", payload.RootElement.Clone(), Priority.Low, null, null, null, null);
        var accepted = new AcceptedEvent(submission, Priority.Low, KeyMode.Live, "bootstrap", "hash", acceptedAt, null, null);
        var deadLetter = new DeadLetter($"dl-{Guid.NewGuid():N}", eventId, Priority.Low, accepted, "{}", 5,
            new Dictionary<string, string> { ["email"] = "timeout" }, acceptedAt.AddSeconds(1), acceptedAt.AddMinutes(5));
        await api.Services.GetRequiredService<IDeadLetterStore>().PutAsync(deadLetter, TestContext.Current.CancellationToken);
        return deadLetter;
    }

    /// <summary>What the worker writes once an email went out: the row with its rendered content, and the event completed.</summary>
    private async Task CommitEmailSentAsync(string eventId)
    {
        var now = DateTimeOffset.UtcNow;
        var row = new NotificationRecord(
            eventId, Channel.Email, "user-1", "order.shipped", NotificationStatus.Sent, 1, null, null, false, now, now, null,
            new Dictionary<string, DateTimeOffset> { ["sent"] = now },
            new RenderedContent("Your order shipped", "On its way", "<p>On its way</p>", null, null));
        var applied = await api.Services.GetRequiredService<IDeliveryStore>().CommitAsync(
            new DeliveryCommit(eventId, [row], null, new EventUpdate.Complete(EventStatus.Completed), now), TestContext.Current.CancellationToken);
        Assert.True(applied);
    }
}
