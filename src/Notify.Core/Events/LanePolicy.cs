using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Notify.Core.Events;

/// <summary>
/// The one place that decides how an event maps onto a FIFO lane. The group is the user, so one user's
/// notifications keep their order while different users' go in parallel; the deduplication id is the eventId (plus the
/// generation once the event was deferred or redriven), so a retried or swept enqueue within SQS's 5-minute window
/// stores one message while a deliberate re-enqueue is not mistaken for a duplicate.
/// </summary>
public static class LanePolicy
{
    public const string TraceParentAttribute = "traceparent";
    public const string TraceStateAttribute = "tracestate";

    /// <summary>SQS's limit on <c>MessageDeduplicationId</c>.</summary>
    public const int MaxDeduplicationIdLength = 128;

    public static string GroupId(AcceptedEvent accepted) => accepted.UserId;

    public static string DeduplicationId(AcceptedEvent accepted)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        if (accepted.Generation == 0)
        {
            return accepted.EventId;
        }

        var id = string.Create(CultureInfo.InvariantCulture, $"{accepted.EventId}#{accepted.Generation}");

        // An event id near its 128-character limit leaves no room for the suffix: a hash keeps it unique and short.
        return id.Length <= MaxDeduplicationIdLength ? id : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }
}
