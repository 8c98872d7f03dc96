using System.Net.Http.Json;
using System.Text.Json;
using Notify.Aws.Tests.Fixtures;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Scenarios;

/// <summary>
/// The two lanes under load: a backlog of low-priority events is queued first, high-priority ones arrive behind it, and
/// the worker finishes the high ones while the low backlog is still draining. SMS, one per event and user: of the channels
/// moto serves, the quickest (an in-app row commits in a transaction, which moto serves about once a second).
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PriorityScenarios(EndToEndFixture system)
{
    private const int Low = 150;
    private const int High = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_finish_every_high_priority_event_before_the_low_backlog_when_high_arrives_behind_it()
    {
        var type = EndToEndFixture.NewId("load");
        await system.PutTemplateAsync(type, "sms", "en", new { body = "Item {{n}}" });
        var low = Enumerable.Range(0, Low).Select(_ => EndToEndFixture.NewId("low")).ToList();
        var high = Enumerable.Range(0, High).Select(_ => EndToEndFixture.NewId("high")).ToList();

        foreach (var chunk in low.Chunk(100))
        {
            await PostBatchAsync(type, chunk, "low");
        }

        await PostBatchAsync(type, high, "high");

        var highSent = await SentTimesAsync(high, TimeSpan.FromSeconds(120));
        var lowSent = await SentTimesAsync(low, TimeSpan.FromSeconds(240));
        var lastHigh = highSent.Values.Max();
        var lowAfter = lowSent.Values.Count(t => t > lastHigh);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"last high sent {(lastHigh - lowSent.Values.Min()).TotalSeconds:0.0} s after the first low; {lowAfter} of {Low} low events went after it; " +
            $"low drained {(lowSent.Values.Max() - lowSent.Values.Min()).TotalSeconds:0.0} s after its first");
        Assert.True(lastHigh < lowSent.Values.Max(), "the low backlog was drained before the last high-priority event was sent");
        Assert.True(lowAfter >= Low / 4, $"only {lowAfter} of {Low} low events were still waiting when the last high one went out");
    }

    private async Task PostBatchAsync(string type, IReadOnlyList<string> ids, string priority)
    {
        var events = ids.Select((id, i) => new
        {
            eventId = id,
            eventType = type,
            userId = EndToEndFixture.NewId("u"),
            priority,
            payload = new { n = i },
            channels = new[] { "sms" },
            recipient = new { phone = DeliveryScenarios.NewPhone() },
        });
        using var response = await system.Api.PostAsJsonAsync("/api/events/batch", new { events }, Ct);
        response.EnsureSuccessStatusCode();
        Assert.Equal(ids.Count, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accepted").GetInt32());
    }

    /// <summary>
    /// When each event's SMS row reached <c>sent</c>. Reads the open events in their posting order and stops at the first
    /// still open, so polling costs moto a few reads per round rather than one per event.
    /// </summary>
    private async Task<Dictionary<string, DateTimeOffset>> SentTimesAsync(IReadOnlyList<string> ids, TimeSpan timeout)
    {
        var sentAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        return await Deadline.PollAsync(
            async () =>
            {
                foreach (var id in ids.Where(id => !sentAt.ContainsKey(id)).ToList())
                {
                    // A row that says sent without its transition yet is moto showing an UpdateItem half-applied (it sets
                    // attribute after attribute; DynamoDB never exposes that): read it again next round.
                    if (await system.TryGetEventAsync(id) is not { } view || EndToEndFixture.ChannelStatus(view, "sms") != "sent"
                        || EndToEndFixture.Transition(EndToEndFixture.Channel(view, "sms"), "sent") is not { } at)
                    {
                        await Task.Delay(200, Ct);
                        break;
                    }

                    sentAt[id] = at;
                }

                return sentAt;
            },
            s => s.Count == ids.Count,
            timeout,
            $"{ids.Count} events to be sent");
    }
}
