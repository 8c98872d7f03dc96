using Notify.Core.Events;
using Notify.Worker.Lanes;

namespace Notify.Worker.Tests.Lanes;

public sealed class LaneSelectorTests
{
    [Fact]
    public void Should_let_low_receive_freely_when_the_high_lane_is_idle()
    {
        var selector = new LaneSelector(lowShareEvery: 5);

        Assert.True(selector.MayReceive(Priority.Low, otherLaneWaiting: true));

        selector.ReceiveCompleted(Priority.High, messages: 3);
        selector.ReceiveCompleted(Priority.High, messages: 0);
        for (var i = 0; i < 10; i++)
        {
            selector.ReceiveStarted(Priority.Low);
            Assert.True(selector.MayReceive(Priority.Low, otherLaneWaiting: false));
        }
    }

    [Fact]
    public void Should_give_low_one_receive_in_every_LowShareEvery_when_both_lanes_have_work()
    {
        var selector = new LaneSelector(lowShareEvery: 5);
        selector.ReceiveCompleted(Priority.High, messages: 10);
        var grants = new List<Priority>();

        // Both loops always waiting for a slot, both lanes always non-empty: one slot at a time goes to whoever may take it.
        for (var i = 0; i < 50; i++)
        {
            var lane = selector.MayReceive(Priority.Low, otherLaneWaiting: true) ? Priority.Low
                : selector.MayReceive(Priority.High, otherLaneWaiting: true) ? Priority.High
                : throw new InvalidOperationException("nobody may receive");
            selector.ReceiveStarted(lane);
            selector.ReceiveCompleted(lane, messages: 10);
            grants.Add(lane);
        }

        // The first high receive happened before the loop: every 5th receive overall is low's.
        Assert.Equal(10, grants.Count(l => l == Priority.Low));
        Assert.All(grants.Chunk(5).Skip(1), chunk => Assert.Single(chunk, l => l == Priority.Low));
        Assert.Equal([Priority.High, Priority.High, Priority.High, Priority.Low], grants.Take(4));
    }

    [Fact]
    public void Should_hold_high_back_only_when_low_is_waiting_and_its_turn_is_due()
    {
        var selector = new LaneSelector(lowShareEvery: 3);
        selector.ReceiveCompleted(Priority.High, messages: 1);
        Assert.False(selector.LowTurnDue);
        Assert.False(selector.MayReceive(Priority.Low, otherLaneWaiting: true));
        Assert.True(selector.MayReceive(Priority.High, otherLaneWaiting: true));

        selector.ReceiveCompleted(Priority.High, messages: 1);

        Assert.True(selector.LowTurnDue);
        Assert.True(selector.MayReceive(Priority.Low, otherLaneWaiting: false));
        Assert.False(selector.MayReceive(Priority.High, otherLaneWaiting: true));
        Assert.True(selector.MayReceive(Priority.High, otherLaneWaiting: false));

        selector.ReceiveStarted(Priority.Low);

        Assert.False(selector.LowTurnDue);
        Assert.True(selector.MayReceive(Priority.High, otherLaneWaiting: true));
        Assert.False(selector.MayReceive(Priority.Low, otherLaneWaiting: true));
    }

    [Fact]
    public void Should_not_count_empty_high_receives_towards_low_turn_when_high_drains()
    {
        var selector = new LaneSelector(lowShareEvery: 5);
        selector.ReceiveCompleted(Priority.High, messages: 10);
        selector.ReceiveCompleted(Priority.High, messages: 0);
        selector.ReceiveCompleted(Priority.High, messages: 10);

        Assert.Equal(2, selector.HighReceivesSinceLow);
        Assert.False(selector.HighIdle);
        Assert.False(selector.MayReceive(Priority.Low, otherLaneWaiting: true));
    }

    [Fact]
    public void Should_reject_a_share_that_would_starve_high_when_constructed()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LaneSelector(lowShareEvery: 1));
    }

    [Theory]
    [InlineData(true, 16, 20, 1, 20)]
    [InlineData(false, 16, 20, 10, 0)]
    [InlineData(false, 3, 20, 3, 0)]
    [InlineData(true, 1, 5, 1, 5)]
    public void Should_ask_for_one_message_with_a_long_poll_when_idle_and_for_the_free_slots_at_once_when_busy(
        bool idle, int free, int wait, int expectedMax, int expectedWait)
    {
        Assert.Equal(new ReceivePlan(expectedMax, expectedWait), ReceivePlan.For(idle, free, wait));
    }

    [Theory]
    [InlineData(1, 0.0, 0.5)]
    [InlineData(1, 1.0, 1.0)]
    [InlineData(3, 0.0, 2.0)]
    [InlineData(5, 1.0, 16.0)]
    [InlineData(10, 1.0, 300.0)]
    [InlineData(40, 0.0, 150.0)]
    public void Should_double_the_failure_backoff_with_each_receive_up_to_five_minutes_when_jittered(int receiveCount, double jitter, double expectedSeconds)
    {
        Assert.Equal(expectedSeconds, RetryBackoff.ForReceiveCount(receiveCount, jitter).TotalSeconds, precision: 6);
    }

    [Fact]
    public void Should_round_retry_delays_up_and_keep_them_within_twelve_hours_of_the_receive_when_converted_to_visibility()
    {
        Assert.Equal(1, RetryBackoff.VisibilitySeconds(TimeSpan.FromMilliseconds(200), TimeSpan.Zero));
        Assert.Equal(0, RetryBackoff.VisibilitySeconds(TimeSpan.FromSeconds(-5), TimeSpan.Zero));
        Assert.Equal(43200, RetryBackoff.VisibilitySeconds(TimeSpan.FromHours(13), TimeSpan.Zero));
        Assert.Equal(43200 - 3600, RetryBackoff.VisibilitySeconds(TimeSpan.FromHours(12), TimeSpan.FromHours(1)));
        Assert.Equal(0, RetryBackoff.VisibilitySeconds(TimeSpan.FromMinutes(1), TimeSpan.FromHours(13)));
    }
}
