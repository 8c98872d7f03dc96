using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Notify.Aws.DynamoDb;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Aws.Tests.Stores;

public sealed class DynamoEventStoreTests(StoresFixture fixture) : IClassFixture<StoresFixture>
{
    private static readonly DynamoStoreOptions Tiny = new() { SweepDelay = TimeSpan.FromSeconds(1), DueLookback = TimeSpan.FromMinutes(10) };

    private StoreEnvironment Env => fixture.Shared;

    [Fact]
    public async Task Should_record_once_and_answer_the_stored_event_when_the_same_id_is_recorded_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.EventStore();
        var first = StoreSamples.Event(bodyHash: "hash-original");
        var again = first with { BodyHash = "hash-other", AcceptedAt = first.AcceptedAt.AddSeconds(3) };

        var recorded = await store.RecordAsync(first, ct);
        var repeated = await store.RecordAsync(again, ct);

        Assert.IsType<RecordOutcome.Recorded>(recorded);
        var existing = Assert.IsType<RecordOutcome.AlreadyRecorded>(repeated).Existing;
        Assert.Equal("hash-original", existing.Event.BodyHash);
        Assert.Equal(first.AcceptedAt, existing.Event.AcceptedAt);
        Assert.Equal(EventStatus.Received, existing.Status);
    }

    [Fact]
    public async Task Should_record_exactly_once_when_50_records_of_one_event_id_race()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.EventStore();
        var eventId = StoreSamples.NewId();
        var attempts = Enumerable.Range(0, 50).Select(i => StoreSamples.Event(eventId, bodyHash: $"hash-{i}")).ToList();

        var outcomes = await Task.WhenAll(attempts.Select(a => Task.Run(() => store.RecordAsync(a, ct), ct)));

        var winner = Assert.Single(outcomes.Select((o, i) => (o, i)), x => x.o is RecordOutcome.Recorded);
        Assert.All(outcomes.OfType<RecordOutcome.AlreadyRecorded>(), d => Assert.Equal($"hash-{winner.i}", d.Existing.Event.BodyHash));
        Assert.Equal(49, outcomes.OfType<RecordOutcome.AlreadyRecorded>().Count());
    }

    [Fact]
    public async Task Should_return_the_event_and_its_notification_rows_when_got()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.EventStore();
        var notifications = Env.NotificationStore();
        var accepted = StoreSamples.Event(priority: Priority.High, traceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", traceState: "vendor=1");
        await store.RecordAsync(accepted, ct);
        await notifications.UpsertAsync(StoreSamples.Notification(accepted.EventId, Channel.Email, status: NotificationStatus.Sent, lastError: "timeout once"), ct);
        await notifications.UpsertAsync(StoreSamples.Notification(accepted.EventId, Channel.InApp, status: NotificationStatus.Pending), ct);

        var record = await store.GetAsync(accepted.EventId, ct);

        Assert.NotNull(record);
        Assert.Equal(EventStatus.Received, record.Status);
        Assert.Equal(accepted.EventId, record.Event.EventId);
        Assert.Equal(Priority.High, record.Event.Priority);
        Assert.Equal(accepted.TraceParent, record.Event.TraceParent);
        Assert.Equal(accepted.TraceState, record.Event.TraceState);
        Assert.Equal(accepted.Submission.Recipient, record.Event.Submission.Recipient);
        Assert.Equal(accepted.Submission.Channels, record.Event.Submission.Channels);
        Assert.Equal(JsonSerializer.Serialize(accepted.Submission.Payload), JsonSerializer.Serialize(record.Event.Submission.Payload));
        Assert.Collection(
            record.Notifications,
            email =>
            {
                Assert.Equal(Channel.Email, email.Channel);
                Assert.Equal(NotificationStatus.Sent, email.Status);
                Assert.Equal("timeout once", email.LastError);
                Assert.Equal("Shipped", email.Content?.Subject);
                Assert.True(email.Transitions.ContainsKey("sent"));
            },
            inApp => Assert.Equal(NotificationStatus.Pending, inApp.Status));
        Assert.Null(await store.GetAsync(StoreSamples.NewId(), ct));
    }

    [Fact]
    public async Task Should_write_due_attributes_and_an_expiry_that_outlives_the_send_time_when_recorded()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.EventStore(new DynamoStoreOptions { Retention = TimeSpan.FromDays(2), SweepDelay = TimeSpan.FromMinutes(5) });
        var now = DateTimeOffset.UtcNow;
        var received = StoreSamples.Event(acceptedAt: now);
        var scheduled = StoreSamples.Event(acceptedAt: now, sendAt: now.AddDays(10));

        await store.RecordAsync(received, ct);
        await store.RecordAsync(scheduled, ct);

        var receivedItem = await StoreSamples.RawItemAsync(Env, "EVT#" + received.EventId, "EVENT");
        Assert.Equal("received", receivedItem["status"].S);
        Assert.StartsWith($"due#{now.AddMinutes(5).UtcDateTime:yyyyMMddHH}#", receivedItem["dueBucket"].S, StringComparison.Ordinal);
        Assert.Equal(now.AddDays(2).ToUnixTimeSeconds(), long.Parse(receivedItem["ttl"].N, System.Globalization.CultureInfo.InvariantCulture));

        var scheduledItem = await StoreSamples.RawItemAsync(Env, "EVT#" + scheduled.EventId, "EVENT");
        Assert.Equal("scheduled", scheduledItem["status"].S);
        Assert.StartsWith($"due#{now.AddDays(10).UtcDateTime:yyyyMMddHH}#", scheduledItem["dueBucket"].S, StringComparison.Ordinal);
        Assert.Equal(now.AddDays(12).ToUnixTimeSeconds(), long.Parse(scheduledItem["ttl"].N, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Should_cancel_only_a_scheduled_event_before_its_send_time()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.EventStore();
        var now = DateTimeOffset.UtcNow;
        var scheduled = StoreSamples.Event(acceptedAt: now, sendAt: now.AddHours(1));
        var received = StoreSamples.Event(acceptedAt: now);
        var passed = StoreSamples.Event(acceptedAt: now, sendAt: now.AddMinutes(1));
        foreach (var e in new[] { scheduled, received, passed })
        {
            await store.RecordAsync(e, ct);
        }

        Assert.Equal(CancelOutcome.Cancelled, await store.CancelAsync(scheduled.EventId, now.AddMinutes(1), ct));
        Assert.Equal(CancelOutcome.AlreadyCancelled, await store.CancelAsync(scheduled.EventId, now.AddMinutes(2), ct));
        Assert.Equal(CancelOutcome.TooLate, await store.CancelAsync(received.EventId, now, ct));
        Assert.Equal(CancelOutcome.TooLate, await store.CancelAsync(passed.EventId, now.AddMinutes(2), ct));
        Assert.Equal(CancelOutcome.NotFound, await store.CancelAsync(StoreSamples.NewId(), now, ct));

        Assert.Equal(EventStatus.Cancelled, (await store.GetAsync(scheduled.EventId, ct))!.Status);
        var item = await StoreSamples.RawItemAsync(Env, "EVT#" + scheduled.EventId, "EVENT");
        Assert.False(item.ContainsKey("dueBucket"));
        Assert.Equal(EventStatus.Scheduled, (await store.GetAsync(passed.EventId, ct))!.Status);
    }

    [Fact]
    public async Task Should_report_a_received_event_due_after_the_sweep_delay_and_a_scheduled_one_at_its_send_time_and_a_cancelled_one_never()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var store = Env.EventStore(Tiny);
        var received = StoreSamples.Event(acceptedAt: now);
        var scheduled = StoreSamples.Event(acceptedAt: now, sendAt: now.AddMinutes(3));
        var cancelled = StoreSamples.Event(acceptedAt: now, sendAt: now.AddMinutes(2));
        var mine = new HashSet<string> { received.EventId, scheduled.EventId, cancelled.EventId };
        foreach (var e in new[] { received, scheduled, cancelled })
        {
            await store.RecordAsync(e, ct);
        }

        await store.CancelAsync(cancelled.EventId, now, ct);

        Assert.Empty(await DueAsync(store, now, mine));
        Assert.Equal([received.EventId], await DueAsync(store, now.AddSeconds(2), mine));
        Assert.Equal([received.EventId], await DueAsync(store, now.AddMinutes(2).AddSeconds(30), mine));
        Assert.Equal([received.EventId, scheduled.EventId], await DueAsync(store, now.AddMinutes(3), mine));
        Assert.Equal([received.EventId, scheduled.EventId], await DueAsync(store, now.AddMinutes(8), mine));
    }

    [Fact]
    public async Task Should_count_scheduled_events_until_their_time_and_overdue_ones_after_it_and_forget_cancelled_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        using var env = await fixture.NewEnvironmentAsync();
        var now = DateTimeOffset.UtcNow;
        var store = env.EventStore(Tiny);
        var received = StoreSamples.Event(acceptedAt: now);
        var soon = StoreSamples.Event(acceptedAt: now, sendAt: now.AddMinutes(3));
        var later = StoreSamples.Event(acceptedAt: now, sendAt: now.AddHours(30));
        var cancelled = StoreSamples.Event(acceptedAt: now, sendAt: now.AddMinutes(2));
        foreach (var e in new[] { received, soon, later, cancelled })
        {
            await store.RecordAsync(e, ct);
        }

        Assert.Equal(new DueBacklog(Scheduled: 3, Overdue: 0), await store.DueBacklogAsync(now, ct));
        await store.CancelAsync(cancelled.EventId, now, ct);

        // The received event (not yet taken by a worker) is neither, until its sweep delay passes.
        Assert.Equal(new DueBacklog(Scheduled: 2, Overdue: 0), await store.DueBacklogAsync(now, ct));
        Assert.Equal(new DueBacklog(Scheduled: 2, Overdue: 1), await store.DueBacklogAsync(now.AddSeconds(2), ct));
        Assert.Equal(new DueBacklog(Scheduled: 1, Overdue: 2), await store.DueBacklogAsync(now.AddMinutes(4), ct));
    }

    [Fact]
    public async Task Should_keep_reporting_an_event_that_was_due_but_not_marked_when_later_sweeps_move_on()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var store = Env.EventStore(Tiny);
        var stuck = StoreSamples.Event(acceptedAt: now);
        await store.RecordAsync(stuck, ct);
        var mine = new HashSet<string> { stuck.EventId };

        Assert.Equal([stuck.EventId], await DueAsync(store, now.AddMinutes(1), mine));

        // Nothing marked it (its enqueue failed): the sweeps that follow must still look back far enough to see it.
        Assert.Equal([stuck.EventId], await DueAsync(store, now.AddMinutes(4), mine));
        Assert.Equal([stuck.EventId], await DueAsync(store, now.AddMinutes(7), mine));
    }

    [Fact]
    public async Task Should_make_a_scheduled_event_received_and_no_longer_due_when_marked_enqueued()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var clock = new ManualTime(now.AddMinutes(2));
        var store = Env.EventStore(new DynamoStoreOptions { SweepDelay = TimeSpan.FromMinutes(1), DueLookback = TimeSpan.FromMinutes(10) }, clock);
        var scheduled = StoreSamples.Event(acceptedAt: now, sendAt: now.AddMinutes(2));
        await store.RecordAsync(scheduled, ct);
        var mine = new HashSet<string> { scheduled.EventId };

        Assert.Equal([scheduled.EventId], await DueAsync(store, clock.Now, mine));
        await store.MarkEnqueuedAsync(scheduled, ct);

        Assert.Equal(EventStatus.Received, (await store.GetAsync(scheduled.EventId, ct))!.Status);
        Assert.Empty(await DueAsync(store, clock.Now.AddMinutes(1), mine));
        Assert.Empty(await DueAsync(store, clock.Now.AddMinutes(9), mine));
    }

    [Fact]
    public async Task Should_take_a_received_event_out_of_the_due_index_when_its_enqueue_is_marked()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var store = Env.EventStore(Tiny);
        var marked = StoreSamples.Event(acceptedAt: now);
        var unmarked = StoreSamples.Event(acceptedAt: now);
        await store.RecordAsync(marked, ct);
        await store.RecordAsync(unmarked, ct);

        await store.MarkEnqueuedAsync(marked, ct);

        // Only the event whose enqueue was never confirmed is swept, however long the other waits in its lane.
        Assert.Equal([unmarked.EventId], await DueAsync(store, now.AddMinutes(7), [marked.EventId, unmarked.EventId]));
        Assert.Equal(EventStatus.Received, (await store.GetAsync(marked.EventId, ct))!.Status);
    }

    [Fact]
    public async Task Should_leave_a_deferred_event_due_when_an_older_generation_is_marked_enqueued()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var store = Env.EventStore(Tiny);
        var published = StoreSamples.Event(acceptedAt: now);
        await store.RecordAsync(published, ct);

        // The worker took generation 0 at once and deferred it (quiet hours) to generation 1 before the API's mark landed.
        await StoreSamples.SetRawAsync(Env, "EVT#" + published.EventId, "EVENT", new()
        {
            ["status"] = new AttributeValue { S = "scheduled" },
            ["generation"] = new AttributeValue { N = "1" },
            ["dueBucket"] = new AttributeValue { S = "due#2000010100#0" },
        });
        await store.MarkEnqueuedAsync(published, ct);

        var item = await StoreSamples.RawItemAsync(Env, "EVT#" + published.EventId, "EVENT");
        Assert.Equal("scheduled", item["status"].S);
        Assert.Equal("due#2000010100#0", item["dueBucket"].S);
    }

    [Fact]
    public async Task Should_leave_a_cancelled_event_cancelled_when_marked_enqueued_afterwards()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var store = Env.EventStore(Tiny);
        var scheduled = StoreSamples.Event(acceptedAt: now, sendAt: now.AddMinutes(5));
        await store.RecordAsync(scheduled, ct);
        await store.CancelAsync(scheduled.EventId, now, ct);

        await store.MarkEnqueuedAsync(scheduled, ct);

        Assert.Equal(EventStatus.Cancelled, (await store.GetAsync(scheduled.EventId, ct))!.Status);
        Assert.False((await StoreSamples.RawItemAsync(Env, "EVT#" + scheduled.EventId, "EVENT")).ContainsKey("dueBucket"));
    }

    private static async Task<List<string>> DueAsync(DynamoEventStore store, DateTimeOffset now, HashSet<string> mine)
    {
        var due = new List<string>();
        await foreach (var e in store.DueAsync(now, TestContext.Current.CancellationToken))
        {
            if (mine.Contains(e.EventId))
            {
                due.Add(e.EventId);
            }
        }

        return due;
    }
}
