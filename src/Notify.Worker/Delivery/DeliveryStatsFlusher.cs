using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Notify.Core.Stats;

namespace Notify.Worker.Delivery;

/// <summary>How often the worker writes its delivery counts per minute (section <c>Notify:Worker:Stats</c>).</summary>
public sealed class DeliveryStatsOptions
{
    public const string SectionName = "Notify:Worker:Stats";

    /// <summary>
    /// Between two flushes: each costs one DynamoDB update per minute that has counts (usually one), so a worker adds
    /// about 6 writes a minute however many notifications it delivers. Also the most a killed worker loses.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Writes what <see cref="DeliveryStatsAggregator"/> counted to <see cref="IDeliveryStatsStore"/> every
/// <see cref="DeliveryStatsOptions.FlushInterval"/>: one <c>UpdateItem</c> per minute with counts, instead of a write per
/// notification on the delivery path (which already costs ~10 AWS requests). A failed flush puts its counts back for the
/// next one; minutes older than <see cref="MaxAge"/> are dropped with a warning, so a store that stays down does not grow
/// the worker's memory. On shutdown the rest is flushed once every hosted service has stopped, so what the lane consumer
/// counts while draining is included.
/// </summary>
/// <remarks>
/// Counts are approximate by design: a worker that is killed (not stopped) loses what it counted since its last flush,
/// at most one interval; an update that reached DynamoDB but whose answer was lost is put back and counted twice. The
/// exact numbers are in each event's rows and the <c>notify.deliveries</c> metric.
/// </remarks>
public sealed partial class DeliveryStatsFlusher(
    DeliveryStatsAggregator stats,
    IDeliveryStatsStore store,
    TimeProvider time,
    IOptions<DeliveryStatsOptions> options,
    ILogger<DeliveryStatsFlusher> logger) : BackgroundService, IHostedLifecycleService
{
    /// <summary>Counts older than this are of no use to the dashboard (it shows at most the last hour) and are dropped.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private static readonly TimeSpan ShutdownFlushTimeout = TimeSpan.FromSeconds(5);

    // Never disposed on purpose: a host stopped twice (WebApplicationFactory stops it while Program's RunAsync stops and
    // disposes it) runs StoppedAsync after Dispose. A SemaphoreSlim owns no OS handle unless AvailableWaitHandle is read.
    private readonly SemaphoreSlim _flushing = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await FlushAsync(stoppingToken);
        }
    }

    /// <summary>
    /// Writes every pending minute, oldest first. Returns false when a write failed; that minute and the later ones are
    /// kept for the next flush.
    /// </summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            foreach (var dropped in stats.DropBefore(DeliveryMinute.Of(time.GetUtcNow() - MaxAge)))
            {
                LogDropped(dropped.Minute, dropped.Total);
            }

            var pending = stats.TakeAll();
            for (var i = 0; i < pending.Count; i++)
            {
                try
                {
                    await store.AddAsync(pending[i].Minute, pending[i].Counts, cancellationToken);
                }
                catch (Exception e)
                {
                    foreach (var kept in pending.Skip(i))
                    {
                        stats.Restore(kept);
                    }

                    if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
                    {
                        throw;
                    }

                    LogFlushFailed(e, pending.Count - i);
                    return false;
                }
            }

            return true;
        }
        finally
        {
            _flushing.Release();
        }
    }

    // The host stops its services concurrently (the lane consumers ask for it), so the last flush waits for StoppedAsync:
    // by then the lane consumer has finished draining and counted its last rows.
    async Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken)
    {
        if (stats.IsEmpty)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ShutdownFlushTimeout);
        try
        {
            if (!await FlushAsync(timeout.Token))
            {
                LogLostAtShutdown();
            }
        }
        catch (OperationCanceledException)
        {
            LogLostAtShutdown();
        }
    }

    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing delivery stats failed; {Minutes} minute(s) of counts kept for the next flush")]
    private partial void LogFlushFailed(Exception exception, int minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped the delivery stats of minute {Minute} ({Count} deliveries): not written within an hour")]
    private partial void LogDropped(DateTimeOffset minute, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery stats counted since the last flush could not be written at shutdown and are lost")]
    private partial void LogLostAtShutdown();
}
