using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Notify.Aws.Sqs;
using Notify.Core;
using Notify.Core.Events;
using Notify.Core.Resources;

namespace Notify.Aws.Lanes;

/// <summary>
/// Puts accepted events on the high or low FIFO lane, micro-batched: concurrent publishes to one lane are gathered and
/// leave as one <c>SendMessageBatch</c> when 10 are waiting or <see cref="LanePublisherOptions.Linger"/> has passed since
/// the first, whichever comes first. That is how one API instance gets past SQS FIFO's per-queue call quota. Each caller
/// learns its own entry's outcome: its task completes when SQS took the entry, or fails with a
/// <see cref="LanePublishException"/>. One instance per process; queue URLs are resolved once.
/// </summary>
/// <remarks>
/// The message body is the <see cref="AcceptedEvent"/> in Notify's JSON, the group the user and the deduplication id the
/// event id (<see cref="LanePolicy"/>), so two publishes of one event — even in the same batch — store one message.
/// Disposing sends what is still waiting before it returns.
/// </remarks>
public sealed class FifoLanePublisher : ILanePublisher, IAsyncDisposable, IDisposable
{
    private readonly Lane _high;
    private readonly Lane _low;
    private int _disposed;

    public FifoLanePublisher(SqsClient sqs, ResourceNaming naming, IOptions<LanePublisherOptions> options)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(options);
        _high = new Lane(sqs, Priority.High, naming.Queue(NotifyResources.HighLane), options.Value);
        _low = new Lane(sqs, Priority.Low, naming.Queue(NotifyResources.LowLane), options.Value);
    }

    /// <exception cref="LanePublishException">SQS refused the entry or the call carrying it failed.</exception>
    /// <exception cref="ObjectDisposedException">The publisher is shutting down.</exception>
    public Task PublishAsync(AcceptedEvent accepted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var lane = accepted.Priority == Priority.High ? _high : _low;
        var pending = new PendingEntry(accepted, ToEntry(accepted), cancellationToken);
        return lane.TryAdd(pending) ? pending.Completion.Task : throw new ObjectDisposedException(nameof(FifoLanePublisher));
    }

    /// <summary>Resolves both lanes' queue URLs now (at start-up), so a missing queue shows before the first request.</summary>
    public Task ResolveQueuesAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_high.QueueUrlAsync(cancellationToken), _low.QueueUrlAsync(cancellationToken));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await Task.WhenAll(_high.CompleteAsync(), _low.CompleteAsync());
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static SendMessageBatchRequestEntry ToEntry(AcceptedEvent accepted)
    {
        var entry = new SendMessageBatchRequestEntry
        {
            MessageBody = JsonSerializer.Serialize(accepted, NotifyJson.Options),
            MessageGroupId = LanePolicy.GroupId(accepted),
            MessageDeduplicationId = LanePolicy.DeduplicationId(accepted),
        };
        if (!string.IsNullOrEmpty(accepted.TraceParent))
        {
            entry.MessageAttributes = new() { [LanePolicy.TraceParentAttribute] = new MessageAttributeValue { DataType = "String", StringValue = accepted.TraceParent } };
            if (!string.IsNullOrEmpty(accepted.TraceState))
            {
                entry.MessageAttributes[LanePolicy.TraceStateAttribute] = new MessageAttributeValue { DataType = "String", StringValue = accepted.TraceState };
            }
        }

        return entry;
    }

    private sealed class PendingEntry(AcceptedEvent accepted, SendMessageBatchRequestEntry entry, CancellationToken cancellationToken)
    {
        public AcceptedEvent Accepted { get; } = accepted;

        public SendMessageBatchRequestEntry Entry { get; } = entry;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        // Callers continue on the thread pool, not on the lane's send loop.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One queue: a channel of pending entries drained by a single loop that forms batches and sends them.</summary>
    private sealed class Lane
    {
        private static readonly string[] EntryIds = [.. Enumerable.Range(0, SqsBatchSender.MaxEntriesPerBatch).Select(i => i.ToString(CultureInfo.InvariantCulture))];

        private readonly SqsClient _sqs;
        private readonly Priority _priority;
        private readonly string _queueName;
        private readonly TimeSpan _linger;
        private readonly int _maxInFlight;
        private readonly SemaphoreSlim _inFlight;
        private readonly System.Threading.Channels.Channel<PendingEntry> _pending = System.Threading.Channels.Channel.CreateUnbounded<PendingEntry>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Task _loop;
        private Task<string>? _queueUrl;

        public Lane(SqsClient sqs, Priority priority, string queueName, LanePublisherOptions options)
        {
            _sqs = sqs;
            _priority = priority;
            _queueName = queueName;
            _linger = options.Linger;
            _maxInFlight = options.MaxConcurrentBatches;
            _inFlight = new SemaphoreSlim(_maxInFlight, _maxInFlight);
            _loop = Task.Run(RunAsync);
        }

        public bool TryAdd(PendingEntry pending) => _pending.Writer.TryWrite(pending);

        public async Task CompleteAsync()
        {
            _pending.Writer.TryComplete();
            await _loop;
        }

        /// <summary>The queue URL, looked up once; a failed lookup is forgotten so the next batch tries again.</summary>
        public Task<string> QueueUrlAsync(CancellationToken cancellationToken)
        {
            var known = _queueUrl;
            if (known is null || known.IsFaulted || known.IsCanceled)
            {
                known = LookUpAsync(cancellationToken);
                _queueUrl = known;
            }

            return known;
        }

        private async Task<string> LookUpAsync(CancellationToken cancellationToken) =>
            (await _sqs.GetQueueUrlAsync(_queueName, cancellationToken)).QueueUrl
            ?? throw new InvalidOperationException($"SQS answered no URL for queue '{_queueName}'.");

        private async Task RunAsync()
        {
            var reader = _pending.Reader;
            Task<bool>? waiting = null;
            var open = true;
            while (open)
            {
                var batch = new List<PendingEntry>(SqsBatchSender.MaxEntriesPerBatch);
                Drain(reader, batch);
                if (batch.Count == 0)
                {
                    waiting ??= reader.WaitToReadAsync().AsTask();
                    open = await waiting;
                    waiting = null;
                    continue;
                }

                if (batch.Count < SqsBatchSender.MaxEntriesPerBatch && _linger > TimeSpan.Zero)
                {
                    var linger = Task.Delay(_linger);
                    while (batch.Count < SqsBatchSender.MaxEntriesPerBatch)
                    {
                        waiting ??= reader.WaitToReadAsync().AsTask();
                        if (await Task.WhenAny(waiting, linger) == linger)
                        {
                            break;
                        }

                        open = await waiting;
                        waiting = null;
                        if (!open)
                        {
                            break;
                        }

                        Drain(reader, batch);
                    }
                }

                await _inFlight.WaitAsync();
                _ = SendAsync(batch);
            }

            // Everything that was written has been drained and handed to a send; wait for the last sends to finish.
            for (var i = 0; i < _maxInFlight; i++)
            {
                await _inFlight.WaitAsync();
            }
        }

        private static void Drain(ChannelReader<PendingEntry> reader, List<PendingEntry> batch)
        {
            while (batch.Count < SqsBatchSender.MaxEntriesPerBatch && reader.TryRead(out var pending))
            {
                // A caller that gave up before its entry left is not sent for.
                if (pending.CancellationToken.IsCancellationRequested)
                {
                    pending.Completion.TrySetCanceled(pending.CancellationToken);
                    continue;
                }

                batch.Add(pending);
            }
        }

        private async Task SendAsync(List<PendingEntry> batch)
        {
            try
            {
                var entries = new List<SendMessageBatchRequestEntry>(batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    // Ids only need to be unique within one call: the position is enough.
                    batch[i].Entry.Id = EntryIds[i];
                    entries.Add(batch[i].Entry);
                }

                var queueUrl = await QueueUrlAsync(CancellationToken.None);
                var result = await _sqs.SendMessageBatchesAsync(queueUrl, entries, CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    var outcome = result.Entries[i];
                    if (outcome.Succeeded)
                    {
                        batch[i].Completion.TrySetResult();
                    }
                    else
                    {
                        var error = outcome.Error!;
                        batch[i].Completion.TrySetException(
                            new LanePublishException(batch[i].Accepted.EventId, _priority, error.Code ?? "Unknown", error.Message ?? string.Empty, error.SenderFault));
                    }
                }
            }
            catch (Exception e)
            {
                var code = e is Http.AwsServiceException aws ? aws.ErrorCode : SqsBatchSender.RequestFailedCode;
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(new LanePublishException(pending.Accepted.EventId, _priority, code, e.Message, senderFault: false, e));
                }
            }
            finally
            {
                _inFlight.Release();
            }
        }
    }
}
