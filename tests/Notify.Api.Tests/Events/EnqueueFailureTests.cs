using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Notify.Api.Tests.Fixtures;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Events;

namespace Notify.Api.Tests.Events;

/// <summary>The lane refuses the send (SendMessageBatch fails through a fault proxy): never a 202, the record stays <c>received</c>.</summary>
public sealed class EnqueueFailureTests(FaultProxiedApiFixture api) : IClassFixture<FaultProxiedApiFixture>
{
    [Fact]
    public async Task Should_answer_503_and_keep_the_record_received_when_the_enqueue_fails()
    {
        var proxy = api.Proxy!;
        proxy.Reset();
        var refuse = proxy.Add(FaultRule.Always(Fault.ServerError(), r => r.Target is { } t && t.StartsWith("AmazonSQS.SendMessage", StringComparison.Ordinal)));
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();

        using var response = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId));

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains(eventId, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.True(refuse.Injected > 0);
        using var stored = await client.GetAsync($"/api/events/{eventId}");
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal("received", (await stored.JsonAsync()).GetProperty("status").GetString());
        Assert.Empty((await api.DrainEventAsync(eventId))[Priority.Low]);

        // The retry the 503 asks for is recognised as the same event; the sweeper owns the enqueue from here.
        proxy.Reset();
        using var retried = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.True((await retried.JsonAsync()).GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task Should_leave_an_accepted_event_out_of_the_sweep_so_a_backlogged_lane_does_not_get_it_twice()
    {
        api.Proxy!.Reset();
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();

        using var response = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.DoesNotContain(eventId, await DueInAnHourAsync());
        Assert.Single((await api.DrainEventAsync(eventId))[Priority.Low]);
    }

    [Fact]
    public async Task Should_answer_202_and_leave_the_event_to_the_sweeper_when_marking_it_enqueued_fails()
    {
        var proxy = api.Proxy!;
        proxy.Reset();
        var refuse = proxy.Add(FaultRule.Always(Fault.ServerError(), FaultRule.Target("UpdateItem")));
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();

        using var response = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId));
        proxy.Reset();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(refuse.Injected > 0);
        Assert.Contains(eventId, await DueInAnHourAsync());
        Assert.Single((await api.DrainEventAsync(eventId))[Priority.Low]);
    }

    [Fact]
    public async Task Should_answer_503_per_item_when_the_lane_refuses_a_batch()
    {
        var proxy = api.Proxy!;
        proxy.Reset();
        proxy.Add(FaultRule.Always(Fault.ServerError(), r => r.Target is { } t && t.StartsWith("AmazonSQS.SendMessage", StringComparison.Ordinal)));
        using var client = api.CreateClient();
        var ids = new[] { HttpJson.NewId(), HttpJson.NewId() };

        using var response = await client.PostJsonAsync("/api/events/batch", $$"""{"events":[{{HttpJson.Event(ids[0])}},{{HttpJson.Event(ids[1])}}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.JsonAsync()).GetProperty("results").EnumerateArray().ToList();
        Assert.All(results, r => Assert.Equal(503, r.GetProperty("statusCode").GetInt32()));
        proxy.Reset();
        foreach (var id in ids)
        {
            using var stored = await client.GetAsync($"/api/events/{id}");
            Assert.Equal("received", (await stored.JsonAsync()).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Should_answer_503_problem_when_dynamodb_is_unavailable()
    {
        var proxy = api.Proxy!;
        proxy.Reset();
        proxy.Add(FaultRule.Always(Fault.ServerError(), r => r.Target is { } t && t.StartsWith("DynamoDB_", StringComparison.Ordinal)));
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();

        using var response = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId));

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        proxy.Reset();
        Assert.Empty((await api.DrainEventAsync(eventId))[Priority.Low]);
    }

    /// <summary>What the worker's sweeper would enqueue an hour from now (the API's own store, straight to moto).</summary>
    private async Task<HashSet<string>> DueInAnHourAsync()
    {
        var due = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in api.Services.GetRequiredService<IEventStore>().DueAsync(DateTimeOffset.UtcNow.AddHours(1), TestContext.Current.CancellationToken))
        {
            due.Add(e.EventId);
        }

        return due;
    }
}
