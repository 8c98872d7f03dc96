using System.Net;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Scenarios;

/// <summary>
/// The eventId is the idempotency key from the client to the provider: a replay of the same request is answered as the
/// duplicate it is and delivers nothing more; the same id with a different body is a conflict.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class IdempotencyScenarios(EndToEndFixture system)
{
    [Fact]
    public async Task Should_deliver_one_email_and_answer_each_replay_as_a_duplicate_when_the_same_event_is_posted_three_times()
    {
        var (user, type) = await EmailUserAsync();
        var marker = EndToEndFixture.NewId("m");
        var eventId = EndToEndFixture.NewId("evt");
        var body = new { eventId, eventType = type, userId = user, payload = new { marker }, channels = new[] { "email" } };

        var first = await system.SendEventAsync(body);
        var replay = await system.SendEventAsync(body);
        Assert.Equal("completed", (await system.WaitForEventAsync(eventId)).GetProperty("status").GetString());
        var late = await system.SendEventAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.False(first.Body.TryGetProperty("duplicate", out _), first.Body.ToString());
        foreach (var (status, answer) in new[] { replay, late })
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(answer.GetProperty("duplicate").GetBoolean(), answer.ToString());
            Assert.Equal(eventId, answer.GetProperty("eventId").GetString());
        }

        // The user's FIFO group is worked in order: once a later event of the same user is done, anything a replay might
        // have queued ahead of it has been handled too.
        await FlushUserAsync(user, type);
        Assert.Single(await system.SentEmailsAsync(), m => (string?)m["subject"] == $"Receipt {marker}");
    }

    [Fact]
    public async Task Should_answer_409_and_deliver_only_the_original_when_the_same_event_id_comes_with_a_different_body()
    {
        var (user, type) = await EmailUserAsync();
        var (original, other) = (EndToEndFixture.NewId("m"), EndToEndFixture.NewId("m"));
        var eventId = EndToEndFixture.NewId("evt");

        var first = await system.SendEventAsync(new { eventId, eventType = type, userId = user, payload = new { marker = original }, channels = new[] { "email" } });
        var conflict = await system.SendEventAsync(new { eventId, eventType = type, userId = user, payload = new { marker = other }, channels = new[] { "email" } });

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal(409, conflict.Body.GetProperty("status").GetInt32());
        Assert.Equal("completed", (await system.WaitForEventAsync(eventId)).GetProperty("status").GetString());
        await FlushUserAsync(user, type);
        var emails = await system.SentEmailsAsync();
        Assert.Single(emails, m => (string?)m["subject"] == $"Receipt {original}");
        Assert.DoesNotContain(emails, m => (string?)m["subject"] == $"Receipt {other}");
    }

    private async Task<(string User, string Type)> EmailUserAsync()
    {
        var user = EndToEndFixture.NewId("u-idem");
        var type = EndToEndFixture.NewId("receipt");
        await system.PutContactAsync(user, new { email = $"{user}@example.com" });
        await system.PutTemplateAsync(type, "email", "en", new { subject = "Receipt {{marker}}", text = "Thanks" });
        await system.PutTemplateAsync(type, "in_app", "en", new { body = "Marker {{marker}}" });
        return (user, type);
    }

    /// <summary>Sends one more (in-app) event of the user on the same lane and waits until it is done.</summary>
    private async Task FlushUserAsync(string user, string type)
    {
        var eventId = EndToEndFixture.NewId("flush");
        await system.PostEventAsync(new { eventId, eventType = type, userId = user, payload = new { marker = "flush" }, channels = new[] { "in_app" } });
        await system.WaitForEventAsync(eventId);
    }
}
