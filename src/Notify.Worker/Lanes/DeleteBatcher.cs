using System.Globalization;
using System.Threading.Channels;
using Notify.Aws.Sqs;

namespace Notify.Worker.Lanes;

/// <summary>
/// Gathers the deletes of one queue for a few milliseconds (or until 10 are waiting) and sends them as one
/// <c>DeleteMessageBatch</c>: under load that divides the delete calls by up to ten. Each caller learns its own entry's
/// outcome. <see cref="CompleteAsync"/> sends what is still waiting.
/// </summary>
internal sealed class DeleteBatcher
{
    private readonly SqsClient _sqs;
    private readonly string _queueUrl;
    private readonly TimeSpan _linger;
    private readonly TimeProvider _time;
    private readonly CancellationToken _abort;
    private readonly Channel<PendingDelete> _pending = Channel.CreateUnbounded<PendingDelete>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public DeleteBatcher(SqsClient sqs, string queueUrl, TimeSpan linger, TimeProvider time, CancellationToken abort)
    {
        _sqs = sqs;
        _queueUrl = queueUrl;
        _linger = linger;
        _time = time;
        _abort = abort;
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    /// <returns>Null when SQS deleted the message; its error entry when it refused.</returns>
    /// <exception cref="Exception">The batch call failed (as the transport reports it).</exception>
    public Task<BatchResultErrorEntry?> DeleteAsync(string receiptHandle)
    {
        var pending = new PendingDelete(receiptHandle, new TaskCompletionSource<BatchResultErrorEntry?>(TaskCreationOptions.RunContinuationsAsynchronously));
        return _pending.Writer.TryWrite(pending) ? pending.Outcome.Task : throw new ObjectDisposedException(nameof(DeleteBatcher));
    }

    public Task CompleteAsync()
    {
        _pending.Writer.TryComplete();
        return _loop;
    }

    private async Task RunAsync()
    {
        var reader = _pending.Reader;
        var batch = new List<PendingDelete>(ReceivePlan.MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(_abort))
            {
                batch.Clear();
                using (var linger = new CancellationTokenSource(_linger, _time))
                using (var gather = CancellationTokenSource.CreateLinkedTokenSource(_abort, linger.Token))
                {
                    while (batch.Count < ReceivePlan.MaxBatch)
                    {
                        if (reader.TryRead(out var next))
                        {
                            batch.Add(next);
                            continue;
                        }

                        try
                        {
                            if (!await reader.WaitToReadAsync(gather.Token))
                            {
                                break;
                            }
                        }
                        catch (OperationCanceledException) when (!_abort.IsCancellationRequested)
                        {
                            break;
                        }
                    }
                }

                await SendAsync(batch);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetCanceled(_abort);
            }

            while (reader.TryRead(out var pending))
            {
                pending.Outcome.TrySetCanceled(_abort);
            }
        }
    }

    private async Task SendAsync(List<PendingDelete> batch)
    {
        var request = new DeleteMessageBatchRequest
        {
            QueueUrl = _queueUrl,
            Entries = [.. batch.Select((p, i) => new DeleteMessageBatchRequestEntry { Id = i.ToString(CultureInfo.InvariantCulture), ReceiptHandle = p.ReceiptHandle })],
        };

        DeleteMessageBatchResponse response;
        try
        {
            response = await _sqs.DeleteMessageBatchAsync(request, _abort);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetException(e);
            }

            return;
        }

        var failed = response.Failed.Where(f => f.Id is not null).ToDictionary(f => f.Id!, StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            // An entry SQS reports neither way is treated as refused: the message then simply comes back after its lease.
            var id = i.ToString(CultureInfo.InvariantCulture);
            var outcome = failed.GetValueOrDefault(id)
                ?? (response.Successful.Any(s => s.Id == id) ? null : new BatchResultErrorEntry { Id = id, Code = "MissingFromResponse" });
            batch[i].Outcome.TrySetResult(outcome);
        }
    }

    private sealed record PendingDelete(string ReceiptHandle, TaskCompletionSource<BatchResultErrorEntry?> Outcome);
}
