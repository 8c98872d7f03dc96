using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Notify.Api.Tests.Fixtures;
using Notify.Core.DeadLetters;
using Notify.Core.Events;

namespace Notify.Api.Tests.DeadLetters;

public sealed class DeadLettersEndpointsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private IDeadLetterStore Store => api.Services.GetRequiredService<IDeadLetterStore>();

    [Fact]
    public async Task Should_list_redrive_selected_dead_letters_to_their_lane_and_delete_them()
    {
        using var client = api.CreateClient();
        var old = DateTimeOffset.UtcNow.AddMinutes(-30);
        var high = await SeedAsync(Priority.High, old);
        var low = await SeedAsync(Priority.Low, old);

        using var listed = await client.GetAsync("/api/dead-letters");
        var ids = (await listed.JsonAsync()).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetString()).ToList();
        Assert.Contains(high.Id, ids);
        Assert.Contains(low.Id, ids);

        using var redriven = await client.PostJsonAsync("/api/dead-letters/redrive", $$"""{ "ids": ["{{high.Id}}", "dl-unknown"] }""");

        Assert.Equal(HttpStatusCode.OK, redriven.StatusCode);
        var results = (await redriven.JsonAsync()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["redriven", "not_found"], results.Select(r => r.GetProperty("outcome").GetString()));
        Assert.Single((await api.DrainEventAsync(high.EventId))[Priority.High]);
        Assert.Null(await Store.GetAsync(high.Id, TestContext.Current.CancellationToken));
        Assert.NotNull(await Store.GetAsync(low.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Should_redrive_every_readable_dead_letter_when_no_ids_are_given_even_within_the_fifo_deduplication_window()
    {
        using var client = api.CreateClient();
        var old = await SeedAsync(Priority.Low, DateTimeOffset.UtcNow.AddMinutes(-30));
        var recent = await SeedAsync(Priority.Low, DateTimeOffset.UtcNow.AddMinutes(-1));

        // Its first send a minute ago: SQS FIFO would drop a resend under the same deduplication id.
        await api.Services.GetRequiredService<ILanePublisher>().PublishAsync(recent.Event!, TestContext.Current.CancellationToken);
        Assert.Single((await api.DrainEventAsync(recent.EventId))[Priority.Low]);
        var unreadable = new DeadLetter($"dl-{Guid.NewGuid():N}", "garbled", Priority.Low, null, "not json", 5,
            new Dictionary<string, string>(), DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(-50));
        await Store.PutAsync(unreadable, TestContext.Current.CancellationToken);

        using var response = await client.PostAsync("/api/dead-letters/redrive", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcomes = (await response.JsonAsync()).GetProperty("results").EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("outcome").GetString());
        Assert.Equal("redriven", outcomes[old.Id]);
        Assert.Equal("redriven", outcomes[recent.Id]);
        Assert.Equal("unreadable", outcomes[unreadable.Id]);
        var lane = await api.DrainAsync(Priority.Low);
        Assert.Single(lane, m => ApiFixture.EventIdOf(m) == old.EventId);
        Assert.Single(lane, m => ApiFixture.EventIdOf(m) == recent.EventId);
        Assert.Null(await Store.GetAsync(recent.Id, TestContext.Current.CancellationToken));
        Assert.NotNull(await Store.GetAsync(unreadable.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Should_answer_each_id_in_the_order_given_and_redrive_each_once_when_many_go_at_once()
    {
        using var client = api.CreateClient();
        var seeded = new List<DeadLetter>();
        for (var i = 0; i < 3 * Notify.Api.Apis.DeadLettersEndpoints.RedriveConcurrency; i++)
        {
            seeded.Add(await SeedAsync(Priority.High, DateTimeOffset.UtcNow.AddMinutes(-30)));
        }

        // Unknown ids between the real ones, and one repeated: the answer follows the request, whatever finishes first.
        var ids = seeded.SelectMany((d, i) => i % 5 == 0 ? new[] { d.Id, $"dl-missing-{i}" } : [d.Id]).Append(seeded[0].Id).ToList();
        using var response = await client.PostJsonAsync("/api/dead-letters/redrive", JsonSerializer.Serialize(new { ids }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(ids.Distinct(), results.Select(r => r.GetProperty("id").GetString()));
        Assert.All(results, r => Assert.Equal(r.GetProperty("id").GetString()!.StartsWith("dl-missing-", StringComparison.Ordinal) ? "not_found" : "redriven",
            r.GetProperty("outcome").GetString()));
        Assert.Equal(seeded.Count, body.GetProperty("redriven").GetInt32());
        var lane = await api.DrainAsync(Priority.High);
        foreach (var deadLetter in seeded)
        {
            Assert.Single(lane, m => ApiFixture.EventIdOf(m) == deadLetter.EventId);
            Assert.Null(await Store.GetAsync(deadLetter.Id, TestContext.Current.CancellationToken));
        }
    }

    [Theory]
    [InlineData("""{ "ids": "dl-1" }""", "ids")]
    [InlineData("""{ "ids": [""] }""", "ids")]
    [InlineData("""{ "ids": [], "all": true }""", "all")]
    public async Task Should_answer_400_naming_the_field_when_a_redrive_body_is_invalid(string body, string field)
    {
        using var client = api.CreateClient();

        using var response = await client.PostJsonAsync("/api/dead-letters/redrive", body);

        await response.AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task Should_answer_400_when_the_list_limit_is_out_of_range()
    {
        using var client = api.CreateClient();

        using var zero = await client.GetAsync("/api/dead-letters?limit=0");
        using var text = await client.GetAsync("/api/dead-letters?limit=many");

        await zero.AssertFieldErrorAsync("limit");
        Assert.Contains("integer", (await text.AssertFieldErrorAsync("limit"))[0], StringComparison.Ordinal);
    }

    private async Task<DeadLetter> SeedAsync(Priority lane, DateTimeOffset acceptedAt)
    {
        var eventId = HttpJson.NewId("dead");
        using var payload = JsonDocument.Parse("""{"orderId":"1"}""");
        var submission = new EventSubmission(eventId, "order.shipped", "user-dl", payload.RootElement.Clone(), lane, null, null, null, null);
        var accepted = new AcceptedEvent(submission, lane, KeyMode.Live, "bootstrap", "hash", acceptedAt, null, null);
        var deadLetter = new DeadLetter($"dl-{Guid.NewGuid():N}", eventId, lane, accepted, "{}", 5,
            new Dictionary<string, string> { ["email"] = "timeout" }, acceptedAt.AddSeconds(1), acceptedAt.AddMinutes(5));
        await Store.PutAsync(deadLetter, TestContext.Current.CancellationToken);
        return deadLetter;
    }
}
