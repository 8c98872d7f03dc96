using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Notify.Aws.Lanes;

namespace Notify.Worker.Scheduling;

/// <summary>How often the worker looks for due events (section <c>Notify:Sweep</c>).</summary>
public sealed class SweepOptions
{
    public const string SectionName = "Notify:Sweep";

    /// <summary>
    /// Between two sweeps. Bounds how late a scheduled send leaves and, with <c>Notify:Store:SweepDelay</c>, how long an
    /// event the API recorded but could not enqueue waits.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Between two counts of the scheduled backlog: each is a Scan of the (sparse) due index, paid by every worker.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan BacklogInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Runs <see cref="DueEventSweeper"/> periodically: scheduled events whose <c>sendAt</c> has come, and events the API
/// recorded but never enqueued (it crashed, or SQS refused), go to their lane. It lives in the worker because the API
/// may run on Lambda, where nothing runs between requests. Every worker instance sweeps; FIFO deduplication and the
/// worker's per-channel idempotency make overlapping sweeps harmless.
/// </summary>
public sealed partial class DueEventSweepService(
    DueEventSweeper sweeper, TimeProvider time, IOptions<SweepOptions> options, ILogger<DueEventSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                var enqueued = await sweeper.RunOnceAsync(time.GetUtcNow(), stoppingToken);
                if (enqueued > 0)
                {
                    LogSwept(enqueued);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed sweep is retried at the next tick; the events stay due until then.
                LogSweepFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Enqueued {Count} due events")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping due events failed; retrying at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
