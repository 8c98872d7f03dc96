using System.Collections.Concurrent;
using System.Globalization;
using Notify.Aws.Sqs;

namespace Notify.Worker.Lanes;

/// <summary>
/// Everything a consumer does to messages it holds, shared by <see cref="LaneConsumer"/> and <see cref="QueueConsumer"/>:
/// applying dispositions (deletes batched per queue), extending the lease of messages still being handled, and releasing
/// messages nobody will handle. A failed call is logged and never retried here: the message then comes back when its lease
/// ends, which is always safe.
/// </summary>
internal sealed partial class LeaseKeeper
{
    private static readonly TimeSpan DeleteLinger = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MinExtensionTick = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxExtensionTick = TimeSpan.FromSeconds(5);

    private readonly SqsClient _sqs;
    private readonly TimeSpan _visibilityTimeout;
    private readonly TimeSpan _extendAfter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _abort;
    private readonly ConcurrentDictionary<InFlightMessage, byte> _inFlight = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, DeleteBatcher> _deletes = new(StringComparer.Ordinal);

    /// <param name="abort">Cancels every call: the host stopped waiting for this consumer.</param>
    public LeaseKeeper(SqsClient sqs, TimeSpan visibilityTimeout, TimeSpan extendAfter, TimeProvider time, ILogger logger, CancellationToken abort)
    {
        _sqs = sqs;
        _visibilityTimeout = visibilityTimeout;
        _extendAfter = extendAfter;
        _time = time;
        _logger = logger;
        _abort = abort;
    }

    public ICollection<InFlightMessage> InFlight => _inFlight.Keys;

    public void Track(InFlightMessage message) => _inFlight.TryAdd(message, 0);

    public void Untrack(InFlightMessage message) => _inFlight.TryRemove(message, out _);

    /// <summary>Applies a disposition to a message the caller has finished (<see cref="InFlightMessage.TryFinish"/>).</summary>
    public async Task ApplyAsync(InFlightMessage message, MessageDisposition disposition)
    {
        try
        {
            switch (disposition)
            {
                case MessageDisposition.DeleteMessage:
                    var refused = await _deletes.GetOrAdd(message.Queue.Url, url => new DeleteBatcher(_sqs, url, DeleteLinger, _time, _abort))
                        .DeleteAsync(message.ReceiptHandle);
                    if (refused is not null)
                    {
                        LogEntryRefused("delete", message.Queue.Name, message.Message.MessageId, refused.Code, refused.Message);
                    }

                    break;
                case MessageDisposition.RetryAfter retry:
                    await ChangeVisibilityAsync(message, RetryBackoff.VisibilitySeconds(retry.Delay, _time.GetUtcNow() - message.ReceivedAt));
                    break;
                case MessageDisposition.ReleaseMessage:
                    await ChangeVisibilityAsync(message, 0);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(disposition), disposition, "Unknown disposition.");
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogApplyFailed(e, disposition.GetType().Name, message.Queue.Name, message.Message.MessageId);
        }
    }

    /// <summary>Makes messages visible again at once (nobody will handle them here), batched per queue.</summary>
    public Task ReleaseAsync(IEnumerable<(ResolvedQueue Queue, string ReceiptHandle, string MessageId)> messages) =>
        Task.WhenAll(messages.GroupBy(m => m.Queue).SelectMany(q => q.Chunk(ReceivePlan.MaxBatch)).Select(chunk =>
            ChangeVisibilityBatchAsync(chunk[0].Queue, [.. chunk.Select(m => (m.ReceiptHandle, m.MessageId, 0))], "release")));

    /// <summary>Until cancelled, extends the lease of every message held longer than ExtendAfter since its lease was last set.</summary>
    public async Task RunExtensionsAsync(CancellationToken cancellationToken)
    {
        var tick = TimeSpan.FromTicks(Math.Clamp(_extendAfter.Ticks / 2, MinExtensionTick.Ticks, MaxExtensionTick.Ticks));
        using var timer = new PeriodicTimer(tick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await ExtendDueAsync();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends what the delete batches still hold.</summary>
    public Task CompleteAsync() => Task.WhenAll(_deletes.Values.Select(d => d.CompleteAsync()));

    private async Task ExtendDueAsync()
    {
        var now = _time.GetUtcNow();
        var due = _inFlight.Keys.Where(m => m.TryBeginExtension(now, _extendAfter)).ToList();
        if (due.Count == 0)
        {
            return;
        }

        await Task.WhenAll(due.GroupBy(m => m.Queue).SelectMany(q => q.Chunk(ReceivePlan.MaxBatch)).Select(async chunk =>
        {
            var renewed = await ChangeVisibilityBatchAsync(
                chunk[0].Queue,
                [.. chunk.Select(m => (m.ReceiptHandle, m.Message.MessageId, ExtensionSeconds(m, now)))],
                "extend");
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i].EndExtension(renewed[i] ? now : null);
            }
        }));
    }

    private int ExtensionSeconds(InFlightMessage message, DateTimeOffset now) =>
        RetryBackoff.VisibilitySeconds(_visibilityTimeout, now - message.ReceivedAt);

    private async Task ChangeVisibilityAsync(InFlightMessage message, int seconds) =>
        await _sqs.ChangeMessageVisibilityAsync(
            new ChangeMessageVisibilityRequest { QueueUrl = message.Queue.Url, ReceiptHandle = message.ReceiptHandle, VisibilityTimeout = seconds }, _abort);

    /// <returns>Per entry, whether SQS applied it.</returns>
    private async Task<bool[]> ChangeVisibilityBatchAsync(ResolvedQueue queue, (string ReceiptHandle, string MessageId, int Seconds)[] entries, string purpose)
    {
        var applied = new bool[entries.Length];
        try
        {
            var response = await _sqs.ChangeMessageVisibilityBatchAsync(
                new ChangeMessageVisibilityBatchRequest
                {
                    QueueUrl = queue.Url,
                    Entries =
                    [
                        .. entries.Select((e, i) => new ChangeMessageVisibilityBatchRequestEntry
                        {
                            Id = i.ToString(CultureInfo.InvariantCulture), ReceiptHandle = e.ReceiptHandle, VisibilityTimeout = e.Seconds,
                        }),
                    ],
                },
                _abort);
            foreach (var ok in response.Successful)
            {
                if (int.TryParse(ok.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < applied.Length)
                {
                    applied[i] = true;
                }
            }

            foreach (var failed in response.Failed)
            {
                var messageId = int.TryParse(failed.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < entries.Length ? entries[i].MessageId : failed.Id;
                LogEntryRefused(purpose, queue.Name, messageId, failed.Code, failed.Message);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogBatchFailed(e, purpose, queue.Name, entries.Length);
        }

        return applied;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying {Disposition} to message {MessageId} of {Queue} failed; it comes back when its lease ends")]
    private partial void LogApplyFailed(Exception exception, string disposition, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS refused to {Operation} message {MessageId} of {Queue}: {Code} {Reason}")]
    private partial void LogEntryRefused(string operation, string queue, string? messageId, string? code, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {Operation} of {Count} messages of {Queue} failed; they come back when their lease ends")]
    private partial void LogBatchFailed(Exception exception, string operation, string queue, int count);
}
