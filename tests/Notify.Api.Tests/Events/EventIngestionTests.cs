using System.Net;
using System.Text;
using System.Text.Json;
using Notify.Api.Tests.Fixtures;
using Notify.Core;
using Notify.Core.Events;

namespace Notify.Api.Tests.Events;

public sealed class EventIngestionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Should_answer_202_and_put_the_event_on_its_lane_when_the_event_is_valid()
    {
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();

        using var response = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId, userId: "user-202", extra: "\"priority\":\"high\""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(eventId, body.GetProperty("eventId").GetString());
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.Equal($"/api/events/{eventId}", body.GetProperty("links").GetProperty("self").GetString());
        Assert.False(body.TryGetProperty("duplicate", out _));
        Assert.Equal($"/api/events/{eventId}", response.Headers.Location?.OriginalString);

        var onLane = await api.DrainEventAsync(eventId);
        var message = Assert.Single(onLane[Priority.High]);
        Assert.Empty(onLane[Priority.Low]);
        Assert.Equal(eventId, message.Attributes["MessageDeduplicationId"]);
        Assert.Equal("user-202", message.Attributes["MessageGroupId"]);
        var carried = JsonSerializer.Deserialize<AcceptedEvent>(message.Body!, NotifyJson.Options)!;
        Assert.Equal("order.shipped", carried.Submission.EventType);
        Assert.Equal("8412", carried.Submission.Payload.GetProperty("orderId").GetString());
        Assert.Equal(Notify.Api.Auth.ApiCaller.BootstrapKeyId, carried.ApiKeyId);
    }

    [Fact]
    public async Task Should_carry_the_callers_trace_context_to_the_lane_when_a_traceparent_is_sent()
    {
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = HttpJson.Json(HttpJson.Event(eventId)) };
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var message = Assert.Single((await api.DrainEventAsync(eventId))[Priority.Low]);
        var carried = JsonSerializer.Deserialize<AcceptedEvent>(message.Body!, NotifyJson.Options)!;
        Assert.Contains(traceId, carried.TraceParent, StringComparison.Ordinal);
        Assert.Contains(traceId, message.MessageAttributes[LanePolicy.TraceParentAttribute].StringValue, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_200_duplicate_with_the_original_result_when_the_same_body_is_posted_again()
    {
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();
        using var first = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        // Same values, other member order and whitespace: the same event.
        using var second = await client.PostJsonAsync("/api/events",
            $$"""{ "payload": {"orderId":"8412"}, "userId":"user-1", "eventType":"order.shipped", "eventId":"{{eventId}}" }""");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var body = await second.JsonAsync();
        Assert.Equal(eventId, body.GetProperty("eventId").GetString());
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("duplicate").GetBoolean());
        Assert.Single((await api.DrainEventAsync(eventId))[Priority.Low]);
    }

    [Fact]
    public async Task Should_answer_409_when_the_same_eventId_comes_with_a_different_body()
    {
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();
        using var first = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        using var second = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId, userId: "someone-else"));

        var problem = await second.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(eventId, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var stored = await client.GetAsync($"/api/events/{eventId}");
        Assert.Equal("user-1", (await stored.JsonAsync()).GetProperty("userId").GetString());
        Assert.Single((await api.DrainEventAsync(eventId))[Priority.Low]);
    }

    [Fact]
    public async Task Should_put_exactly_one_message_on_the_lane_when_50_identical_posts_race()
    {
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();
        var body = HttpJson.Event(eventId, userId: "user-race");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.PostJsonAsync("/api/events", body)));

        var codes = responses.Select(r => r.StatusCode).ToList();
        Assert.All(codes, c => Assert.True(c is HttpStatusCode.Accepted or HttpStatusCode.OK, $"unexpected {c}"));
        Assert.Equal(1, codes.Count(c => c == HttpStatusCode.Accepted));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var onLane = await api.DrainEventAsync(eventId);
        Assert.Single(onLane[Priority.Low]);
        Assert.Empty(onLane[Priority.High]);
    }

    [Theory]
    [InlineData("order.shipped", "\"priority\":\"high\"", Priority.High)]
    [InlineData("order.shipped", "\"priority\":\"low\"", Priority.Low)]
    [InlineData(ApiFixture.HighByDefaultType, null, Priority.High)]
    [InlineData(ApiFixture.HighByDefaultType, "\"priority\":\"low\"", Priority.Low)]
    [InlineData(ApiFixture.LowByDefaultType, "\"priority\":\"high\"", Priority.High)]
    [InlineData(ApiFixture.LowByDefaultType, null, Priority.Low)]
    [InlineData("no.default.configured", null, Priority.Low)]
    public async Task Should_choose_the_lane_from_explicit_priority_then_type_default_then_low(string eventType, string? priority, Priority lane)
    {
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();

        using var response = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId, eventType, extra: priority));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var onLane = await api.DrainEventAsync(eventId);
        Assert.Single(onLane[lane]);
        Assert.Empty(onLane[lane == Priority.High ? Priority.Low : Priority.High]);
        using var stored = await client.GetAsync($"/api/events/{eventId}");
        Assert.Equal(lane == Priority.High ? "high" : "low", (await stored.JsonAsync()).GetProperty("priority").GetString());
    }

    [Fact]
    public async Task Should_record_without_enqueueing_when_sendAt_is_in_the_future()
    {
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();
        var sendAt = DateTimeOffset.UtcNow.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        using var response = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId, extra: $"\"sendAt\":\"{sendAt}\""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("scheduled", (await response.JsonAsync()).GetProperty("status").GetString());
        var onLane = await api.DrainEventAsync(eventId);
        Assert.Empty(onLane[Priority.Low]);
        Assert.Empty(onLane[Priority.High]);
        using var stored = await client.GetAsync($"/api/events/{eventId}");
        Assert.Equal("scheduled", (await stored.JsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_cancel_a_scheduled_event_and_refuse_to_cancel_one_already_queued()
    {
        using var client = api.CreateClient();
        var scheduled = HttpJson.NewId();
        var sendAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        using (var r = await client.PostJsonAsync("/api/events", HttpJson.Event(scheduled, extra: $"\"sendAt\":\"{sendAt}\"")))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        var queued = HttpJson.NewId();
        using (var r = await client.PostJsonAsync("/api/events", HttpJson.Event(queued)))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        using var cancelled = await client.DeleteAsync($"/api/events/{scheduled}");
        using var tooLate = await client.DeleteAsync($"/api/events/{queued}");
        using var unknown = await client.DeleteAsync($"/api/events/{HttpJson.NewId()}");

        Assert.Equal(HttpStatusCode.NoContent, cancelled.StatusCode);
        using var stored = await client.GetAsync($"/api/events/{scheduled}");
        Assert.Equal("cancelled", (await stored.JsonAsync()).GetProperty("status").GetString());
        await tooLate.AssertProblemAsync(HttpStatusCode.Conflict);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        await api.DrainEventAsync(queued);
    }

    [Fact]
    public async Task Should_show_the_event_with_its_status_and_mode_when_it_is_read_back()
    {
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();
        using (var r = await client.PostJsonAsync("/api/events",
                   HttpJson.Event(eventId, extra: "\"channels\":[\"email\",\"in_app\"],\"recipient\":{\"email\":\"ada@example.com\"}")))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        using var response = await client.GetAsync($"/api/events/{eventId}");
        using var missing = await client.GetAsync($"/api/events/{HttpJson.NewId()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(eventId, body.GetProperty("eventId").GetString());
        Assert.Equal("received", body.GetProperty("status").GetString());
        Assert.Equal("live", body.GetProperty("mode").GetString());
        Assert.Equal("8412", body.GetProperty("payload").GetProperty("orderId").GetString());
        Assert.Equal(["email", "in_app"], body.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("ada@example.com", body.GetProperty("recipient").GetProperty("email").GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("notifications").ValueKind);
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        await api.DrainEventAsync(eventId);
    }

    [Fact]
    public async Task Should_answer_413_and_store_nothing_when_the_body_is_over_256_KiB()
    {
        using var client = api.CreateClient();
        var eventId = HttpJson.NewId();
        var body = HttpJson.Event(eventId, extra: $"\"padding\":\"{new string('x', 256 * 1024)}\"");

        using var response = await client.PostJsonAsync("/api/events", body);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        using var stored = await client.GetAsync($"/api/events/{eventId}");
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task Should_answer_413_when_a_chunked_body_grows_past_the_limit()
    {
        using var client = api.CreateClient();
        var bytes = Encoding.UTF8.GetBytes(HttpJson.Event(HttpJson.NewId(), extra: $"\"padding\":\"{new string('x', 300 * 1024)}\""));
        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-16")]
    public async Task Should_answer_415_when_the_body_is_not_json(string contentType)
    {
        using var client = api.CreateClient();
        using var content = new StringContent(HttpJson.Event(HttpJson.NewId()));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        using var response = await client.PostAsync("/api/events", content, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Should_answer_each_batch_item_in_order_when_a_batch_mixes_outcomes()
    {
        using var client = api.CreateClient();
        var accepted = HttpJson.NewId();
        var duplicate = HttpJson.NewId();
        var conflicting = HttpJson.NewId();
        using (var r = await client.PostJsonAsync("/api/events", HttpJson.Event(duplicate)))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        using (var r = await client.PostJsonAsync("/api/events", HttpJson.Event(conflicting)))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        var batch = $$"""
            {"events":[
              {{HttpJson.Event(accepted, extra: "\"priority\":\"high\"")}},
              {{HttpJson.Event(duplicate)}},
              {"eventId":"{{HttpJson.NewId()}}","eventType":"order.shipped","payload":{"k":1} },
              {{HttpJson.Event(conflicting, userId: "changed")}}
            ]}
            """;

        using var response = await client.PostJsonAsync("/api/events/batch", batch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal([202, 200, 400, 409], results.Select(r => r.GetProperty("statusCode").GetInt32()));
        Assert.Equal(accepted, results[0].GetProperty("eventId").GetString());
        Assert.Equal("accepted", results[0].GetProperty("status").GetString());
        Assert.True(results[1].GetProperty("duplicate").GetBoolean());
        Assert.True(results[2].GetProperty("errors").TryGetProperty("userId", out _));
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(2, body.GetProperty("rejected").GetInt32());
        Assert.Single((await api.DrainEventAsync(accepted))[Priority.High]);
    }

    [Fact]
    public async Task Should_accept_100_events_in_one_batch_and_refuse_101()
    {
        using var client = api.CreateClient();
        var ids = Enumerable.Range(0, 100).Select(_ => HttpJson.NewId()).ToList();
        var hundred = $$"""{"events":[{{string.Join(",", ids.Select(id => HttpJson.Event(id, userId: "batch-user-" + id[^2..])))}}]}""";
        var hundredAndOne = $$"""{"events":[{{string.Join(",", Enumerable.Range(0, 101).Select(_ => HttpJson.Event(HttpJson.NewId())))}}]}""";

        using var ok = await client.PostJsonAsync("/api/events/batch", hundred);
        using var tooMany = await client.PostJsonAsync("/api/events/batch", hundredAndOne);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var results = (await ok.JsonAsync()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(100, results.Count);
        Assert.All(results, r => Assert.Equal(202, r.GetProperty("statusCode").GetInt32()));
        Assert.Equal(ids, results.Select(r => r.GetProperty("eventId").GetString()));
        var onLane = (await api.DrainAsync(Priority.Low)).Select(ApiFixture.EventIdOf).ToHashSet();
        Assert.Subset(onLane, ids.ToHashSet<string?>());
        await tooMany.AssertFieldErrorAsync("events");
    }

    [Fact]
    public async Task Should_answer_413_when_a_batch_body_is_over_1_MiB()
    {
        using var client = api.CreateClient();
        var big = $$"""{"events":[{{HttpJson.Event(HttpJson.NewId(), extra: $"\"padding\":\"{new string('x', 1024 * 1024)}\"")}}]}""";

        using var response = await client.PostJsonAsync("/api/events/batch", big);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }
}
