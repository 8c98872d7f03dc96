using Notify.Core.Events;

namespace Notify.Worker.Lanes;

/// <summary>
/// The turn policy between the two lanes: high is preferred, low never starves. Low may receive freely while the high
/// lane is idle (its last receive came back empty); while high has work, low gets one receive after every
/// <c>lowShareEvery - 1</c> non-empty high receives, and high waits for it when low is waiting for a slot. Pure state, not
/// thread-safe: the consumer calls it under its own lock.
/// </summary>
public sealed class LaneSelector
{
    private readonly int _lowShareEvery;

    public LaneSelector(int lowShareEvery)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lowShareEvery, 2);
        _lowShareEvery = lowShareEvery;
    }

    /// <summary>True until a high receive returns messages, and again after one returns none.</summary>
    public bool HighIdle { get; private set; } = true;

    /// <summary>Non-empty high receives since low last started one (saturates at the share).</summary>
    public int HighReceivesSinceLow { get; private set; }

    /// <summary>High has work and has had its share since low last received: the next receive is low's.</summary>
    public bool LowTurnDue => !HighIdle && HighReceivesSinceLow >= _lowShareEvery - 1;

    /// <summary>Whether <paramref name="lane"/> may start a receive now, given whether the other lane is waiting for a slot.</summary>
    public bool MayReceive(Priority lane, bool otherLaneWaiting) =>
        lane == Priority.High ? !(otherLaneWaiting && LowTurnDue) : HighIdle || LowTurnDue;

    public void ReceiveStarted(Priority lane)
    {
        if (lane == Priority.Low)
        {
            HighReceivesSinceLow = 0;
        }
    }

    /// <summary>A receive (or a failed one, as 0) returned <paramref name="messages"/> messages.</summary>
    public void ReceiveCompleted(Priority lane, int messages)
    {
        if (lane != Priority.High)
        {
            return;
        }

        HighIdle = messages == 0;
        if (messages > 0 && HighReceivesSinceLow < _lowShareEvery)
        {
            HighReceivesSinceLow++;
        }
    }
}

/// <summary>How many messages one receive asks for and how long it waits.</summary>
public readonly record struct ReceivePlan(int MaxNumberOfMessages, int WaitTimeSeconds)
{
    /// <summary>SQS's limit on <c>MaxNumberOfMessages</c>.</summary>
    public const int MaxBatch = 10;

    /// <summary>
    /// A queue that had messages last time expects more: it asks for as many as there are free slots (up to 10) without
    /// waiting, so an empty answer tells at once that it has drained. An idle queue long-polls for a single message: the
    /// poll returns as soon as one arrives, and meanwhile it holds one slot rather than ten that the other lane could use.
    /// </summary>
    public static ReceivePlan For(bool idle, int freeSlots, int waitTimeSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(freeSlots, 1);
        return idle ? new ReceivePlan(1, waitTimeSeconds) : new ReceivePlan(Math.Min(MaxBatch, freeSlots), 0);
    }
}
