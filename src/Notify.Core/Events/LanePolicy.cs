namespace Notify.Core.Events;

/// <summary>
/// The one place that decides how an event maps onto a FIFO lane. The group is the user, so one user's
/// notifications keep their order while different users' go in parallel; the deduplication id is the eventId, so a
/// retried or swept enqueue within SQS's 5-minute window stores one message.
/// </summary>
public static class LanePolicy
{
    public const string TraceParentAttribute = "traceparent";
    public const string TraceStateAttribute = "tracestate";

    public static string GroupId(AcceptedEvent accepted) => accepted.UserId;

    public static string DeduplicationId(AcceptedEvent accepted) => accepted.EventId;
}
