using System.Text.Json;
using Notify.Core.Events;

namespace Notify.Core.Notifications;

/// <summary>
/// The public id of a notification row: <c>{eventId}:{channel}</c> (channel as in JSON, e.g. <c>evt-1:in_app</c>).
/// It names the row directly, so marking an item read needs no lookup.
/// </summary>
public static class NotificationId
{
    public static string Format(string eventId, Channel channel) => $"{eventId}:{JsonNamingPolicy.SnakeCaseLower.ConvertName(channel.ToString())}";

    public static string Of(NotificationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Format(record.EventId, record.Channel);
    }

    /// <summary>Splits at the last colon, so an event id may itself contain colons.</summary>
    public static bool TryParse(string? id, out string eventId, out Channel channel)
    {
        eventId = string.Empty;
        channel = default;
        var colon = id?.LastIndexOf(':') ?? -1;
        if (id is null || colon <= 0 || colon == id.Length - 1)
        {
            return false;
        }

        var name = id[(colon + 1)..];
        foreach (var candidate in Enum.GetValues<Channel>())
        {
            if (string.Equals(JsonNamingPolicy.SnakeCaseLower.ConvertName(candidate.ToString()), name, StringComparison.Ordinal))
            {
                eventId = id[..colon];
                channel = candidate;
                return true;
            }
        }

        return false;
    }
}
