using Notify.Core.Events;

namespace Notify.Aws.Lanes;

/// <summary>
/// The lane did not take this event: SQS refused its entry (<see cref="ErrorCode"/> is SQS's per-entry code, e.g.
/// <c>InvalidParameterValue</c>) or the call carrying it failed. The event must not be answered as accepted; if it was
/// recorded, the sweeper enqueues it later.
/// </summary>
public sealed class LanePublishException : Exception
{
    public LanePublishException(string eventId, Priority lane, string errorCode, string message, bool senderFault, Exception? innerException = null)
        : base($"The {lane.ToString().ToLowerInvariant()} lane did not take event '{eventId}': {errorCode}: {message}", innerException)
    {
        EventId = eventId;
        Lane = lane;
        ErrorCode = errorCode;
        SenderFault = senderFault;
    }

    public string EventId { get; }

    public Priority Lane { get; }

    public string ErrorCode { get; }

    /// <summary>True when the entry itself is at fault (retrying it unchanged fails again).</summary>
    public bool SenderFault { get; }
}
