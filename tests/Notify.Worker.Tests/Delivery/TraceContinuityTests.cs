using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Notify.Aws.Tests.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Worker.Tests.Delivery;

/// <summary>
/// One trace spans POST → enqueue → receive → provider call → state write: the API hands its trace context to the lane
/// as SQS message attributes and the worker's delivery span continues it, with the provider call and the AWS calls
/// beneath it.
/// </summary>
public sealed class TraceContinuityTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>, IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name.StartsWith("Notify", StringComparison.Ordinal) || source.Name == "Microsoft.AspNetCore",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    [Fact]
    public async Task Should_continue_the_callers_trace_from_the_post_to_the_provider_call_when_an_event_is_delivered()
    {
        _listener.ActivityStopped = _stopped.Enqueue;
        ActivitySource.AddActivityListener(_listener);
        var eventType = DeliveryFixture.NewId("trace");
        await fixture.PutTemplateAsync(eventType, "email", "en", new { subject = "Traced", text = "Hello" });
        var traceId = ActivityTraceId.CreateRandom();
        var eventId = DeliveryFixture.NewId("evt");

        using (var client = fixture.CreateClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events")
            {
                Content = JsonContent.Create(new { eventId, eventType, userId = DeliveryFixture.NewId("u"), channels = new[] { "email" }, payload = new { }, recipient = new { email = "traced@example.com" } }),
            };
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }

        await fixture.WaitForEventAsync(eventId);
        var trace = await Deadline.PollAsync(
            () => Task.FromResult(_stopped.Where(a => a.TraceId == traceId).ToList()),
            spans => spans.Any(s => s.DisplayName.StartsWith("deliver ", StringComparison.Ordinal)) && spans.Any(s => s.DisplayName == "send email"),
            TimeSpan.FromSeconds(10),
            "the worker's spans to join the trace");

        var deliver = Assert.Single(trace, s => s.DisplayName == $"deliver {eventType}");
        Assert.Equal(ActivityKind.Consumer, deliver.Kind);
        Assert.Equal(eventId, deliver.GetTagItem("notify.event_id"));
        var send = Assert.Single(trace, s => s.DisplayName == "send email");
        Assert.Equal(deliver.SpanId, send.ParentSpanId);
        Assert.Contains(trace, s => s.ParentSpanId == send.SpanId && s.DisplayName.Contains("SendEmail", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server);
        Assert.Contains(trace, s => s.ParentSpanId == deliver.SpanId && s.DisplayName.Contains("DynamoDB", StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose() => _listener.Dispose();
}
