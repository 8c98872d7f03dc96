using System.Net;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Notify.Api.Tests.Fixtures;
using Notify.Aws.DynamoDb;
using Notify.Core.DeadLetters;
using Notify.Core.Events;

namespace Notify.Api.Tests.Dashboard;

/// <summary>The admin JSON the dashboard is built on, as API clients see it: <c>/api/lanes</c>, <c>/api/events</c>, <c>/api/suppressions</c>.</summary>
public sealed class OperationsEndpointsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Should_answer_the_depth_of_the_five_queues_in_order()
    {
        await api.DrainAsync(Priority.High);
        await api.DrainAsync(Priority.Low);
        using var admin = api.CreateClient();
        using (var posted = await admin.PostJsonAsync("/api/events", HttpJson.Event(HttpJson.NewId(), extra: "\"priority\":\"high\"")))
        {
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        using var response = await admin.GetAsync("/api/lanes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var queues = (await response.JsonAsync()).GetProperty("queues").EnumerateArray().ToDictionary(q => q.GetProperty("name").GetString()!);
        Assert.Equal(["high", "low", "high-dlq", "low-dlq", "feedback"], queues.Keys);
        Assert.Equal(1, queues["high"].GetProperty("visible").GetInt32());
        Assert.Equal(0, queues["low"].GetProperty("visible").GetInt32());
        foreach (var queue in queues.Values)
        {
            Assert.Equal(["name", "visible", "inFlight", "delayed"], queue.EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task Should_keep_lanes_and_suppressions_to_admin_keys()
    {
        var (_, readKey) = await api.CreateKeyAsync(["read"]);
        using var reader = api.CreateClient(readKey);
        using var anonymous = api.CreateClient(apiKey: null);

        using var lanes = await reader.GetAsync("/api/lanes");
        using var suppressions = await reader.GetAsync("/api/suppressions");
        using var noKey = await anonymous.GetAsync("/api/lanes");

        await lanes.AssertProblemAsync(HttpStatusCode.Forbidden);
        await suppressions.AssertProblemAsync(HttpStatusCode.Forbidden);
        await noKey.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_list_the_recent_events_newest_first_to_a_read_key_up_to_the_limit()
    {
        using var admin = api.CreateClient();
        var first = HttpJson.NewId();
        var second = HttpJson.NewId();
        foreach (var eventId in (string[])[first, second])
        {
            using var posted = await admin.PostJsonAsync("/api/events", HttpJson.Event(eventId, eventType: "order.paid", userId: "user-7"));
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        var (_, readKey) = await api.CreateKeyAsync(["read"]);
        using var reader = api.CreateClient(readKey);

        using var all = await reader.GetAsync("/api/events");
        using var one = await reader.GetAsync("/api/events?limit=1");

        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var ids = (await all.JsonAsync()).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()).ToList();
        Assert.True(ids.IndexOf(second) is >= 0 and var at && at < ids.IndexOf(first), $"Newest first: {string.Join(", ", ids)}");
        var newest = Assert.Single((await one.JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(second, newest.GetProperty("eventId").GetString());
        Assert.Equal("order.paid", newest.GetProperty("eventType").GetString());
        Assert.Equal("user-7", newest.GetProperty("userId").GetString());
        Assert.Equal("received", newest.GetProperty("status").GetString());
        Assert.Equal(0, newest.GetProperty("notifications").GetArrayLength());
        Assert.False(newest.TryGetProperty("payload", out _));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("many")]
    public async Task Should_answer_400_naming_limit_when_the_recent_events_limit_is_out_of_range(string limit)
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync($"/api/events?limit={limit}");

        await response.AssertFieldErrorAsync("limit");
    }

    [Fact]
    public async Task Should_refuse_the_recent_events_to_a_send_only_key()
    {
        var (_, sendKey) = await api.CreateKeyAsync(["send"]);
        using var sender = api.CreateClient(sendKey);

        using var response = await sender.GetAsync("/api/events");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Should_list_events_of_the_current_and_previous_hour_only_newest_first_across_index_shards()
    {
        var now = new DateTimeOffset(2031, 3, 4, 10, 20, 0, TimeSpan.Zero);
        var store = new DynamoEventStore(
            api.Services.GetRequiredService<IAmazonDynamoDB>(), api.Naming, Microsoft.Extensions.Options.Options.Create(new DynamoStoreOptions()), new FixedTime(now));
        var prefix = HttpJson.NewId("hour");
        var current = Enumerable.Range(0, 12).Select(i => (Id: $"{prefix}-now-{i}", At: now.AddMinutes(-1 - i))).ToList();
        var previous = (Id: $"{prefix}-previous", At: new DateTimeOffset(2031, 3, 4, 9, 1, 0, TimeSpan.Zero));
        var older = (Id: $"{prefix}-older", At: new DateTimeOffset(2031, 3, 4, 8, 59, 0, TimeSpan.Zero));
        foreach (var (id, at) in current.Append(previous).Append(older))
        {
            Assert.IsType<RecordOutcome.Recorded>(await store.RecordAsync(Accepted(id, at), TestContext.Current.CancellationToken));
        }

        var all = await store.RecentAsync(50, TestContext.Current.CancellationToken);
        var three = await store.RecentAsync(3, TestContext.Current.CancellationToken);

        Assert.Equal(current.Select(e => e.Id).Append(previous.Id), all.Select(r => r.Event.EventId));
        Assert.Equal(current.Take(3).Select(e => e.Id), three.Select(r => r.Event.EventId));
    }

    [Fact]
    public async Task Should_list_the_suppression_list_newest_first_and_check_its_limit()
    {
        var store = api.Services.GetRequiredService<ISuppressionStore>();
        var address = $"{Guid.NewGuid():N}@Example.com";
        await store.PutAsync(new Suppression(Channel.Email, address, "bounced", DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/api/suppressions");
        using var invalid = await client.GetAsync("/api/suppressions?limit=0");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = (await response.JsonAsync()).GetProperty("items").EnumerateArray()
            .Single(s => s.GetProperty("address").GetString() == address.ToLowerInvariant());
        Assert.Equal("email", entry.GetProperty("channel").GetString());
        Assert.Equal("bounced", entry.GetProperty("reason").GetString());
        await invalid.AssertFieldErrorAsync("limit");
    }

    [Fact]
    public async Task Should_document_the_operations_endpoints_with_their_scopes_but_not_the_dashboards_own()
    {
        using var client = api.CreateClient(apiKey: null);

        using var response = await client.GetAsync("/openapi/v1.json");

        var paths = (await response.JsonAsync()).GetProperty("paths");
        Assert.Equal("admin", ScopeOf(paths, "/api/lanes"));
        Assert.Equal("admin", ScopeOf(paths, "/api/suppressions"));
        Assert.Equal("read", ScopeOf(paths, "/api/events"));
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.StartsWith("/dashboard", StringComparison.Ordinal));

        static string? ScopeOf(JsonElement paths, string path) =>
            paths.GetProperty(path).GetProperty("get").GetProperty("security")[0].GetProperty("apiKey")[0].GetString();
    }

    private static AcceptedEvent Accepted(string eventId, DateTimeOffset acceptedAt)
    {
        using var payload = JsonDocument.Parse("""{"n":1}""");
        var submission = new EventSubmission(eventId, "order.shipped", "user-h", payload.RootElement.Clone(), Priority.Low, null, null, null, null);
        return new AcceptedEvent(submission, Priority.Low, KeyMode.Live, "bootstrap", "hash", acceptedAt, null, null);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
