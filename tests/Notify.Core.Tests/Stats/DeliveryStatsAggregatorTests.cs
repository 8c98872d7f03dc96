using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Stats;

namespace Notify.Core.Tests.Stats;

public sealed class DeliveryStatsAggregatorTests
{
    private static readonly DateTimeOffset Minute = new(2026, 11, 21, 22, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Should_count_per_utc_minute_channel_and_status_under_wire_names_when_rows_are_added()
    {
        var stats = new DeliveryStatsAggregator();

        stats.Add(Minute.AddSeconds(5), Channel.Email, NotificationStatus.Sent);
        stats.Add(Minute.AddSeconds(59.999), Channel.Email, NotificationStatus.Sent);
        stats.Add(Minute.AddSeconds(30).ToOffset(TimeSpan.FromHours(2)), Channel.InApp, NotificationStatus.Failed);
        stats.Add(Minute.AddMinutes(1), Channel.Email, NotificationStatus.Sent);

        var taken = stats.TakeAll();
        Assert.Equal([Minute, Minute.AddMinutes(1)], taken.Select(m => m.Minute));
        Assert.Equal(TimeSpan.Zero, taken[0].Minute.Offset);
        Assert.Equal(2, taken[0].Counts[("email", "sent")]);
        Assert.Equal(1, taken[0].Counts[("in_app", "failed")]);
        Assert.Equal(2, taken[0].Counts.Count);
        Assert.Equal(1, Assert.Single(taken[1].Counts).Value);
        Assert.Equal(3, taken[0].Total);
    }

    [Fact]
    public void Should_start_empty_again_when_everything_was_taken()
    {
        var stats = new DeliveryStatsAggregator();
        stats.Add(Minute, Channel.Sms, NotificationStatus.Sent);

        Assert.Single(stats.TakeAll());

        Assert.True(stats.IsEmpty);
        Assert.Empty(stats.TakeAll());
    }

    [Fact]
    public void Should_add_restored_counts_to_those_counted_since_when_a_flush_failed()
    {
        var stats = new DeliveryStatsAggregator();
        stats.Add(Minute, Channel.Email, NotificationStatus.Sent);
        stats.Add(Minute, Channel.Push, NotificationStatus.Unknown);
        var failed = Assert.Single(stats.TakeAll());
        stats.Add(Minute.AddSeconds(20), Channel.Email, NotificationStatus.Sent);
        stats.Add(Minute.AddMinutes(1), Channel.Email, NotificationStatus.Skipped);

        stats.Restore(failed);

        var taken = stats.TakeAll();
        Assert.Equal([Minute, Minute.AddMinutes(1)], taken.Select(m => m.Minute));
        Assert.Equal(2, taken[0].Counts[("email", "sent")]);
        Assert.Equal(1, taken[0].Counts[("push", "unknown")]);
        Assert.Equal(1, taken[1].Counts[("email", "skipped")]);
    }

    [Fact]
    public void Should_drop_only_the_minutes_that_start_before_the_cutoff()
    {
        var stats = new DeliveryStatsAggregator();
        stats.Add(Minute.AddMinutes(-61), Channel.Email, NotificationStatus.Sent);
        stats.Add(Minute.AddMinutes(-61), Channel.Email, NotificationStatus.Failed);
        stats.Add(Minute.AddMinutes(-60), Channel.Email, NotificationStatus.Sent);
        stats.Add(Minute, Channel.Email, NotificationStatus.Sent);

        var dropped = stats.DropBefore(Minute.AddMinutes(-60));

        var gone = Assert.Single(dropped);
        Assert.Equal(Minute.AddMinutes(-61), gone.Minute);
        Assert.Equal(2, gone.Total);
        Assert.Equal([Minute.AddMinutes(-60), Minute], stats.TakeAll().Select(m => m.Minute));
    }

    [Fact]
    public async Task Should_lose_no_count_when_rows_are_added_from_many_threads_while_flushes_take()
    {
        var stats = new DeliveryStatsAggregator();
        const int Threads = 8;
        const int PerThread = 20_000;
        var taken = new List<MinuteStats>();
        using var done = new CancellationTokenSource();

        var flusher = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                taken.AddRange(stats.TakeAll());
            }
        }, TestContext.Current.CancellationToken);
        Parallel.For(0, Threads, t =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                stats.Add(Minute.AddSeconds(i % 120), t % 2 == 0 ? Channel.Email : Channel.Sms, NotificationStatus.Sent);
            }
        });
        done.Cancel();
        await flusher;
        taken.AddRange(stats.TakeAll());

        Assert.Equal(Threads * PerThread, taken.Sum(m => m.Total));
        Assert.Equal(Threads / 2 * PerThread, taken.Sum(m => m.Counts.GetValueOrDefault(("sms", "sent"))));
    }

    [Fact]
    public void Should_truncate_to_the_utc_start_of_the_minute()
    {
        Assert.Equal(Minute, DeliveryMinute.Of(new DateTimeOffset(2026, 11, 22, 0, 30, 42, TimeSpan.FromHours(2)).AddTicks(1234)));
        Assert.Equal(TimeSpan.Zero, DeliveryMinute.Of(DateTimeOffset.Now).Offset);
    }
}
