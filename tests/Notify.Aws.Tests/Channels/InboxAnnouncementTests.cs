using Notify.Aws.Channels.InApp;
using Notify.Core.Delivery;

namespace Notify.Aws.Tests.Channels;

/// <summary>What the API instances read back from the inbox topic: both kinds round-trip, anything else is ignored.</summary>
public sealed class InboxAnnouncementTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_read_back_a_stored_item_and_a_read_item_as_the_notifier_writes_them()
    {
        var stored = new InboxItemStored("ada", "evt-1:in_app", "evt-1", "order.shipped", "Shipped", "On its way", At);
        var read = new InboxItemRead("ada", "evt-1:in_app", At, 3);

        Assert.Equal(stored, Assert.IsType<InboxAnnouncement.Stored>(InboxAnnouncement.Parse(SnsInboxNotifier.Serialize(stored))).Item);
        Assert.Equal(read, Assert.IsType<InboxAnnouncement.Read>(InboxAnnouncement.Parse(SnsInboxNotifier.Serialize(read))).Item);
        Assert.Equal(
            """{"type":"read","userId":"ada","notificationId":"evt-1:in_app","readAt":"2026-11-21T10:00:00+00:00","unreadCount":3}""",
            SnsInboxNotifier.Serialize(read));
    }

    [Fact]
    public void Should_skip_members_it_does_not_know_so_a_newer_worker_does_not_silence_older_instances()
    {
        var parsed = InboxAnnouncement.Parse("""{"type":"notification","userId":"ada","notificationId":"e:in_app","eventId":"e","eventType":"t","at":"2026-11-21T10:00:00Z","priority":"high"}""");

        Assert.Equal("ada", Assert.IsType<InboxAnnouncement.Stored>(parsed).UserId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"userId":"ada","notificationId":"e:in_app"}""")]
    [InlineData("""{"type":"deleted","userId":"ada","notificationId":"e:in_app"}""")]
    [InlineData("""{"type":"read","notificationId":"e:in_app","readAt":"2026-11-21T10:00:00Z","unreadCount":1}""")]
    [InlineData("""{"type":"read","userId":"not a user id","notificationId":"e:in_app","readAt":"2026-11-21T10:00:00Z","unreadCount":1}""")]
    [InlineData("""{"type":"notification","userId":"ada","eventId":"e","eventType":"t","at":"2026-11-21T10:00:00Z"}""")]
    [InlineData("""{"type":"notification","userId":"ada","notificationId":"e:in_app","at":"yesterday"}""")]
    public void Should_ignore_what_is_not_an_announcement(string? message) => Assert.Null(InboxAnnouncement.Parse(message));
}
