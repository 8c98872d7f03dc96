using Notify.Core.Events;

namespace Notify.Worker.Lanes;

/// <summary>A queue a consumer reads: its lane, logical name and physical name (resolved to a URL at start).</summary>
internal sealed record ConsumedQueue(Priority Lane, string Name, string PhysicalName);

/// <summary>A consumed queue with its URL.</summary>
internal sealed record ResolvedQueue(Priority Lane, string Name, string Url);

/// <summary>
/// A received message from its receive until its disposition is applied (or shutdown releases it). Exactly one party
/// finishes it: the handler's path or shutdown (<see cref="TryFinish"/>). A lease extension in progress is awaited before a
/// visibility change, so a late extension can never hide a message that was just released.
/// </summary>
internal sealed class InFlightMessage(ResolvedQueue queue, LaneMessage message, DateTimeOffset leaseFrom)
{
    private readonly Lock _gate = new();
    private bool _finished;
    private TaskCompletionSource? _extending;
    private DateTimeOffset _leaseRenewedAt = leaseFrom;

    public ResolvedQueue Queue { get; } = queue;

    public LaneMessage Message { get; } = message;

    public string ReceiptHandle { get; } = message.Message.ReceiptHandle ?? string.Empty;

    /// <summary>When the receive was sent: SQS counts the lease (and its 12-hour cap) from no earlier than this.</summary>
    public DateTimeOffset ReceivedAt { get; } = leaseFrom;

    /// <summary>Completed once the message needs nothing more from the consumer.</summary>
    public TaskCompletionSource Settled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool TryBeginExtension(DateTimeOffset now, TimeSpan extendAfter)
    {
        lock (_gate)
        {
            if (_finished || _extending is not null || now - _leaseRenewedAt < extendAfter)
            {
                return false;
            }

            _extending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return true;
        }
    }

    /// <param name="renewedAt">When the successful extension was sent; null when it failed.</param>
    public void EndExtension(DateTimeOffset? renewedAt)
    {
        TaskCompletionSource? extending;
        lock (_gate)
        {
            if (renewedAt is { } at)
            {
                _leaseRenewedAt = at;
            }

            extending = _extending;
            _extending = null;
        }

        extending?.TrySetResult();
    }

    /// <summary>Claims the message for its final disposition; false when someone else already did.</summary>
    /// <param name="extension">An extension still in flight, to await before changing the visibility.</param>
    public bool TryFinish(out Task extension)
    {
        lock (_gate)
        {
            extension = _extending?.Task ?? Task.CompletedTask;
            if (_finished)
            {
                return false;
            }

            _finished = true;
            return true;
        }
    }
}
