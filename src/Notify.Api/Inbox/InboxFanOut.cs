using Microsoft.Extensions.Options;
using Notify.Aws.Channels.InApp;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Core.Resources;

namespace Notify.Api.Inbox;

/// <summary>
/// Hears every inbox announcement and pushes it to this instance's connections. At start it creates the instance's own
/// queue on the <c>inbox-events</c> topic (<see cref="InboxInstanceQueue"/>), then long-polls it, re-tagging it as a
/// heartbeat every <see cref="InboxFanOutOptions.HeartbeatInterval"/>; at stop it unsubscribes and deletes the queue.
/// Best effort throughout: a failure is logged and counted, retried with backoff, and never reaches the inbox endpoints
/// (clients catch up with the listing's <c>since</c>). A queue lost under it (swept while the instance was unreachable)
/// is replaced by a new one under a new instance id, since SQS refuses a deleted queue's name for a minute.
/// </summary>
internal sealed partial class InboxFanOut(
    SqsClient sqs,
    SnsClient sns,
    ResourceNaming naming,
    InboxConnections connections,
    InboxMetrics metrics,
    IOptions<InboxFanOutOptions> options,
    TimeProvider time,
    ILogger<InboxFanOut> logger) : BackgroundService
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    private readonly InboxFanOutOptions _options = options.Value;
    private volatile InboxInstanceQueue? _queue;

    /// <summary>This instance's queue once it is open and subscribed (the sweeper leaves it alone); null before.</summary>
    public string? QueueUrl => _queue?.QueueUrl;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var queue = _queue ??= await OpenAsync(stoppingToken);
                    await ReceiveUntilLostAsync(queue, stoppingToken);
                    failures = 0;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    failures++;
                    metrics.Failed(_queue?.QueueUrl is null ? "open" : "receive");
                    LogFailed(failures, e);
                    await Task.Delay(Backoff(failures), time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await CloseAsync();
        }
    }

    private async Task<InboxInstanceQueue> OpenAsync(CancellationToken cancellationToken)
    {
        var queue = new InboxInstanceQueue(sqs, sns, naming, InboxInstanceQueue.NewInstanceId(), time);
        try
        {
            await queue.OpenAsync(cancellationToken);
        }
        catch
        {
            // Whatever the failed attempt created goes; the next attempt starts under a new id.
            await CloseQuietlyAsync(queue);
            throw;
        }

        LogOpened(queue.QueueName);
        return queue;
    }

    /// <summary>Receives and pushes until stopped; returns (after forgetting the queue) when the queue no longer exists.</summary>
    private async Task ReceiveUntilLostAsync(InboxInstanceQueue queue, CancellationToken stoppingToken)
    {
        var nextBeat = time.GetUtcNow() + _options.HeartbeatInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (time.GetUtcNow() >= nextBeat)
                {
                    await HeartbeatAsync(queue, stoppingToken);
                    nextBeat = time.GetUtcNow() + _options.HeartbeatInterval;
                }

                var messages = await queue.ReceiveAsync(_options.WaitTimeSeconds, stoppingToken);
                foreach (var message in messages)
                {
                    await PushAsync(message.Body, stoppingToken);
                }

                // Deleting after pushing: a crash in between only repeats a push, which clients absorb by notification id.
                await queue.DeleteAsync(messages, stoppingToken);
            }
            catch (Exception e) when (InboxInstanceQueue.IsMissingQueue(e))
            {
                LogLost(queue.QueueName);
                _queue = null;
                await CloseQuietlyAsync(queue);
                return;
            }
        }
    }

    private async Task HeartbeatAsync(InboxInstanceQueue queue, CancellationToken cancellationToken)
    {
        try
        {
            await queue.HeartbeatAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && !InboxInstanceQueue.IsMissingQueue(e))
        {
            // A missed beat is harmless while the next one lands before StaleAfter.
            metrics.Failed("heartbeat");
            LogHeartbeatFailed(e);
        }
    }

    private async Task PushAsync(string? body, CancellationToken cancellationToken)
    {
        if (InboxAnnouncement.Parse(body) is not { } announcement)
        {
            metrics.Announcement("invalid", pushed: false);
            return;
        }

        try
        {
            await connections.PushAsync(announcement, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.Failed("push");
            LogPushFailed(e);
        }
    }

    private async Task CloseAsync()
    {
        if (_queue is not { } queue)
        {
            return;
        }

        _queue = null;
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await queue.CloseAsync(timeout.Token);
            LogClosed(queue.QueueName);
        }
        catch (Exception e)
        {
            // The sweepers of the other instances remove it once its heartbeat is old.
            metrics.Failed("close");
            LogCloseFailed(queue.QueueName, e);
        }
    }

    private async Task CloseQuietlyAsync(InboxInstanceQueue queue)
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await queue.CloseAsync(timeout.Token);
        }
        catch (Exception e)
        {
            metrics.Failed("close");
            LogCloseFailed(queue.QueueName, e);
        }
    }

    private TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, _options.RetryDelay.Ticks * (1L << Math.Min(failures - 1, 16))));

    [LoggerMessage(Level = LogLevel.Information, Message = "Live inbox: listening on queue {Queue}.")]
    private partial void LogOpened(string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live inbox: queue {Queue} unsubscribed and deleted.")]
    private partial void LogClosed(string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live inbox: queue {Queue} is gone (swept?); opening a new one.")]
    private partial void LogLost(string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live inbox: the inbox queue failed ({Failures} in a row); trying again.")]
    private partial void LogFailed(int failures, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live inbox: the heartbeat failed.")]
    private partial void LogHeartbeatFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live inbox: pushing an announcement failed.")]
    private partial void LogPushFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live inbox: removing queue {Queue} failed; the other instances' sweepers remove it.")]
    private partial void LogCloseFailed(string queue, Exception exception);
}
