namespace Notify.Core.Stats;

/// <summary>
/// Final delivery outcomes counted per UTC minute, by channel and status (wire names: <c>email</c>/<c>sent</c>,
/// <c>in_app</c>/<c>failed</c>), for the dashboard's deliveries-per-minute chart. Workers add what they counted since
/// their last flush; nothing is written per notification.
/// </summary>
public interface IDeliveryStatsStore
{
    /// <summary>
    /// Adds <paramref name="counts"/> to the minute that starts at <paramref name="minute"/> (truncated to the minute, UTC).
    /// Additive across callers: two workers adding to the same minute sum up. Not idempotent: a retried add whose first
    /// attempt landed counts twice.
    /// </summary>
    Task AddAsync(DateTimeOffset minute, IReadOnlyDictionary<(string Channel, string Status), long> counts, CancellationToken cancellationToken);

    /// <summary>
    /// Every minute from <paramref name="from"/>'s to <paramref name="to"/>'s (both included, truncated to the minute),
    /// oldest first, with empty counts for a minute nothing was recorded in.
    /// </summary>
    Task<IReadOnlyList<MinuteStats>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>The outcomes of one minute; <paramref name="Minute"/> is its UTC start.</summary>
public sealed record MinuteStats(DateTimeOffset Minute, IReadOnlyDictionary<(string Channel, string Status), long> Counts)
{
    public long Total => Counts.Values.Sum();
}

public static class DeliveryMinute
{
    /// <summary>The UTC start of the minute <paramref name="at"/> falls in.</summary>
    public static DateTimeOffset Of(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
}
