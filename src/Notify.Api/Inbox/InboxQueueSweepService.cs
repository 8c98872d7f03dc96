using Microsoft.Extensions.Options;
using Notify.Aws.Channels.InApp;

namespace Notify.Api.Inbox;

/// <summary>
/// Every <see cref="InboxFanOutOptions.SweepInterval"/> (plus up to a fifth at random), removes the inbox queues of dead
/// instances (a heartbeat older than <see cref="InboxFanOutOptions.StaleAfter"/>: killed with SIGKILL, lost with their
/// machine) and their subscriptions (<see cref="InboxQueueSweeper"/>). Every instance sweeps; no leader is needed because
/// removing what another sweeper removed first is a no-op. Failures are logged and counted, and the next sweep tries again.
/// </summary>
internal sealed partial class InboxQueueSweepService(
    InboxQueueSweeper sweeper,
    InboxFanOut fanOut,
    InboxMetrics metrics,
    IOptions<InboxFanOutOptions> options,
    TimeProvider time,
    ILogger<InboxQueueSweepService> logger) : BackgroundService
{
    private readonly InboxFanOutOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        try
        {
            while (true)
            {
                var jitter = TimeSpan.FromTicks((long)(_options.SweepInterval.Ticks * 0.2 * Random.Shared.NextDouble()));
                await Task.Delay(_options.SweepInterval + jitter, time, stoppingToken);
                await SweepOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task SweepOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await sweeper.SweepAsync(fanOut.QueueUrl, time.GetUtcNow() - _options.StaleAfter, cancellationToken);
            metrics.Swept("queue", result.QueuesDeleted);
            metrics.Swept("subscription", result.SubscriptionsRemoved);
            if (result.QueuesDeleted + result.SubscriptionsRemoved > 0)
            {
                LogSwept(result.QueuesDeleted, result.SubscriptionsRemoved);
            }

            foreach (var failure in result.Failures)
            {
                metrics.Failed("sweep");
                LogSweepFailed(failure);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.Failed("sweep");
            LogSweepFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live inbox: swept {Queues} queue(s) and {Subscriptions} subscription(s) of dead instances.")]
    private partial void LogSwept(int queues, int subscriptions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live inbox: a sweep of dead instances' queues failed; the next sweep tries again.")]
    private partial void LogSweepFailed(Exception exception);
}
