using Notify.Aws.DynamoDb;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Aws.Tests.Stores;

public sealed class DynamoNotificationStoreTests(StoresFixture fixture) : IClassFixture<StoresFixture>
{
    private StoreEnvironment Env => fixture.Shared;

    [Fact]
    public async Task Should_list_a_users_notifications_newest_first_across_pages_when_paginated()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.NotificationStore();
        var user = StoreSamples.NewId("user");
        var start = DateTimeOffset.UtcNow;
        var seeded = new List<NotificationRecord>();
        for (var i = 0; i < 7; i++)
        {
            var row = StoreSamples.Notification(StoreSamples.NewId(), Channel.Email, user, createdAt: start.AddSeconds(i));
            seeded.Add(row);
            await store.UpsertAsync(row, ct);
        }

        await store.UpsertAsync(StoreSamples.Notification(StoreSamples.NewId(), Channel.Email, StoreSamples.NewId("other"), createdAt: start.AddSeconds(3)), ct);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await store.ListAsync(new NotificationQuery(user, null, null, null, 3, cursor), ct);
            Assert.InRange(page.Items.Count, 1, 3);
            seen.AddRange(page.Items.Select(n => n.EventId));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(seeded.AsEnumerable().Reverse().Select(n => n.EventId), seen);
    }

    [Fact]
    public async Task Should_return_only_matching_rows_when_filtered_by_channel_status_or_event()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.NotificationStore();
        var user = StoreSamples.NewId("user");
        var start = DateTimeOffset.UtcNow;
        var target = StoreSamples.NewId();
        await store.UpsertAsync(StoreSamples.Notification(target, Channel.Email, user, NotificationStatus.Sent, start), ct);
        await store.UpsertAsync(StoreSamples.Notification(target, Channel.Sms, user, NotificationStatus.Failed, start), ct);
        await store.UpsertAsync(StoreSamples.Notification(target, Channel.InApp, user, NotificationStatus.Sent, start), ct);
        for (var i = 1; i <= 12; i++)
        {
            await store.UpsertAsync(StoreSamples.Notification(StoreSamples.NewId(), Channel.Email, user, NotificationStatus.Pending, start.AddSeconds(i)), ct);
        }

        var sms = await store.ListAsync(new NotificationQuery(user, Channel.Sms, null, null, 10, null), ct);
        var sent = await store.ListAsync(new NotificationQuery(user, null, NotificationStatus.Sent, null, 10, null), ct);
        var ofEvent = await store.ListAsync(new NotificationQuery(user, null, null, target, 10, null), ct);
        var ofEventByOthers = await store.ListAsync(new NotificationQuery(StoreSamples.NewId("stranger"), null, null, target, 10, null), ct);
        var sentEmailOfEvent = await store.ListAsync(new NotificationQuery(user, Channel.Email, NotificationStatus.Sent, target, 10, null), ct);

        Assert.Equal([(target, Channel.Sms)], sms.Items.Select(n => (n.EventId, n.Channel)));
        Assert.Equal([Channel.Email, Channel.InApp], sent.Items.Select(n => n.Channel).Order());
        Assert.All(sent.Items, n => Assert.Equal(NotificationStatus.Sent, n.Status));
        Assert.Equal([Channel.Email, Channel.Sms, Channel.InApp], ofEvent.Items.Select(n => n.Channel).Order());
        Assert.Empty(ofEventByOthers.Items);
        Assert.Equal([Channel.Email], sentEmailOfEvent.Items.Select(n => n.Channel));
        Assert.Null(sms.NextCursor);
    }

    [Fact]
    public async Task Should_fill_a_filtered_page_and_continue_from_its_cursor_when_matches_are_sparse()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.NotificationStore();
        var user = StoreSamples.NewId("user");
        var start = DateTimeOffset.UtcNow;
        var failed = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var eventId = StoreSamples.NewId();
            var status = i % 5 == 0 ? NotificationStatus.Failed : NotificationStatus.Sent;
            if (status == NotificationStatus.Failed)
            {
                failed.Add(eventId);
            }

            await store.UpsertAsync(StoreSamples.Notification(eventId, Channel.Email, user, status, start.AddSeconds(i)), ct);
        }

        var first = await store.ListAsync(new NotificationQuery(user, null, NotificationStatus.Failed, null, 4, null), ct);
        var second = await store.ListAsync(new NotificationQuery(user, null, NotificationStatus.Failed, null, 4, first.NextCursor), ct);

        failed.Reverse();
        Assert.Equal(failed.Take(4), first.Items.Select(n => n.EventId));
        Assert.NotNull(first.NextCursor);
        Assert.Equal(failed.Skip(4), second.Items.Select(n => n.EventId));
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task Should_reject_a_cursor_of_another_user_or_a_malformed_one_and_limits_out_of_range()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.NotificationStore();
        var alice = StoreSamples.NewId("alice");
        for (var i = 0; i < 3; i++)
        {
            await store.UpsertAsync(StoreSamples.Notification(StoreSamples.NewId(), Channel.Email, alice, createdAt: DateTimeOffset.UtcNow.AddSeconds(i)), ct);
        }

        var page = await store.ListAsync(new NotificationQuery(alice, null, null, null, 1, null), ct);

        Assert.NotNull(page.NextCursor);
        await Assert.ThrowsAsync<InvalidCursorException>(() => store.ListAsync(new NotificationQuery("mallory", null, null, null, 1, page.NextCursor), ct));
        await Assert.ThrowsAsync<InvalidCursorException>(() => store.ListAsync(new NotificationQuery(alice, null, null, null, 1, "not-a-cursor!"), ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync(new NotificationQuery(alice, null, null, null, 0, null), ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync(new NotificationQuery(alice, null, null, null, 101, null), ct));
    }

    [Fact]
    public async Task Should_count_inbox_items_once_and_mark_each_read_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.NotificationStore();
        var user = StoreSamples.NewId("user");
        var now = DateTimeOffset.UtcNow;
        var first = StoreSamples.NewId();
        var second = StoreSamples.NewId();
        var pending = StoreSamples.NewId();
        await store.UpsertAsync(StoreSamples.Notification(first, Channel.InApp, user, NotificationStatus.Sending, now), ct);
        await store.UpsertAsync(StoreSamples.Notification(first, Channel.InApp, user, NotificationStatus.Sent, now), ct);
        await store.UpsertAsync(StoreSamples.Notification(first, Channel.InApp, user, NotificationStatus.Sent, now), ct);
        await store.UpsertAsync(StoreSamples.Notification(second, Channel.InApp, user, NotificationStatus.Sent, now), ct);
        await store.UpsertAsync(StoreSamples.Notification(pending, Channel.InApp, user, NotificationStatus.Pending, now), ct);
        await store.UpsertAsync(StoreSamples.Notification(second, Channel.Email, user, NotificationStatus.Sent, now), ct);

        Assert.Equal(2, await store.UnreadCountAsync(user, ct));

        Assert.Equal(MarkReadOutcome.Marked, await store.MarkReadAsync(user, NotificationId.Format(first, Channel.InApp), now, ct));
        Assert.Equal(MarkReadOutcome.AlreadyRead, await store.MarkReadAsync(user, NotificationId.Format(first, Channel.InApp), now, ct));
        Assert.Equal(MarkReadOutcome.NotFound, await store.MarkReadAsync("someone-else", NotificationId.Format(second, Channel.InApp), now, ct));
        Assert.Equal(MarkReadOutcome.NotFound, await store.MarkReadAsync(user, NotificationId.Format(pending, Channel.InApp), now, ct));
        Assert.Equal(MarkReadOutcome.NotFound, await store.MarkReadAsync(user, NotificationId.Format(second, Channel.Email), now, ct));
        Assert.Equal(MarkReadOutcome.NotFound, await store.MarkReadAsync(user, "no-colon", now, ct));
        Assert.Equal(1, await store.UnreadCountAsync(user, ct));

        var inbox = await store.ListAsync(new NotificationQuery(user, Channel.InApp, NotificationStatus.Sent, null, 10, null), ct);
        Assert.Equal(now, Assert.Single(inbox.Items, n => n.EventId == first).ReadAt);
        Assert.Null(Assert.Single(inbox.Items, n => n.EventId == second).ReadAt);
        Assert.Equal(0, await store.UnreadCountAsync(StoreSamples.NewId("nobody"), ct));
    }

    [Fact]
    public async Task Should_list_only_rows_created_at_or_after_since_when_a_client_catches_up()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.NotificationStore();
        var user = StoreSamples.NewId("user");
        var start = DateTimeOffset.UtcNow;
        var events = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            events.Add(StoreSamples.NewId());
            await store.UpsertAsync(StoreSamples.Notification(events[i], Channel.InApp, user, NotificationStatus.Sent, start.AddSeconds(i)), ct);
        }

        var since = await store.ListAsync(new NotificationQuery(user, null, null, null, 10, null, start.AddSeconds(3)), ct);
        var sinceFiltered = await store.ListAsync(new NotificationQuery(user, Channel.InApp, NotificationStatus.Sent, null, 10, null, start.AddSeconds(2)), ct);
        var sinceOfEvent = await store.ListAsync(new NotificationQuery(user, null, null, events[1], 10, null, start.AddSeconds(2)), ct);
        var future = await store.ListAsync(new NotificationQuery(user, null, null, null, 10, null, start.AddMinutes(1)), ct);

        Assert.Equal([events[4], events[3]], since.Items.Select(n => n.EventId));
        Assert.Equal([events[4], events[3], events[2]], sinceFiltered.Items.Select(n => n.EventId));
        Assert.Empty(sinceOfEvent.Items);
        Assert.Empty(future.Items);
        Assert.Null(since.NextCursor);
    }

    [Fact]
    public async Task Should_never_move_a_row_backwards_when_a_late_update_arrives()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Env.NotificationStore();
        var user = StoreSamples.NewId("user");
        var eventId = StoreSamples.NewId();
        var now = DateTimeOffset.UtcNow;

        Assert.True(await store.UpsertAsync(StoreSamples.Notification(eventId, Channel.Email, user, NotificationStatus.Deferred, now), ct));
        Assert.True(await store.UpsertAsync(StoreSamples.Notification(eventId, Channel.Email, user, NotificationStatus.Deferred, now.AddSeconds(1)), ct));
        Assert.True(await store.UpsertAsync(StoreSamples.Notification(eventId, Channel.Email, user, NotificationStatus.Sent, now, now.AddSeconds(2)), ct));
        Assert.False(await store.UpsertAsync(StoreSamples.Notification(eventId, Channel.Email, user, NotificationStatus.Sending, now, now.AddSeconds(3)), ct));
        Assert.False(await store.UpsertAsync(StoreSamples.Notification(eventId, Channel.Email, user, NotificationStatus.Failed, now, now.AddSeconds(3)), ct));
        Assert.True(await store.UpsertAsync(StoreSamples.Notification(eventId, Channel.Email, user, NotificationStatus.Delivered, now, now.AddSeconds(4)), ct));

        var row = Assert.Single((await store.ListAsync(new NotificationQuery(user, null, null, eventId, 10, null), ct)).Items);
        Assert.Equal(NotificationStatus.Delivered, row.Status);
        Assert.Equal(["deferred", "delivered", "sent"], row.Transitions.Keys.Order());
        Assert.Equal(now.AddSeconds(2), row.Transitions["sent"]);
        Assert.Equal(now, row.CreatedAt);
    }
}
