using System.Net.Http.Json;
using System.Text.Json;
using Notify.Aws.Tests.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Worker.Tests.Delivery;

/// <summary>
/// The two lanes under a backlog: both are filled while no worker runs, then one worker with two handler slots drains
/// them, so the order in which events are sent is the order the lane consumer chose to take them in.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PriorityTests(LanesFilledFirstFixture fixture) : IClassFixture<LanesFilledFirstFixture>
{
    private const int PerLane = 30;

    [Fact]
    public async Task Should_send_high_priority_first_while_low_still_gets_its_share_when_both_lanes_have_a_backlog()
    {
        var type = DeliveryFixture.NewId("digest");
        await fixture.PutTemplateAsync(type, "in_app", "en", new { body = "Item {{n}}" });
        var events = Enumerable.Range(0, 2 * PerLane)
            .Select(i => (Id: DeliveryFixture.NewId("evt"), High: i % 2 == 0))
            .ToList();
        await PostBatchAsync(type, events);

        // Two slots: a receive takes at most two messages, so the lane consumer's choice of lane decides the order.
        fixture.StartWorker([new("Notify:Worker:Lanes:MaxConcurrency", "2")]);
        var sentAt = await SentTimesAsync(events.Select(e => e.Id).ToList());

        var high = events.Where(e => e.High).Select(e => sentAt[e.Id]).Order().ToList();
        var low = events.Where(e => !e.High).Select(e => sentAt[e.Id]).Order().ToList();
        var order = string.Concat(events.OrderBy(e => sentAt[e.Id]).Select(e => e.High ? 'H' : 'l'));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"sent in order: {order}, in {(sentAt.Values.Max() - sentAt.Values.Min()).TotalSeconds:0.0} s");

        Assert.True(Median(high) < Median(low), $"high's median sent time is before low's: {order}");
        // With equal turns half of the low events would be out by high's median; the 1-in-5 share lets a few through.
        var lowBeforeHighMedian = low.Count(t => t < Median(high));
        Assert.True(lowBeforeHighMedian < PerLane / 4, $"{lowBeforeHighMedian} low events went before high's median: {order}");
        // Without the share only what the low lane took at start-up, before high's first receive came back, would be.
        var lowBeforeLastHigh = low.Count(t => t < high[^1]);
        Assert.True(lowBeforeLastHigh >= 3, $"only {lowBeforeLastHigh} low events went before the last high one: {order}");
    }

    private async Task PostBatchAsync(string type, IReadOnlyList<(string Id, bool High)> events)
    {
        using var client = fixture.CreateClient();
        var batch = events.Select((e, i) => new
        {
            eventId = e.Id,
            eventType = type,
            userId = DeliveryFixture.NewId("user"),
            payload = new { n = i },
            priority = e.High ? "high" : "low",
            channels = new[] { "in_app" },
        });
        using var response = await client.PostAsJsonAsync("/api/events/batch", new { events = batch }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(events.Count, answer.GetProperty("accepted").GetInt32());
    }

    /// <summary>
    /// When each event's in-app row reached <c>sent</c>, as the API shows it. Polls one event at a time (the first one not
    /// seen sent yet), so that polling does not load moto, and the worker with it, by 60 reads every 50 ms.
    /// </summary>
    private async Task<Dictionary<string, DateTimeOffset>> SentTimesAsync(IReadOnlyList<string> eventIds)
    {
        var sentAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        return await Deadline.PollAsync(
            async () =>
            {
                foreach (var id in eventIds.Where(id => !sentAt.ContainsKey(id)).ToList())
                {
                    // A read racing a row's first write is read again at the next poll (see TryGetEventAsync).
                    if (await fixture.TryGetEventAsync(id) is not { } view || view.GetProperty("status").GetString() != "completed")
                    {
                        break;
                    }

                    sentAt[id] = DeliveryFixture.Channel(view, "in_app").GetProperty("transitions").GetProperty("sent").GetDateTimeOffset();
                }

                return sentAt;
            },
            s => s.Count == eventIds.Count,
            TimeSpan.FromMinutes(3),
            "every event to be sent");
    }

    private static DateTimeOffset Median(IReadOnlyList<DateTimeOffset> sorted) => sorted[sorted.Count / 2];
}

/// <summary>A delivery fixture whose worker is started by the test, once the lanes hold what it should find.</summary>
public sealed class LanesFilledFirstFixture : DeliveryFixture
{
    protected override bool StartWorkerInProcess => false;
}
