using Microsoft.Extensions.Options;
using Notify.Aws.DynamoDb;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Aws.Tests.Stores;

public sealed class DynamoDeliveryStoreTests(StoresFixture fixture) : IClassFixture<StoresFixture>
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    // Events become due one second after acceptance, and a fresh store looks back far enough to see them an hour later.
    private static readonly DynamoStoreOptions Tiny = new() { SweepDelay = TimeSpan.FromSeconds(1), DueLookback = TimeSpan.FromHours(3) };

    private StoreEnvironment Env => fixture.Shared;

    [Fact]
    public async Task Should_claim_a_new_row_as_sending_with_one_attempt_when_nothing_holds_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var accepted = await RecordAsync(events, now);

        var outcome = await store.ClaimAsync(Claim(accepted, Channel.Email, now), ct);

        Assert.Equal(new ClaimOutcome.Claimed(1), outcome);
        var row = Assert.Single((await events.GetAsync(accepted.EventId, ct))!.Notifications);
        Assert.Equal(Channel.Email, row.Channel);
        Assert.Equal(NotificationStatus.Sending, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(accepted.UserId, row.UserId);
        Assert.Equal("Shipped", row.Content?.Subject);
        Assert.True(row.Transitions.ContainsKey("sending"));
    }

    [Fact]
    public async Task Should_answer_held_elsewhere_with_the_lease_when_claimed_again_while_the_lease_is_live()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var accepted = await RecordAsync(events, now);
        await store.ClaimAsync(Claim(accepted, Channel.Email, now), ct);

        var again = await store.ClaimAsync(Claim(accepted, Channel.Email, now.AddSeconds(10)), ct);

        Assert.Equal(new ClaimOutcome.HeldElsewhere(now + Lease), again);
        var row = Assert.Single((await events.GetAsync(accepted.EventId, ct))!.Notifications);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task Should_take_over_an_expired_lease_when_the_channel_may_be_resent()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var accepted = await RecordAsync(events, now);
        await store.ClaimAsync(Claim(accepted, Channel.Email, now), ct);

        var later = await store.ClaimAsync(Claim(accepted, Channel.Email, now + Lease + TimeSpan.FromSeconds(1), resend: true), ct);

        Assert.Equal(new ClaimOutcome.Claimed(2), later);
        Assert.Equal(2, Assert.Single((await events.GetAsync(accepted.EventId, ct))!.Notifications).Attempts);
    }

    [Fact]
    public async Task Should_answer_lease_expired_without_claiming_when_the_channel_is_never_blindly_resent()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var accepted = await RecordAsync(events, now);
        await store.ClaimAsync(Claim(accepted, Channel.Sms, now, resend: false), ct);

        var later = await store.ClaimAsync(Claim(accepted, Channel.Sms, now + Lease + TimeSpan.FromSeconds(1), resend: false), ct);

        Assert.IsType<ClaimOutcome.LeaseExpired>(later);
        var row = Assert.Single((await events.GetAsync(accepted.EventId, ct))!.Notifications);
        Assert.Equal(NotificationStatus.Sending, row.Status);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task Should_claim_a_released_row_again_when_its_lease_is_still_live_and_resend_is_off()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var accepted = await RecordAsync(events, now);
        await store.ClaimAsync(Claim(accepted, Channel.Push, now, resend: false), ct);

        await store.ReleaseAsync(accepted.EventId, Channel.Push, "throttled before the call", now.AddSeconds(1), ct);
        var again = await store.ClaimAsync(Claim(accepted, Channel.Push, now.AddSeconds(2), resend: false), ct);
        var third = await store.ClaimAsync(Claim(accepted, Channel.Push, now.AddSeconds(3), resend: false), ct);

        Assert.Equal(new ClaimOutcome.Claimed(2), again);

        // The new claim holds the row again: the release was used up.
        Assert.Equal(new ClaimOutcome.HeldElsewhere(now.AddSeconds(2) + Lease), third);
        var row = Assert.Single((await events.GetAsync(accepted.EventId, ct))!.Notifications);
        Assert.Equal(NotificationStatus.Sending, row.Status);
        Assert.Equal(2, row.Attempts);
        Assert.Equal("throttled before the call", row.LastError);
    }

    [Fact]
    public async Task Should_never_claim_or_move_back_a_sent_row_when_claimed_or_committed_failed_later()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var accepted = await RecordAsync(events, now);
        await store.ClaimAsync(Claim(accepted, Channel.Email, now), ct);

        var committed = await store.CommitAsync(Commit(accepted, now.AddSeconds(1), Row(accepted, Channel.Email, NotificationStatus.Sent, now.AddSeconds(1))), ct);
        var claim = await store.ClaimAsync(Claim(accepted, Channel.Email, now + Lease + TimeSpan.FromMinutes(1), resend: true), ct);
        var late = await store.CommitAsync(Commit(accepted, now.AddSeconds(2), Row(accepted, Channel.Email, NotificationStatus.Failed, now.AddSeconds(2), "late timeout")), ct);

        Assert.True(committed);
        Assert.Equal(new ClaimOutcome.AlreadyFinal(NotificationStatus.Sent), claim);
        Assert.False(late);
        var row = Assert.Single((await events.GetAsync(accepted.EventId, ct))!.Notifications);
        Assert.Equal(NotificationStatus.Sent, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.LastError);
        Assert.False(row.Transitions.ContainsKey("failed"));
    }

    [Fact]
    public async Task Should_rate_limit_the_third_claim_without_creating_its_row_when_the_users_window_is_full()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var user = StoreSamples.NewId("user");
        var window = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var charge = new RateLimitCharge("*", window, TimeSpan.FromHours(1), Limit: 2);
        var first = await RecordAsync(events, now, user);
        var second = await RecordAsync(events, now, user);
        var third = await RecordAsync(events, now, user);

        var outcomes = new List<ClaimOutcome>();
        foreach (var e in new[] { first, second, third })
        {
            outcomes.Add(await store.ClaimAsync(Claim(e, Channel.Email, now, rateLimit: charge), ct));
        }

        Assert.Equal([new ClaimOutcome.Claimed(1), new ClaimOutcome.Claimed(1), new ClaimOutcome.RateLimited(charge.WindowEnd)], outcomes);

        // The claim and the counter are one transaction: the refused charge left no row behind.
        Assert.Empty((await events.GetAsync(third.EventId, ct))!.Notifications);
        Assert.Empty(await StoreSamples.RawItemAsync(Env, "EVT#" + third.EventId, "NTF#email"));

        // The next window has a counter of its own, and another user is not charged by this one's window.
        var nextWindow = charge with { WindowStart = charge.WindowEnd };
        var later = await store.ClaimAsync(Claim(third, Channel.Email, nextWindow.WindowStart.AddMinutes(1), rateLimit: nextWindow), ct);
        var other = await RecordAsync(events, now, StoreSamples.NewId("user"));
        var otherUser = await store.ClaimAsync(Claim(other, Channel.Email, now, rateLimit: charge), ct);

        Assert.Equal(new ClaimOutcome.Claimed(1), later);
        Assert.Equal(new ClaimOutcome.Claimed(1), otherUser);
        Assert.Equal(NotificationStatus.Sending, Assert.Single((await events.GetAsync(third.EventId, ct))!.Notifications).Status);
    }

    [Fact]
    public async Task Should_move_the_event_to_processing_and_out_of_the_due_index_when_the_claim_takes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = DeliveryStore();
        var now = DateTimeOffset.UtcNow;
        var taken = await RecordAsync(Env.EventStore(Tiny), now);
        var untouched = await RecordAsync(Env.EventStore(Tiny), now);

        var outcome = await store.ClaimAsync(Claim(taken, Channel.Email, now, take: true), ct);

        Assert.Equal(new ClaimOutcome.Claimed(1), outcome);
        var record = await Env.EventStore().GetAsync(taken.EventId, ct);
        Assert.Equal(EventStatus.Processing, record!.Status);
        Assert.Equal(NotificationStatus.Sending, Assert.Single(record.Notifications).Status);
        Assert.Equal([untouched.EventId], await DueAsync(now.AddHours(1), taken.EventId, untouched.EventId));
    }

    [Fact]
    public async Task Should_complete_the_event_and_take_it_out_of_the_due_index_when_committed_with_complete()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(Tiny), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var accepted = await RecordAsync(events, now);
        await store.ClaimAsync(Claim(accepted, Channel.Email, now), ct);

        var committed = await store.CommitAsync(
            Commit(accepted, now.AddSeconds(1), new EventUpdate.Complete(EventStatus.Completed), Row(accepted, Channel.Email, NotificationStatus.Sent, now.AddSeconds(1))), ct);

        Assert.True(committed);
        var record = await events.GetAsync(accepted.EventId, ct);
        Assert.Equal(EventStatus.Completed, record!.Status);
        Assert.Equal(NotificationStatus.Sent, Assert.Single(record.Notifications).Status);
        Assert.Empty(await DueAsync(now.AddHours(1), accepted.EventId));
    }

    [Fact]
    public async Task Should_reschedule_the_event_with_its_next_generation_and_defer_a_released_claim_when_committed_with_reschedule()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(Tiny), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var until = now.AddMinutes(30);
        var accepted = await RecordAsync(events, now);
        await store.ClaimAsync(Claim(accepted, Channel.Email, now, take: true), ct);
        await store.ReleaseAsync(accepted.EventId, Channel.Email, "rate limited by provider", now.AddSeconds(1), ct);

        var committed = await store.CommitAsync(
            Commit(accepted, now.AddSeconds(2), new EventUpdate.Reschedule(until, 1), Row(accepted, Channel.Email, NotificationStatus.Deferred, now.AddSeconds(2))), ct);

        Assert.True(committed);
        var record = await events.GetAsync(accepted.EventId, ct);
        Assert.Equal(EventStatus.Scheduled, record!.Status);
        Assert.Equal(1, record.Event.Generation);
        Assert.Equal(NotificationStatus.Deferred, Assert.Single(record.Notifications).Status);
        Assert.Empty(await DueAsync(until.AddSeconds(-1), accepted.EventId));
        var due = Assert.Single(await DueEventsAsync(until, accepted.EventId));
        Assert.Equal(1, due.Generation);

        // A deferred row is claimable again when the event comes back.
        Assert.Equal(new ClaimOutcome.Claimed(2), await store.ClaimAsync(Claim(accepted, Channel.Email, until, resend: false), ct));
    }

    [Fact]
    public async Task Should_keep_a_live_claim_and_answer_false_when_a_deferred_row_is_committed_over_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(Tiny), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var until = now.AddMinutes(30);
        var accepted = await RecordAsync(events, now);
        await store.ClaimAsync(Claim(accepted, Channel.Email, now), ct);

        var committed = await store.CommitAsync(
            Commit(accepted, now.AddSeconds(2), new EventUpdate.Reschedule(until, 1), Row(accepted, Channel.Email, NotificationStatus.Deferred, now.AddSeconds(2))), ct);

        Assert.False(committed);
        var record = await events.GetAsync(accepted.EventId, ct);
        var row = Assert.Single(record!.Notifications);
        Assert.Equal(NotificationStatus.Sending, row.Status);
        Assert.False(row.Transitions.ContainsKey("deferred"));
        Assert.Equal(new ClaimOutcome.HeldElsewhere(now + Lease), await store.ClaimAsync(Claim(accepted, Channel.Email, now.AddSeconds(3)), ct));
    }

    [Fact]
    public async Task Should_count_an_in_app_row_unread_once_when_its_sent_outcome_is_committed_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store, inbox) = (Env.EventStore(), DeliveryStore(), Env.NotificationStore());
        var now = DateTimeOffset.UtcNow;
        var user = StoreSamples.NewId("user");
        var accepted = await RecordAsync(events, now, user);
        await store.ClaimAsync(Claim(accepted, Channel.InApp, now), ct);
        Assert.Equal(0, await inbox.UnreadCountAsync(user, ct));

        var first = await store.CommitAsync(Commit(accepted, now.AddSeconds(1), Row(accepted, Channel.InApp, NotificationStatus.Sent, now.AddSeconds(1))), ct);
        var countAfterFirst = await inbox.UnreadCountAsync(user, ct);
        var repeat = await store.CommitAsync(Commit(accepted, now.AddSeconds(2), Row(accepted, Channel.InApp, NotificationStatus.Sent, now.AddSeconds(2))), ct);

        Assert.True(first);
        Assert.Equal(1, countAfterFirst);
        Assert.False(repeat);
        Assert.Equal(1, await inbox.UnreadCountAsync(user, ct));
    }

    [Fact]
    public async Task Should_find_the_message_reference_by_provider_id_when_committed_with_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var accepted = await RecordAsync(events, now);
        await store.ClaimAsync(Claim(accepted, Channel.Email, now), ct);
        var reference = new ProviderMessageRef(StoreSamples.NewId("ses"), accepted.EventId, Channel.Email, accepted.UserId, "order.shipped");

        await store.CommitAsync(
            new DeliveryCommit(accepted.EventId, [Row(accepted, Channel.Email, NotificationStatus.Sent, now.AddSeconds(1))], reference, null, now.AddSeconds(1)), ct);

        Assert.Equal(reference, await store.FindByProviderMessageIdAsync(reference.ProviderMessageId, ct));
        Assert.Null(await store.FindByProviderMessageIdAsync(StoreSamples.NewId("ses"), ct));
    }

    [Fact]
    public async Task Should_fail_the_event_and_take_it_out_of_the_due_index_when_marked_dead_lettered()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, store) = (Env.EventStore(Tiny), DeliveryStore());
        var now = DateTimeOffset.UtcNow;
        var dead = await RecordAsync(events, now);
        var alive = await RecordAsync(events, now);

        await store.MarkDeadLetteredAsync(dead.EventId, now.AddSeconds(1), ct);
        await store.MarkDeadLetteredAsync(StoreSamples.NewId(), now.AddSeconds(1), ct);

        Assert.Equal(EventStatus.Failed, (await events.GetAsync(dead.EventId, ct))!.Status);
        Assert.Equal(EventStatus.Received, (await events.GetAsync(alive.EventId, ct))!.Status);
        Assert.Equal([alive.EventId], await DueAsync(now.AddHours(1), dead.EventId, alive.EventId));
    }

    [Fact]
    public async Task Should_count_generations_up_from_one_when_asked_for_the_next_and_answer_null_for_an_unknown_event()
    {
        var ct = TestContext.Current.CancellationToken;
        var events = Env.EventStore();
        var accepted = await RecordAsync(events, DateTimeOffset.UtcNow);

        var first = await events.NextGenerationAsync(accepted.EventId, ct);
        var second = await events.NextGenerationAsync(accepted.EventId, ct);
        var unknown = await events.NextGenerationAsync(StoreSamples.NewId(), ct);

        Assert.Equal(1, first);
        Assert.Equal(2, second);
        Assert.Null(unknown);
        Assert.Equal(2, (await events.GetAsync(accepted.EventId, ct))!.Event.Generation);
        Assert.Null(await events.GetAsync(StoreSamples.NewId(), ct));
    }

    private DynamoDeliveryStore DeliveryStore() => new(Env.Dynamo, Env.Naming, Options.Create(new DynamoStoreOptions()));

    private static async Task<AcceptedEvent> RecordAsync(DynamoEventStore events, DateTimeOffset acceptedAt, string userId = "user-1")
    {
        var accepted = StoreSamples.Event(userId: userId, acceptedAt: acceptedAt);
        Assert.IsType<RecordOutcome.Recorded>(await events.RecordAsync(accepted, TestContext.Current.CancellationToken));
        return accepted;
    }

    private static ClaimRequest Claim(
        AcceptedEvent accepted, Channel channel, DateTimeOffset now, bool resend = true, RateLimitCharge? rateLimit = null, bool take = false) =>
        new(accepted, channel, now, now + Lease, resend, rateLimit, take, new RenderedContent("Shipped", "Your order shipped", null, null, null));

    private static NotificationRecord Row(AcceptedEvent accepted, Channel channel, NotificationStatus status, DateTimeOffset at, string? lastError = null) =>
        StoreSamples.Notification(accepted.EventId, channel, accepted.UserId, status, accepted.AcceptedAt, at, lastError);

    private static DeliveryCommit Commit(AcceptedEvent accepted, DateTimeOffset now, params NotificationRecord[] rows) =>
        new(accepted.EventId, rows, null, null, now);

    private static DeliveryCommit Commit(AcceptedEvent accepted, DateTimeOffset now, EventUpdate update, params NotificationRecord[] rows) =>
        new(accepted.EventId, rows, null, update, now);

    /// <summary>Which of <paramref name="ids"/> a fresh sweep (no checkpoint) sees due at <paramref name="now"/>, oldest first.</summary>
    private async Task<List<string>> DueAsync(DateTimeOffset now, params string[] ids) =>
        [.. (await DueEventsAsync(now, ids)).Select(e => e.EventId)];

    private async Task<List<AcceptedEvent>> DueEventsAsync(DateTimeOffset now, params string[] ids)
    {
        var due = new List<AcceptedEvent>();
        await foreach (var e in Env.EventStore(Tiny).DueAsync(now, TestContext.Current.CancellationToken))
        {
            if (ids.Contains(e.EventId))
            {
                due.Add(e);
            }
        }

        return due;
    }
}
