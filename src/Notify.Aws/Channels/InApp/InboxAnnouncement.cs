using System.Text.Json;
using System.Text.Json.Serialization;
using Notify.Core;
using Notify.Core.Delivery;
using Notify.Core.Validation;

namespace Notify.Aws.Channels.InApp;

/// <summary>
/// An announcement read back from the <c>inbox-events</c> topic (what <see cref="SnsInboxNotifier"/> publishes): an item
/// stored or an item marked read, for one user.
/// </summary>
public abstract record InboxAnnouncement(string UserId)
{
    // Unlike the API's request bodies, announcements are read leniently: a worker of a newer version may add members,
    // and an instance that does not know them must still push the ones it does.
    private static readonly JsonSerializerOptions Lenient = new(NotifyJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

    /// <summary>
    /// The announcement in <paramref name="message"/> (an SQS body delivered raw from the topic), or null when it is not
    /// JSON, names another type, or lacks what its type needs (a valid user id and notification id).
    /// </summary>
    public static InboxAnnouncement? Parse(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            InboxAnnouncement? parsed = type.GetString() switch
            {
                SnsInboxNotifier.NotificationType when root.Deserialize<InboxItemStored>(Lenient) is { } item => new Stored(item),
                SnsInboxNotifier.ReadType when root.Deserialize<InboxItemRead>(Lenient) is { } item => new Read(item),
                _ => null,
            };
            return parsed is not null && FieldFormats.IsUserId(parsed.UserId ?? string.Empty) && !string.IsNullOrEmpty(parsed.NotificationId) ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public abstract string NotificationId { get; }

    /// <summary>The worker stored an in-app item.</summary>
    public sealed record Stored(InboxItemStored Item) : InboxAnnouncement(Item.UserId)
    {
        public override string NotificationId => Item.NotificationId;
    }

    /// <summary>An item was marked read through an API instance; carries the unread count after it.</summary>
    public sealed record Read(InboxItemRead Item) : InboxAnnouncement(Item.UserId)
    {
        public override string NotificationId => Item.NotificationId;
    }
}
