using System.Net;
using System.Text.Json;
using Notify.Aws.Tests.Fixtures;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Faults;

/// <summary>
/// The API loses an event between recording it and putting it on its lane, end to end: the API process is killed
/// (SIGKILL) while its lane send is held in the proxy, never to reach SQS; or every lane send of the request is dropped
/// by the proxy. Either way the record stays <c>received</c>, the worker's sweeper enqueues it after
/// <c>Notify:Store:SweepDelay</c> (5 s here), and it is delivered exactly once. The in-process version, which stops at
/// the 503 and the <c>received</c> record, is tests/Notify.Api.Tests/Events/EnqueueFailureTests.cs.
/// </summary>
[Collection(FaultsCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ApiCrashTests(FaultsFixture system)
{
    /// <summary><c>Notify:Store:SweepDelay</c> in <see cref="EndToEndFixture.FastSettings"/>: how old an unqueued record is before the sweeper takes it.</summary>
    private static readonly TimeSpan SweepDelay = TimeSpan.Parse(EndToEndFixture.FastSettings["Notify:Store:SweepDelay"]!, System.Globalization.CultureInfo.InvariantCulture);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static bool IsLaneSend(ProxiedRequest request) => request.Target?.StartsWith("AmazonSQS.SendMessage", StringComparison.Ordinal) == true;

    [Fact]
    public async Task Should_deliver_exactly_once_through_the_sweeper_when_the_api_is_killed_between_record_and_enqueue()
    {
        var (eventId, body, marker) = await EmailEventAsync();
        system.Proxy.Reset();
        var hold = system.Proxy.Add(FaultRule.Next(1, new Fault.Hold(), IsLaneSend));
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnFault(ProxiedRequest request, Fault fault)
        {
            if (fault is Fault.Hold)
            {
                released.TrySetResult();
            }
        }

        system.Proxy.FaultInjected += OnFault;
        var apiPid = system.ServicePid("api");

        var post = system.SendEventAsync(body);
        await Deadline.PollAsync(() => Task.FromResult(hold.Injected), n => n == 1 || post.IsCompleted, TimeSpan.FromSeconds(30), "the API's lane send to reach the proxy");
        if (post.IsCompleted)
        {
            var early = await Record.ExceptionAsync(() => post);
            Assert.Fail($"POST ended before its lane send was held: {early?.Message ?? (await post).Status.ToString()}");
        }

        Assert.Equal("received", (await system.GetEventAsync(eventId)).GetProperty("status").GetString());

        var restartedPid = await system.KillServiceAsync("api");

        // The client never got an answer: the process died with the request.
        var lost = await Record.ExceptionAsync(() => post);
        Assert.True(lost is HttpRequestException or TaskCanceledException, $"POST to the killed API (pid {apiPid}, now {restartedPid}) ended with {lost?.GetType().Name ?? "an answer"}");

        // The held send ended with its caller, unforwarded: SQS never saw the API's enqueue.
        await released.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        system.Proxy.FaultInjected -= OnFault;
        await AssertDeliveredOnceBySweeperAsync(eventId, marker);
    }

    [Fact]
    public async Task Should_deliver_exactly_once_through_the_sweeper_when_every_lane_send_of_the_request_is_dropped()
    {
        var (eventId, body, marker) = await EmailEventAsync();
        system.Proxy.Reset();
        var drop = system.Proxy.Add(FaultRule.Always(new Fault.Abort(), IsLaneSend));

        var (status, answer) = await system.SendEventAsync(body);
        system.Proxy.Reset();

        Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{(int)status}: {answer}");
        Assert.Equal("received", (await system.GetEventAsync(eventId)).GetProperty("status").GetString());
        TestContext.Current.TestOutputHelper?.WriteLine($"lane sends dropped (the API's attempts): {drop.Injected}");
        Assert.True(drop.Injected >= 1);
        await AssertDeliveredOnceBySweeperAsync(eventId, marker);
    }

    /// <summary>A user with an email address, an email template, and an event for them (not posted yet).</summary>
    private async Task<(string EventId, object Body, string Marker)> EmailEventAsync()
    {
        var user = EndToEndFixture.NewId("u-crash");
        var type = EndToEndFixture.NewId("crash");
        var marker = EndToEndFixture.NewId("m");
        await system.PutContactAsync(user, new { email = $"{user}@example.com" });
        await system.PutTemplateAsync(type, "email", "en", new { subject = "Crash {{marker}}", text = "Crash {{marker}}" });
        var eventId = EndToEndFixture.NewId("evt");
        return (eventId, new { eventId, eventType = type, userId = user, payload = new { marker }, channels = new[] { "email" } }, marker);
    }

    /// <summary>
    /// The event ends completed with its email sent once, the row created no sooner than the sweep delay after the event
    /// was accepted (so the sweeper, not the API, queued it), and once the lanes are empty still exactly one email.
    /// </summary>
    private async Task AssertDeliveredOnceBySweeperAsync(string eventId, string marker)
    {
        var done = await system.WaitForEventAsync(eventId, timeout: TimeSpan.FromSeconds(90));
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var row = EndToEndFixture.Channel(done, "email");
        Assert.Equal("sent", EndToEndFixture.Status(row));
        Assert.Equal(1, row.GetProperty("attempts").GetInt32());
        var queuedAfter = row.GetProperty("createdAt").GetDateTimeOffset() - done.GetProperty("acceptedAt").GetDateTimeOffset();
        Assert.True(queuedAfter >= SweepDelay - TimeSpan.FromMilliseconds(500), $"The row was created {queuedAfter.TotalSeconds:0.0} s after acceptance: not by the sweeper.");

        await Deadline.PollAsync(
            async () =>
            {
                using var lanes = await system.Api.GetAsync("/api/lanes", Ct);
                var queues = JsonDocument.Parse(await lanes.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("queues").EnumerateArray();
                return queues.Sum(q => q.GetProperty("visible").GetInt32() + q.GetProperty("inFlight").GetInt32() + q.GetProperty("delayed").GetInt32());
            },
            depth => depth == 0,
            TimeSpan.FromSeconds(60),
            "the lanes to be empty");
        Assert.Single(await system.SentEmailsAsync(), m => (string?)m["subject"] == $"Crash {marker}");
    }
}
