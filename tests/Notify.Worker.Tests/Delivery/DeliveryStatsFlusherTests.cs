using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Stats;
using Notify.Worker.Delivery;

namespace Notify.Worker.Tests.Delivery;

/// <summary>The flusher against a store that fails on demand: counts survive a failed write, stay bounded, and go out at shutdown.</summary>
public sealed class DeliveryStatsFlusherTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 22, 30, 10, TimeSpan.Zero);

    [Fact]
    public async Task Should_keep_the_counts_for_the_next_flush_when_a_write_fails()
    {
        var (stats, store, clock) = (new DeliveryStatsAggregator(), new RecordingStore { FailuresLeft = 1 }, new Clock(Start));
        var flusher = Flusher(stats, store, clock);
        stats.Add(Start, Channel.Email, NotificationStatus.Sent);
        stats.Add(Start.AddMinutes(1), Channel.Sms, NotificationStatus.Failed);

        Assert.False(await flusher.FlushAsync(TestContext.Current.CancellationToken));
        stats.Add(Start, Channel.Email, NotificationStatus.Sent);
        Assert.True(await flusher.FlushAsync(TestContext.Current.CancellationToken));

        Assert.Equal([Start.AddSeconds(-10), Start.AddSeconds(50)], store.Adds.Select(a => a.Minute));
        Assert.Equal(2, store.Adds.First().Counts[("email", "sent")]);
        Assert.Equal(1, store.Adds.Last().Counts[("sms", "failed")]);
        Assert.True(stats.IsEmpty);
    }

    [Fact]
    public async Task Should_drop_counts_older_than_an_hour_when_they_could_not_be_written()
    {
        var (stats, store, clock) = (new DeliveryStatsAggregator(), new RecordingStore { FailuresLeft = 1 }, new Clock(Start));
        var flusher = Flusher(stats, store, clock);
        stats.Add(Start, Channel.Email, NotificationStatus.Sent);
        Assert.False(await flusher.FlushAsync(TestContext.Current.CancellationToken));

        clock.Now = Start + DeliveryStatsFlusher.MaxAge + TimeSpan.FromMinutes(1);
        stats.Add(clock.Now, Channel.Push, NotificationStatus.Sent);
        Assert.True(await flusher.FlushAsync(TestContext.Current.CancellationToken));

        var written = Assert.Single(store.Adds);
        Assert.Equal(DeliveryMinute.Of(clock.Now), written.Minute);
        Assert.Equal(("push", "sent"), Assert.Single(written.Counts).Key);
    }

    [Fact]
    public async Task Should_write_what_is_left_when_the_host_stops_before_the_next_interval()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new RecordingStore();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.Configure<HostOptions>(o => o.ServicesStopConcurrently = true);
        builder.Services.AddSingleton<IDeliveryStatsStore>(store);
        builder.Services.AddSingleton<DeliveryStatsAggregator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(Options.Create(new DeliveryStatsOptions { FlushInterval = TimeSpan.FromMinutes(5) }));
        builder.Services.AddSingleton<DeliveryStatsFlusher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeliveryStatsFlusher>());
        using var host = builder.Build();
        await host.StartAsync(ct);
        host.Services.GetRequiredService<DeliveryStatsAggregator>().Add(DateTimeOffset.UtcNow, Channel.InApp, NotificationStatus.Sent);

        await host.StopAsync(ct);

        Assert.Equal(1, Assert.Single(Assert.Single(store.Adds).Counts).Value);
    }

    [Fact]
    public async Task Should_still_flush_when_stopped_after_the_host_disposed_it()
    {
        var (stats, store, clock) = (new DeliveryStatsAggregator(), new RecordingStore(), new Clock(Start));
        var flusher = Flusher(stats, store, clock);
        stats.Add(Start, Channel.Email, NotificationStatus.Sent);

        flusher.Dispose();
        await ((IHostedLifecycleService)flusher).StoppedAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, Assert.Single(Assert.Single(store.Adds).Counts).Value);
    }

    private static DeliveryStatsFlusher Flusher(DeliveryStatsAggregator stats, IDeliveryStatsStore store, TimeProvider time) =>
        new(stats, store, time, Options.Create(new DeliveryStatsOptions()), NullLogger<DeliveryStatsFlusher>.Instance);

    private sealed class RecordingStore : IDeliveryStatsStore
    {
        public int FailuresLeft { get; set; }

        public ConcurrentQueue<MinuteStats> Adds { get; } = new();

        public Task AddAsync(DateTimeOffset minute, IReadOnlyDictionary<(string Channel, string Status), long> counts, CancellationToken cancellationToken)
        {
            if (FailuresLeft-- > 0)
            {
                throw new HttpRequestException("DynamoDB is unreachable (injected).");
            }

            Adds.Enqueue(new MinuteStats(minute, counts.ToDictionary()));
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<MinuteStats>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
