using Notify.Core.Validation;

namespace Notify.Core.Users;

/// <summary>
/// Quiet hours evaluated on the user's wall clock. A window whose start is after its end spans midnight; equal
/// bounds make an empty window. Across DST changes the window follows the clock: 22:00-07:00 lasts 8 hours on
/// most nights, 7 on the spring-forward night and 10 on the fall-back night.
/// </summary>
public static class QuietHoursWindow
{
    /// <summary>True when <paramref name="instant"/> falls inside the window in the user's time zone.</summary>
    public static bool Contains(this QuietHours quietHours, DateTimeOffset instant) => quietHours.EndAfter(instant) is not null;

    /// <summary>
    /// When the window that contains <paramref name="instant"/> ends, or null when the instant is outside it. An
    /// unknown time zone (never accepted at save, but stored data outlives zone databases) counts as no quiet hours:
    /// delivering beats holding a notification forever.
    /// </summary>
    public static DateTimeOffset? EndAfter(this QuietHours quietHours, DateTimeOffset instant)
    {
        ArgumentNullException.ThrowIfNull(quietHours);
        if (quietHours.Start == quietHours.End || !FieldFormats.TryGetTimeZone(quietHours.TimeZone, out var zone))
        {
            return null;
        }

        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        var today = DateOnly.FromDateTime(local.DateTime);
        DateOnly endDate;
        if (quietHours.Start < quietHours.End)
        {
            if (time < quietHours.Start || time >= quietHours.End)
            {
                return null;
            }

            endDate = today;
        }
        else if (time >= quietHours.Start)
        {
            endDate = today.AddDays(1);
        }
        else if (time < quietHours.End)
        {
            endDate = today;
        }
        else
        {
            return null;
        }

        return FirstShowing(zone, endDate.ToDateTime(quietHours.End), instant);
    }

    /// <summary>The first instant after <paramref name="after"/> at which the zone's clock reads <paramref name="wall"/> or later.</summary>
    private static DateTimeOffset FirstShowing(TimeZoneInfo zone, DateTime wall, DateTimeOffset after)
    {
        // A wall time skipped by a spring-forward gap never shows: the window ends when the clock jumps past it,
        // i.e. at the first valid minute after the gap (gaps are whole minutes; 48 h bounds the odd skipped day).
        for (var guard = 0; zone.IsInvalidTime(wall) && guard < 48 * 60; guard++)
        {
            wall = wall.AddMinutes(1);
        }

        if (zone.IsAmbiguousTime(wall))
        {
            // Shown twice when clocks fall back: the first showing still ahead of the instant ends the window.
            foreach (var offset in zone.GetAmbiguousTimeOffsets(wall).OrderDescending())
            {
                var candidate = new DateTimeOffset(wall, offset);
                if (candidate > after)
                {
                    return candidate;
                }
            }
        }

        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }
}
