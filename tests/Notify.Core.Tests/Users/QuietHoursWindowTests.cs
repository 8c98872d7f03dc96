using Notify.Core.Users;

namespace Notify.Core.Tests.Users;

public sealed class QuietHoursWindowTests
{
    private static readonly QuietHours NightInParis = new(new TimeOnly(22, 0), new TimeOnly(7, 0), "Europe/Paris");

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(20, 59, false)] // 21:59 CET
    [InlineData(21, 0, true)] // 22:00 CET
    [InlineData(23, 30, true)] // 00:30 CET, past midnight
    [InlineData(5, 59, true)] // 06:59 CET
    [InlineData(6, 0, false)] // 07:00 CET
    [InlineData(12, 0, false)]
    public void Should_follow_the_users_clock_when_the_window_spans_midnight(int utcHour, int utcMinute, bool quiet)
    {
        Assert.Equal(quiet, NightInParis.Contains(Utc(1, 15, utcHour, utcMinute)));
    }

    [Fact]
    public void Should_end_the_next_morning_when_inside_before_midnight()
    {
        Assert.Equal(Utc(1, 16, 6), NightInParis.EndAfter(Utc(1, 15, 22)));
    }

    [Fact]
    public void Should_end_the_same_morning_when_inside_after_midnight()
    {
        Assert.Equal(Utc(1, 16, 6), NightInParis.EndAfter(Utc(1, 16, 2)));
    }

    [Fact]
    public void Should_have_no_end_when_outside_the_window()
    {
        Assert.Null(NightInParis.EndAfter(Utc(1, 15, 12)));
    }

    [Fact]
    public void Should_end_an_hour_earlier_in_utc_when_clocks_spring_forward_overnight()
    {
        // Paris moves from CET (+1) to CEST (+2) at 01:00 UTC on Sunday 29 March 2026: 07:00 local is 05:00 UTC.
        var end = NightInParis.EndAfter(Utc(3, 28, 22, 30));

        Assert.Equal(Utc(3, 29, 5), end);
        Assert.Equal(TimeSpan.FromHours(6.5), end - Utc(3, 28, 22, 30));
    }

    [Fact]
    public void Should_end_when_the_clock_jumps_past_an_end_that_falls_in_the_gap()
    {
        var early = new QuietHours(new TimeOnly(1, 0), new TimeOnly(2, 30), "Europe/Paris");

        // 01:15 CET is inside; 02:30 never shows that night: the clock jumps from 02:00 CET to 03:00 CEST at 01:00 UTC.
        Assert.Equal(Utc(3, 29, 1), early.EndAfter(Utc(3, 29, 0, 15)));
        Assert.False(early.Contains(Utc(3, 29, 1)));
    }

    [Fact]
    public void Should_end_at_the_next_showing_when_clocks_fall_back_and_the_end_time_repeats()
    {
        // 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC, so 02:00-02:59 shows twice.
        var window = new QuietHours(new TimeOnly(22, 0), new TimeOnly(2, 30), "Europe/Paris");

        Assert.Equal(Utc(10, 25, 0, 30), window.EndAfter(Utc(10, 25, 0, 10))); // 02:10 CEST → 02:30 CEST
        Assert.False(window.Contains(Utc(10, 25, 0, 45))); // 02:45 CEST
        Assert.Equal(Utc(10, 25, 1, 30), window.EndAfter(Utc(10, 25, 1, 10))); // 02:10 CET again → 02:30 CET
    }

    [Fact]
    public void Should_handle_a_same_day_window_when_start_is_before_end()
    {
        var lunch = new QuietHours(new TimeOnly(12, 0), new TimeOnly(14, 0), "America/New_York");

        Assert.True(lunch.Contains(new DateTimeOffset(2026, 7, 1, 12, 30, 0, TimeSpan.FromHours(-4))));
        Assert.False(lunch.Contains(new DateTimeOffset(2026, 7, 1, 14, 0, 0, TimeSpan.FromHours(-4))));
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 18, 0, 0, TimeSpan.Zero), lunch.EndAfter(new DateTimeOffset(2026, 7, 1, 16, 5, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Should_never_be_quiet_when_the_window_is_empty_or_the_zone_unknown()
    {
        Assert.False(new QuietHours(new TimeOnly(8, 0), new TimeOnly(8, 0), "Europe/Paris").Contains(Utc(1, 1, 7)));
        Assert.False(new QuietHours(new TimeOnly(0, 0), new TimeOnly(23, 59), "Mars/Olympus").Contains(Utc(1, 1, 7)));
    }
}
