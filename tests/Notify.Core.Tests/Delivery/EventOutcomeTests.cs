using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Core.Tests.Delivery;

public sealed class EventOutcomeTests
{
    [Theory]
    [InlineData(NotificationStatus.Pending)]
    [InlineData(NotificationStatus.Deferred)]
    [InlineData(NotificationStatus.Sending)]
    public void Should_have_no_outcome_when_any_channel_is_still_open(NotificationStatus open)
    {
        Assert.Null(EventOutcome.Derive([NotificationStatus.Sent, open, NotificationStatus.Failed]));
        Assert.Null(EventOutcome.Derive([open]));
    }

    [Fact]
    public void Should_complete_when_every_channel_was_sent_skipped_or_delivered()
    {
        Assert.Equal(EventStatus.Completed, EventOutcome.Derive([NotificationStatus.Sent, NotificationStatus.Skipped, NotificationStatus.Delivered]));
    }

    [Fact]
    public void Should_complete_when_every_channel_was_skipped()
    {
        // Opted out or unreachable is the user's choice or circumstance, not a failure to look at.
        Assert.Equal(EventStatus.Completed, EventOutcome.Derive([NotificationStatus.Skipped, NotificationStatus.Skipped]));
    }

    [Theory]
    [InlineData(NotificationStatus.Failed)]
    [InlineData(NotificationStatus.Suppressed)]
    [InlineData(NotificationStatus.Unknown)]
    [InlineData(NotificationStatus.Bounced)]
    public void Should_fail_when_channels_failed_and_nothing_was_sent(NotificationStatus failure)
    {
        Assert.Equal(EventStatus.Failed, EventOutcome.Derive([failure]));
        Assert.Equal(EventStatus.Failed, EventOutcome.Derive([failure, NotificationStatus.Skipped]));
        Assert.Equal(EventStatus.Failed, EventOutcome.Derive([failure, NotificationStatus.Failed]));
    }

    [Theory]
    [InlineData(NotificationStatus.Sent, NotificationStatus.Failed)]
    [InlineData(NotificationStatus.Delivered, NotificationStatus.Failed)]
    [InlineData(NotificationStatus.Sent, NotificationStatus.Suppressed)]
    [InlineData(NotificationStatus.Sent, NotificationStatus.Unknown)]
    [InlineData(NotificationStatus.Delivered, NotificationStatus.Bounced)]
    [InlineData(NotificationStatus.Sent, NotificationStatus.Complained)]
    public void Should_partially_fail_when_some_channels_reached_the_user_and_others_failed(NotificationStatus reached, NotificationStatus failure)
    {
        Assert.Equal(EventStatus.PartiallyFailed, EventOutcome.Derive([reached, failure]));
        Assert.Equal(EventStatus.PartiallyFailed, EventOutcome.Derive([NotificationStatus.Skipped, failure, reached]));
    }

    [Fact]
    public void Should_treat_suppressed_and_unknown_as_failures_when_deriving()
    {
        Assert.NotEqual(EventStatus.Completed, EventOutcome.Derive([NotificationStatus.Sent, NotificationStatus.Suppressed]));
        Assert.NotEqual(EventStatus.Completed, EventOutcome.Derive([NotificationStatus.Sent, NotificationStatus.Unknown]));
        Assert.Equal(EventStatus.Failed, EventOutcome.Derive([NotificationStatus.Suppressed, NotificationStatus.Unknown]));
    }
}
