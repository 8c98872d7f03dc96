using Notify.Core.Notifications;

namespace Notify.Core.Tests.Delivery;

public sealed class NotificationStatusRankTests
{
    [Fact]
    public void Should_grow_when_a_row_moves_through_its_lifecycle()
    {
        NotificationStatus[] path =
        [
            NotificationStatus.Pending, NotificationStatus.Deferred, NotificationStatus.Sending,
            NotificationStatus.Sent, NotificationStatus.Delivered, NotificationStatus.Bounced,
        ];

        for (var i = 1; i < path.Length; i++)
        {
            Assert.True(path[i].Rank() > path[i - 1].Rank(), $"{path[i]} should rank above {path[i - 1]}");
        }
    }

    [Theory]
    [InlineData(NotificationStatus.Bounced)]
    [InlineData(NotificationStatus.Complained)]
    public void Should_rank_feedback_above_delivery_when_it_arrives_after_the_receipt(NotificationStatus feedback)
    {
        Assert.True(feedback.Rank() > NotificationStatus.Delivered.Rank());
        Assert.True(feedback.Rank() > NotificationStatus.Sent.Rank());
    }

    [Fact]
    public void Should_rank_delivery_above_sent_when_the_receipt_arrives()
    {
        Assert.True(NotificationStatus.Delivered.Rank() > NotificationStatus.Sent.Rank());
    }

    [Theory]
    [InlineData(NotificationStatus.Sent)]
    [InlineData(NotificationStatus.Failed)]
    [InlineData(NotificationStatus.Suppressed)]
    [InlineData(NotificationStatus.Skipped)]
    [InlineData(NotificationStatus.Unknown)]
    public void Should_rank_every_outcome_above_sending_when_the_attempt_ends(NotificationStatus outcome)
    {
        Assert.True(outcome.Rank() > NotificationStatus.Sending.Rank());
        Assert.True(outcome.Rank() < NotificationStatus.Delivered.Rank());
    }

    [Theory]
    [InlineData(NotificationStatus.Pending, false)]
    [InlineData(NotificationStatus.Deferred, false)]
    [InlineData(NotificationStatus.Sending, false)]
    [InlineData(NotificationStatus.Sent, true)]
    [InlineData(NotificationStatus.Failed, true)]
    [InlineData(NotificationStatus.Suppressed, true)]
    [InlineData(NotificationStatus.Skipped, true)]
    [InlineData(NotificationStatus.Unknown, true)]
    [InlineData(NotificationStatus.Delivered, true)]
    [InlineData(NotificationStatus.Bounced, true)]
    [InlineData(NotificationStatus.Complained, true)]
    public void Should_be_terminal_only_when_the_row_has_an_outcome(NotificationStatus status, bool terminal)
    {
        Assert.Equal(terminal, status.IsTerminal());
    }
}
