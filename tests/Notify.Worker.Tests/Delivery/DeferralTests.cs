using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Notify.Aws.Tests.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Worker.Tests.Delivery;

/// <summary>
/// Deliveries held back and sent later rather than dropped: low-priority events during the user's quiet hours, and
/// notifications over the user's rate limit (per user, or per event type when the type has a limit of its own). High
/// priority goes through both at once.
/// </summary>
/// <remarks>
/// Rate-limit windows are fixed (multiples of the window since the epoch) and charged at the claim, with the time the
/// worker planned the run, which is the row's <c>sending</c> transition: the tests count sends per window from it, so they
/// hold however a burst falls across window boundaries. One event with more channels than the limit is exact (one run
/// claims them all at one instant); several events of one user leave the FIFO lane one at a time, so bursts start early
/// in a window to make the limit bite, and assert only what holds whatever the pace.
/// </remarks>
[Trait("Category", "Slow")]
public sealed class DeferralTests(RateLimitedDeliveryFixture fixture) : IClassFixture<RateLimitedDeliveryFixture>
{
    [Fact]
    public async Task Should_defer_a_low_priority_event_until_quiet_hours_end_and_send_a_high_priority_one_at_once_when_the_user_is_in_quiet_hours()
    {
        var userId = DeliveryFixture.NewId("u-quiet");
        var eventType = await InAppTypeAsync("quiet");

        // Quiet hours are whole minutes: from this one to the next (or the one after, so that a rollover during setup
        // does not end them before the event is planned).
        var now = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var quietUntil = minute.AddMinutes(now.Second >= 50 ? 2 : 1);
        await fixture.PutPreferencesAsync(userId, new
        {
            quietHours = new { start = minute.ToString("HH:mm", CultureInfo.InvariantCulture), end = quietUntil.ToString("HH:mm", CultureInfo.InvariantCulture), timeZone = "UTC" },
        });

        var low = await PostInAppAsync(userId, eventType, "low");
        var deferred = await fixture.WaitForEventAsync(low, IsDeferred);
        Assert.Equal("quiet_hours", DeliveryFixture.Channel(deferred, "in_app").GetProperty("reason").GetString());

        var high = await PostInAppAsync(userId, eventType, "high");
        var highDone = await fixture.WaitForEventAsync(high);
        Assert.Equal("completed", highDone.GetProperty("status").GetString());
        var highRow = DeliveryFixture.Channel(highDone, "in_app");
        Assert.Equal("sent", highRow.GetProperty("status").GetString());
        Assert.True(Transition(highRow, "sent") < quietUntil, $"high priority waited for quiet hours to end: {highRow}");
        Assert.Null(Transition(highRow, "deferred"));
        await fixture.WaitForEventAsync(low, IsDeferred, TimeSpan.FromSeconds(5));

        var lowDone = await fixture.WaitForEventAsync(low, timeout: quietUntil - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30));
        Assert.Equal("completed", lowDone.GetProperty("status").GetString());
        var lowRow = DeliveryFixture.Channel(lowDone, "in_app");
        Assert.Equal("sent", lowRow.GetProperty("status").GetString());
        Assert.True(Transition(lowRow, "sent") >= quietUntil, $"sent during quiet hours: {lowRow}");
    }

    [Fact]
    public async Task Should_send_the_limit_at_once_and_defer_the_rest_to_the_next_window_when_one_event_asks_for_more_channels_than_the_limit()
    {
        var (userId, eventType) = await ReachableUserAsync("over");

        var eventId = await PostAsync(userId, eventType, "low", "in_app", "email", "sms");

        // One run plans and claims all three channels at the same instant, so exactly the limit fits in its window.
        var held = await fixture.WaitForEventAsync(eventId, e => e.GetProperty("status").GetString() == "scheduled" && Rows(e).Any(r => Status(r) == "deferred"));
        Assert.Equal(fixture.PerUserLimit, Rows(held).Count(r => Status(r) == "sent"));
        var deferred = Assert.Single(Rows(held), r => Status(r) == "deferred");
        Assert.Equal("rate_limited", deferred.GetProperty("reason").GetString());
        var channel = deferred.GetProperty("channel").GetString()!;

        // Not dropped: it goes out in a later window.
        var done = await fixture.WaitForEventAsync(eventId, timeout: TimeSpan.FromSeconds(20));
        Assert.True(done.GetProperty("status").GetString() == "completed", $"{done.GetProperty("status")}: {done}");
        Assert.All(Rows(done), r => Assert.Equal("sent", Status(r)));
        var late = DeliveryFixture.Channel(done, channel);
        Assert.True(WindowOf(late) > Rows(done).Where(r => r.GetProperty("channel").GetString() != channel).Max(WindowOf), Describe(Rows(done)));
    }

    [Fact]
    public async Task Should_send_every_event_with_at_most_the_limit_per_window_when_a_user_gets_a_burst()
    {
        var userId = DeliveryFixture.NewId("u-burst");
        var eventType = await InAppTypeAsync("burst");
        await StartOfWindowAsync();

        var events = await PostBurstAsync(userId, eventType, "low", 5);

        // One user's events leave the FIFO lane one at a time (about a second apart on moto), so how many meet the limit
        // in one window varies; per window the sends never exceed it, and none is dropped.
        var rows = (await AllSentAsync(events, TimeSpan.FromSeconds(45))).SelectMany(Rows).ToList();
        AssertPerWindow(rows, max: fixture.PerUserLimit);
        // A deferred row that was sent later no longer carries the deferral's reason: the reason explains the current status.
        Assert.All(rows, r => Assert.False(r.TryGetProperty("reason", out var reason) && reason.ValueKind == System.Text.Json.JsonValueKind.String, r.ToString()));
    }

    [Fact]
    public async Task Should_send_a_high_priority_event_on_every_channel_at_once_when_it_asks_for_more_channels_than_the_limit()
    {
        var (userId, eventType) = await ReachableUserAsync("urgent");

        var eventId = await PostAsync(userId, eventType, "high", "in_app", "email", "sms");

        var done = await fixture.WaitForEventAsync(eventId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(3, Rows(done).Count(r => Status(r) == "sent"));
        Assert.All(Rows(done), r => Assert.Null(Transition(r, "deferred")));
    }

    [Fact]
    public async Task Should_limit_an_event_type_by_its_own_limit_instead_of_the_per_user_one_when_the_type_has_one()
    {
        var (userId, eventType) = await ReachableUserAsync("typed", fixture.LimitedEventType);
        await StartOfWindowAsync();

        var events = await PostBurstAsync(userId, eventType, "low", 2, "in_app", "email", "sms");

        var done = await AllSentAsync(events, TimeSpan.FromSeconds(45));
        AssertPerWindow(done.SelectMany(Rows), max: RateLimitedDeliveryFixture.EventTypeLimit);

        // Whichever event went first sent all three channels in one run: past the user's limit of two, within the type's four.
        Assert.Contains(done, e => Rows(e).All(r => Transition(r, "deferred") is null && WindowOf(r) == WindowOf(Rows(e)[0])));
    }

    /// <summary>Handed back to the scheduler: the event <c>scheduled</c> again with its in-app row <c>deferred</c>.</summary>
    private static bool IsDeferred(JsonElement @event) =>
        @event.GetProperty("status").GetString() == "scheduled" && DeliveryFixture.ChannelStatus(@event, "in_app") == "deferred";

    private static IReadOnlyList<JsonElement> Rows(JsonElement @event) => [.. @event.GetProperty("notifications").EnumerateArray()];

    private static string? Status(JsonElement row) => row.GetProperty("status").GetString();

    private static DateTimeOffset? Transition(JsonElement row, string status) =>
        row.GetProperty("transitions").TryGetProperty(status, out var at) ? at.GetDateTimeOffset() : null;

    private async Task<string> InAppTypeAsync(string name)
    {
        var eventType = DeliveryFixture.NewId(name);
        await fixture.PutTemplateAsync(eventType, "in_app", "en", new { title = "Hello " + name, body = "Body of " + name });
        return eventType;
    }

    /// <summary>A user with an email address and a phone, and an event type with in-app, email and SMS templates.</summary>
    private async Task<(string UserId, string EventType)> ReachableUserAsync(string name, string? eventType = null)
    {
        var userId = DeliveryFixture.NewId("u-" + name);
        var phone = "+1555" + Random.Shared.Next(1_000_000, 10_000_000).ToString(CultureInfo.InvariantCulture);
        await fixture.PutContactAsync(userId, new { email = userId + "@example.com", phone });
        eventType ??= DeliveryFixture.NewId(name);
        await Task.WhenAll(
            fixture.PutTemplateAsync(eventType, "in_app", "en", new { title = "Hello " + name, body = "Body of " + name }),
            fixture.PutTemplateAsync(eventType, "email", "en", new { subject = "Hello " + name, text = "Body of " + name }),
            fixture.PutTemplateAsync(eventType, "sms", "en", new { body = "Body of " + name }));
        return (userId, eventType);
    }

    private async Task<string> PostAsync(string userId, string eventType, string priority, params string[] channels)
    {
        var eventId = DeliveryFixture.NewId("ev-" + priority);
        await fixture.PostEventAsync(new { eventId, eventType, userId, priority, channels, payload = new { } });
        return eventId;
    }

    private Task<string> PostInAppAsync(string userId, string eventType, string priority) => PostAsync(userId, eventType, priority, "in_app");

    /// <summary>
    /// Posts <paramref name="count"/> events (in-app unless <paramref name="channels"/> are named) in one batch. One request
    /// records them all before the worker gets far: moto answers a cancelled transaction (a claim over the limit) by
    /// restoring the whole table from a copy taken when the transaction began, which would undo an event recorded meanwhile.
    /// </summary>
    private async Task<IReadOnlyList<string>> PostBurstAsync(string userId, string eventType, string priority, int count, params string[] channels)
    {
        channels = channels.Length > 0 ? channels : ["in_app"];
        var events = Enumerable.Range(0, count).Select(_ => DeliveryFixture.NewId("ev-" + priority)).ToList();
        using var client = fixture.CreateClient();
        using var response = await client.PostAsJsonAsync(
            "/api/events/batch",
            new { events = events.Select(eventId => new { eventId, eventType, userId, priority, channels, payload = new { } }) },
            TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(count, body.GetProperty("accepted").GetInt32());
        return events;
    }

    /// <summary>Every event as the API shows it now; a read that raced a write (see <see cref="DeliveryFixture.TryGetEventAsync"/>) is null.</summary>
    private async Task<Snapshot> ReadAllAsync(IEnumerable<string> events) => new(await Task.WhenAll(events.Select(fixture.TryGetEventAsync)));

    /// <summary>Waits for every event to complete with every row sent; returns the events.</summary>
    private async Task<IReadOnlyList<JsonElement>> AllSentAsync(IReadOnlyList<string> events, TimeSpan timeout)
    {
        var done = await Deadline.PollAsync(
            () => ReadAllAsync(events),
            all => all.All(e => e is { } read && read.GetProperty("status").GetString() == "completed"),
            timeout,
            $"all {events.Count} events to complete");
        var completed = done.Select(e => e!.Value).ToList();
        Assert.All(completed.SelectMany(Rows), r => Assert.Equal("sent", Status(r)));
        return completed;
    }

    /// <summary>The rate-limit window a row's (last) claim was charged to.</summary>
    private long WindowOf(JsonElement row) => Transition(row, "sending")!.Value.UtcTicks / fixture.Window.Ticks;

    /// <summary>Sends by the rate-limit window their claim fell in.</summary>
    private Dictionary<long, int> SendsPerWindow(IEnumerable<JsonElement> rows) => rows.GroupBy(WindowOf).ToDictionary(g => g.Key, g => g.Count());

    private void AssertPerWindow(IEnumerable<JsonElement> rows, int max)
    {
        var perWindow = SendsPerWindow(rows);
        Assert.True(perWindow.Values.All(n => n <= max), $"limit {max}: {Describe(rows)}");
    }

    private static string Describe(IEnumerable<JsonElement> rows) =>
        "claims and deferrals: " + string.Join(", ", rows.Select(r => $"{Transition(r, "sending"):HH:mm:ss.fff} (deferred {Transition(r, "deferred"):HH:mm:ss.fff})"));

    /// <summary>Waits until the current rate-limit window has most of its length left, so that a burst fits in it.</summary>
    private Task StartOfWindowAsync() =>
        Deadline.PollAsync(
            () => Task.FromResult(DateTimeOffset.UtcNow.UtcTicks % fixture.Window.Ticks),
            elapsed => elapsed < fixture.Window.Ticks / 5,
            fixture.Window + TimeSpan.FromSeconds(1),
            "the start of a rate-limit window");

    /// <summary>Events as read in one poll, printed whole when a wait times out.</summary>
    private sealed record Snapshot(IReadOnlyList<JsonElement?> Events) : IEnumerable<JsonElement?>
    {
        public IEnumerator<JsonElement?> GetEnumerator() => Events.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => string.Join(Environment.NewLine, Events.Select(e => e?.ToString() ?? "(read raced a write)"));
    }
}

/// <summary>The delivery fixture with small, fast rate limits: two per user in 5 s windows, four for one event type.</summary>
public sealed class RateLimitedDeliveryFixture : DeliveryFixture
{
    public const int EventTypeLimit = 4;

    public int PerUserLimit => 2;

    public TimeSpan Window => TimeSpan.FromSeconds(5);

    /// <summary>The event type with a limit of its own.</summary>
    public string LimitedEventType { get; } = NewId("typed");

    protected override IEnumerable<KeyValuePair<string, string?>> WorkerSettings =>
    [
        new("Notify:Worker:RateLimits:PerUser", PerUserLimit.ToString(CultureInfo.InvariantCulture)),
        new("Notify:Worker:RateLimits:Window", Window.ToString("c", CultureInfo.InvariantCulture)),
        new($"Notify:Worker:RateLimits:EventTypes:{LimitedEventType}", EventTypeLimit.ToString(CultureInfo.InvariantCulture)),
    ];
}
