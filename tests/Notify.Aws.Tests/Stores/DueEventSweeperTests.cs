using Notify.Aws.DynamoDb;
using Notify.Aws.Http;
using Notify.Aws.Lanes;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Events;

namespace Notify.Aws.Tests.Stores;

public sealed class DueEventSweeperTests(StoresFixture fixture) : IClassFixture<StoresFixture>
{
    private static DynamoStoreOptions Options => new() { SweepDelay = TimeSpan.FromSeconds(1), DueLookback = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task Should_enqueue_due_events_on_their_lanes_once_and_not_again_when_they_wait_in_a_backlogged_lane()
    {
        var ct = TestContext.Current.CancellationToken;
        using var env = await fixture.NewEnvironmentAsync();
        var now = DateTimeOffset.UtcNow;
        var clock = new ManualTime(now.AddMinutes(3));
        var store = env.EventStore(Options, clock);
        await using var publisher = env.LanePublisher();
        var sweeper = new DueEventSweeper(store, publisher);
        var unsent = StoreSamples.Event(acceptedAt: now, priority: Priority.High);
        var scheduled = StoreSamples.Event(acceptedAt: now, sendAt: now.AddMinutes(2), priority: Priority.Low);
        var later = StoreSamples.Event(acceptedAt: now, sendAt: now.AddHours(1), priority: Priority.Low);
        var cancelled = StoreSamples.Event(acceptedAt: now, sendAt: now.AddMinutes(2), priority: Priority.High);
        foreach (var e in new[] { unsent, scheduled, later, cancelled })
        {
            await store.RecordAsync(e, ct);
        }

        await store.CancelAsync(cancelled.EventId, now, ct);

        var first = await sweeper.RunOnceAsync(clock.Now, ct);
        var onHigh = await StoreSamples.DrainAsync(env.Sqs, env.HighLaneUrl, 1);
        var onLow = await StoreSamples.DrainAsync(env.Sqs, env.LowLaneUrl, 1);
        var second = await sweeper.RunOnceAsync(clock.Now, ct);

        Assert.Equal(2, first);
        Assert.Equal(unsent.EventId, StoreSamples.Body(Assert.Single(onHigh)).EventId);
        Assert.Equal(scheduled.EventId, StoreSamples.Body(Assert.Single(onLow)).EventId);
        Assert.Equal(EventStatus.Received, (await store.GetAsync(scheduled.EventId, ct))!.Status);
        Assert.Equal(EventStatus.Scheduled, (await store.GetAsync(later.EventId, ct))!.Status);
        Assert.Equal(0, second);
        Assert.Empty(await StoreSamples.ReceiveNowAsync(env.Sqs, env.HighLaneUrl));
        Assert.Empty(await StoreSamples.ReceiveNowAsync(env.Sqs, env.LowLaneUrl));

        // Not taken by a worker long after the sweep delay (a backlogged lane): still on the lane, so not enqueued again.
        clock.Now = clock.Now.AddMinutes(10);
        Assert.Equal(0, await sweeper.RunOnceAsync(clock.Now, ct));
    }

    [Fact]
    public async Task Should_leave_an_event_due_when_its_lane_refused_it_and_enqueue_it_on_the_next_pass()
    {
        var ct = TestContext.Current.CancellationToken;
        using var env = await fixture.NewEnvironmentAsync();
        await using var proxy = await FaultProxy.StartAsync(env.Moto.Endpoint);
        using var sqs = new SqsClient(AwsConnection.ForLocal(proxy.Endpoint));
        var now = DateTimeOffset.UtcNow;
        var clock = new ManualTime(now.AddMinutes(1));
        var store = env.EventStore(Options, clock);
        await using var publisher = env.LanePublisher(sqs: sqs);
        var sweeper = new DueEventSweeper(store, publisher);
        var scheduled = StoreSamples.Event(acceptedAt: now, sendAt: now.AddSeconds(30));
        await store.RecordAsync(scheduled, ct);
        proxy.Add(FaultRule.Always(new Fault.Error(400, "InvalidAddress"), FaultRule.Target("SendMessageBatch")));

        var refused = await sweeper.RunOnceAsync(clock.Now, ct);
        var stillScheduled = (await store.GetAsync(scheduled.EventId, ct))!.Status;
        proxy.Reset();
        clock.Now = clock.Now.AddMinutes(1);
        var accepted = await sweeper.RunOnceAsync(clock.Now, ct);

        Assert.Equal(0, refused);
        Assert.Equal(EventStatus.Scheduled, stillScheduled);
        Assert.Equal(1, accepted);
        Assert.Equal(scheduled.EventId, StoreSamples.Body(Assert.Single(await StoreSamples.DrainAsync(env.Sqs, env.LowLaneUrl, 1))).EventId);
    }
}
