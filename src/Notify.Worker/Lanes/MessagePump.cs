using System.Globalization;
using Notify.Aws.Sqs;
using Notify.Core.Events;

namespace Notify.Worker.Lanes;

/// <summary>
/// The receive/dispatch engine behind <see cref="LaneConsumer"/> (two queues and a <see cref="LaneSelector"/>) and
/// <see cref="QueueConsumer"/> (one queue, no selector). One receive loop per queue; all loops share one pool of
/// <c>MaxConcurrency</c> handler slots. A receive reserves its slots before it is sent and returns the unused ones when it
/// comes back; a message keeps its slot until its disposition is applied. Loops with nothing to do wait on a signal
/// pulsed by every change of the pool or the turn state, never in a polling loop.
/// </summary>
/// <remarks>
/// Shutdown does not cancel a receive in flight: SQS keeps serving an abandoned long poll, so the messages it picks would
/// vanish for a whole lease (and block their FIFO group). The loops stop starting receives, the last ones finish (at most
/// <c>WaitTimeSeconds</c>) and whatever they bring is released at once.
/// </remarks>
internal sealed partial class MessagePump : IDisposable
{
    private static readonly TimeSpan EmptyPollPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxResolveDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxReceiveFailureDelay = TimeSpan.FromSeconds(30);

    private readonly SqsClient _sqs;
    private readonly ILaneMessageHandler _handler;
    private readonly MessageConsumerOptions _options;
    private readonly IReadOnlyList<ConsumedQueue> _queues;
    private readonly LaneSelector? _selector;
    private readonly LaneMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LeaseKeeper _leases;

    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _handlerCancellation = new();

    // Taken once: a straggling task may still look at them after the consumer was disposed.
    private readonly CancellationToken _aborted;
    private readonly CancellationToken _handlerToken;

    private readonly Lock _gate = new();
    private readonly bool[] _waiting;
    private readonly bool[] _idle;
    private int _free;
    private TaskCompletionSource _changed = NewSignal();
    private long _stopRequestedAt;

    public MessagePump(
        SqsClient sqs,
        ILaneMessageHandler handler,
        MessageConsumerOptions options,
        IReadOnlyList<ConsumedQueue> queues,
        LaneSelector? selector,
        LaneMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _sqs = sqs;
        _handler = handler;
        _options = options;
        _queues = queues;
        _selector = selector;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _aborted = _abort.Token;
        _handlerToken = _handlerCancellation.Token;
        _free = options.MaxConcurrency;
        _waiting = new bool[queues.Count];
        _idle = [.. queues.Select(_ => true)];
        _leases = new LeaseKeeper(sqs, options.VisibilityTimeout, options.ExtendAfter, time, logger, _aborted);
    }

    /// <summary>Runs until <paramref name="stoppingToken"/> fires, then drains as the remarks describe.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var resolved = new ResolvedQueue[_queues.Count];
        for (var i = 0; i < _queues.Count; i++)
        {
            var url = await ResolveUrlAsync(_queues[i], stoppingToken);
            if (url is null)
            {
                return;
            }

            resolved[i] = new ResolvedQueue(_queues[i].Lane, _queues[i].Name, url);
        }

        using var oldest = _metrics.ReportOldest(
            [.. resolved.Select(q => q.Name)], () => _leases.InFlight.Select(m => (m.Queue.Name, m.Message.SentAt)));
        using var stopping = stoppingToken.Register(() =>
        {
            Interlocked.CompareExchange(ref _stopRequestedAt, _time.GetTimestamp(), 0);
            Pulse();
        });
        using var extensionStop = CancellationTokenSource.CreateLinkedTokenSource(_aborted);
        var extensions = _leases.RunExtensionsAsync(extensionStop.Token);
        try
        {
            await Task.WhenAll(resolved.Select((queue, index) => Task.Run(() => ReceiveLoopAsync(index, queue, stoppingToken), CancellationToken.None)));
            await DrainAsync();
        }
        catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
        {
            // The host stopped waiting; whatever is still held comes back when its lease ends.
        }
        finally
        {
            await extensionStop.CancelAsync();
            await extensions;
        }
    }

    /// <summary>Cancels every call and every wait: the host's shutdown timeout is over.</summary>
    public void Abort()
    {
        try
        {
            _abort.Cancel();
            _handlerCancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _abort.Dispose();
        _handlerCancellation.Dispose();
    }

    private async Task DrainAsync()
    {
        var elapsed = _time.GetElapsedTime(Interlocked.Read(ref _stopRequestedAt));
        var grace = _options.ShutdownGracePeriod - elapsed;
        var running = _leases.InFlight.Select(m => m.Settled.Task).ToArray();
        if (running.Length > 0 && grace > TimeSpan.Zero)
        {
            try
            {
                await Task.WhenAll(running).WaitAsync(grace, _time, _aborted);
            }
            catch (TimeoutException)
            {
            }
        }

        await _handlerCancellation.CancelAsync();

        // Handlers still running get nothing applied when they return: their messages go back to the queue now, for
        // another worker to take.
        var abandoned = new List<InFlightMessage>();
        var extensions = new List<Task>();
        foreach (var message in _leases.InFlight)
        {
            if (message.TryFinish(out var extension))
            {
                abandoned.Add(message);
                extensions.Add(extension);
            }
        }

        if (abandoned.Count > 0)
        {
            await Task.WhenAll(extensions);
            LogReleasingAbandoned(abandoned.Count);
            await _leases.ReleaseAsync(abandoned.Select(m => (m.Queue, m.ReceiptHandle, m.Message.MessageId)));
            foreach (var message in abandoned)
            {
                Settle(message, "abandoned");
            }
        }

        // Handlers that finished in time may still be applying their disposition.
        await Task.WhenAll(_leases.InFlight.Select(m => m.Settled.Task)).WaitAsync(_aborted);
        await _leases.CompleteAsync();
    }

    private async Task ReceiveLoopAsync(int index, ResolvedQueue queue, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (true)
        {
            var plan = await AcquireAsync(index, queue.Lane, stoppingToken);
            if (plan is not { } receive)
            {
                return;
            }

            var leaseFrom = _time.GetUtcNow();
            List<Message> messages;
            try
            {
                messages = (await _sqs.ReceiveMessageAsync(Request(queue, receive), _aborted)).Messages;
                failures = 0;
            }
            catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
            {
                Completed(index, queue.Lane, receive.MaxNumberOfMessages, 0);
                return;
            }
            catch (Exception e)
            {
                Completed(index, queue.Lane, receive.MaxNumberOfMessages, 0);
                var delay = Backoff(++failures, MaxReceiveFailureDelay);
                LogReceiveFailed(e, queue.Name, delay);
                if (!await PauseAsync(delay, stoppingToken))
                {
                    return;
                }

                continue;
            }

            // A message without a receipt handle cannot be disposed of; SQS never sends one, so this only guards the slots.
            var usable = messages.Where(m => !string.IsNullOrEmpty(m.ReceiptHandle)).ToList();
            Completed(index, queue.Lane, receive.MaxNumberOfMessages, usable.Count);
            if (usable.Count > 0)
            {
                _metrics.Received(queue.Name, usable.Count);
            }

            if (stoppingToken.IsCancellationRequested)
            {
                await ReleaseUnstartedAsync(queue, usable);
                return;
            }

            // One user's messages (a FIFO group) run one after the other, in the order received: SQS may hand several of a
            // group over in one receive, and running them at once would let a later notification overtake an earlier one.
            foreach (var group in usable.GroupBy(m => m.Attributes.GetValueOrDefault(MessageSystemAttributeName.MessageGroupId) ?? m.MessageId, StringComparer.Ordinal))
            {
                Dispatch(queue, [.. group], leaseFrom);
            }

            if (usable.Count == 0 && _options.WaitTimeSeconds == 0 && !await PauseAsync(EmptyPollPause, stoppingToken))
            {
                return;
            }
        }
    }

    private ReceiveMessageRequest Request(ResolvedQueue queue, ReceivePlan plan) => new()
    {
        QueueUrl = queue.Url,
        MaxNumberOfMessages = plan.MaxNumberOfMessages,
        WaitTimeSeconds = plan.WaitTimeSeconds,

        // The lease starts at the consumer's own length, whatever the queue's default, and the extension loop keeps it.
        VisibilityTimeout = RetryBackoff.VisibilitySeconds(_options.VisibilityTimeout, TimeSpan.Zero),
        MessageSystemAttributeNames = [MessageSystemAttributeName.All],
        MessageAttributeNames = ["All"],

        // FIFO only: if the answer is lost and the transport retries, SQS hands the same messages back instead of
        // hiding them for a lease.
        ReceiveRequestAttemptId = queue.Url.EndsWith(".fifo", StringComparison.Ordinal) ? Guid.NewGuid().ToString("N") : null,
    };

    private async ValueTask<ReceivePlan?> AcquireAsync(int index, Priority lane, CancellationToken stoppingToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    _waiting[index] = false;
                    return null;
                }

                if (_free > 0 && (_selector is null || _selector.MayReceive(lane, OtherWaiting(index))))
                {
                    var plan = ReceivePlan.For(_idle[index], _free, _options.WaitTimeSeconds);
                    _free -= plan.MaxNumberOfMessages;
                    _waiting[index] = false;
                    _selector?.ReceiveStarted(lane);
                    PulseLocked();
                    return plan;
                }

                if (!_waiting[index])
                {
                    _waiting[index] = true;
                    PulseLocked();
                }

                changed = _changed.Task;
            }

            await changed;
        }
    }

    private bool OtherWaiting(int index)
    {
        for (var i = 0; i < _waiting.Length; i++)
        {
            if (i != index && _waiting[i])
            {
                return true;
            }
        }

        return false;
    }

    private void Completed(int index, Priority lane, int reserved, int received)
    {
        lock (_gate)
        {
            _free += reserved - received;
            _idle[index] = received == 0;
            _selector?.ReceiveCompleted(lane, received);
            PulseLocked();
        }
    }

    private void ReturnSlot()
    {
        lock (_gate)
        {
            _free++;
            PulseLocked();
        }
    }

    private void Pulse()
    {
        lock (_gate)
        {
            PulseLocked();
        }
    }

    private void PulseLocked()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Dispatch(ResolvedQueue queue, List<Message> group, DateTimeOffset leaseFrom)
    {
        var messages = new List<InFlightMessage>(group.Count);
        foreach (var message in group)
        {
            var receiveCount = message.Attributes.TryGetValue(MessageSystemAttributeName.ApproximateReceiveCount, out var count)
                && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
            var sentAt = message.Attributes.TryGetValue(MessageSystemAttributeName.SentTimestamp, out var sent)
                && long.TryParse(sent, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : leaseFrom;
            var inFlight = new InFlightMessage(queue, new LaneMessage(queue.Lane, queue.Url, message, receiveCount, sentAt) { QueueName = queue.Name }, leaseFrom);
            _leases.Track(inFlight);
            _metrics.InFlight(queue.Name, 1);
            messages.Add(inFlight);
        }

        _ = Task.Run(() => HandleGroupAsync(messages), CancellationToken.None);
    }

    /// <summary>
    /// Handles a group's messages in order. Once one is not deleted (it is retried later), the rest go back to the queue
    /// behind it: FIFO keeps the group blocked while that one is hidden, so they come back after it, in order.
    /// </summary>
    private async Task HandleGroupAsync(List<InFlightMessage> messages)
    {
        var blocked = false;
        foreach (var message in messages)
        {
            if (blocked)
            {
                await FinishAsync(message, MessageDisposition.Release, "release");
                continue;
            }

            blocked = await HandleAsync(message) is not MessageDisposition.DeleteMessage;
        }
    }

    private async Task<MessageDisposition> HandleAsync(InFlightMessage message)
    {
        var started = _time.GetTimestamp();
        MessageDisposition disposition;
        string outcome;
        try
        {
            disposition = await _handler.HandleAsync(message.Message, _handlerToken)
                ?? throw new InvalidOperationException("The handler returned no disposition.");
            outcome = disposition switch
            {
                MessageDisposition.DeleteMessage => "delete",
                MessageDisposition.RetryAfter => "retry",
                _ => "release",
            };
        }
        catch (OperationCanceledException) when (_handlerToken.IsCancellationRequested)
        {
            disposition = MessageDisposition.Release;
            outcome = "abandoned";
        }
        catch (Exception e)
        {
            var delay = RetryBackoff.ForReceiveCount(message.Message.ReceiveCount, Random.Shared.NextDouble());
            disposition = new MessageDisposition.RetryAfter(delay);
            outcome = "failed";
            LogHandlerFailed(e, message.Queue.Name, message.Message.MessageId, message.Message.ReceiveCount, delay);
        }

        _metrics.HandlerDuration(message.Queue.Name, _time.GetElapsedTime(started));
        await FinishAsync(message, disposition, outcome);
        return disposition;
    }

    private async Task FinishAsync(InFlightMessage message, MessageDisposition disposition, string outcome)
    {
        if (!message.TryFinish(out var extension))
        {
            return; // Shutdown released it while the handler ran on.
        }

        try
        {
            await extension;
            await _leases.ApplyAsync(message, disposition);
        }
        finally
        {
            Settle(message, outcome);
        }
    }

    private void Settle(InFlightMessage message, string outcome)
    {
        _leases.Untrack(message);
        _metrics.Completed(message.Queue.Name, outcome);
        _metrics.InFlight(message.Queue.Name, -1);
        ReturnSlot();
        message.Settled.TrySetResult();
    }

    private async Task ReleaseUnstartedAsync(ResolvedQueue queue, List<Message> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }

        await _leases.ReleaseAsync(messages.Select(m => (queue, m.ReceiptHandle!, m.MessageId ?? string.Empty)));
        foreach (var _ in messages)
        {
            _metrics.Completed(queue.Name, "abandoned");
            ReturnSlot();
        }
    }

    private async Task<string?> ResolveUrlAsync(ConsumedQueue queue, CancellationToken stoppingToken)
    {
        var attempts = 0;
        while (true)
        {
            try
            {
                var url = (await _sqs.GetQueueUrlAsync(queue.PhysicalName, stoppingToken)).QueueUrl;
                if (!string.IsNullOrEmpty(url))
                {
                    return url;
                }

                throw new InvalidOperationException($"GetQueueUrl answered no URL for {queue.PhysicalName}.");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e)
            {
                // The AppHost provisions the queues before it starts the worker; elsewhere they may still be on their way.
                var delay = Backoff(++attempts, MaxResolveDelay);
                LogQueueUnavailable(e, queue.PhysicalName, delay);
                if (!await PauseAsync(delay, stoppingToken))
                {
                    return null;
                }
            }
        }
    }

    private async Task<bool> PauseAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, _time, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static TimeSpan Backoff(int attempt, TimeSpan max) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(attempt, 16) - 1), max.TotalSeconds));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} is not reachable yet; retrying in {Delay}")]
    private partial void LogQueueUnavailable(Exception exception, string queue, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from {Queue} failed; retrying in {Delay}")]
    private partial void LogReceiveFailed(Exception exception, string queue, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling message {MessageId} of {Queue} (receive {ReceiveCount}) failed; it comes back in {Delay}")]
    private partial void LogHandlerFailed(Exception exception, string queue, string messageId, int receiveCount, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown grace period over: releasing {Count} messages whose handlers did not finish")]
    private partial void LogReleasingAbandoned(int count);
}
