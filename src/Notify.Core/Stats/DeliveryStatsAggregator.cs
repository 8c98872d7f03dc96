using System.Collections.Frozen;
using System.Text.Json;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Core.Stats;

/// <summary>
/// Counts final delivery outcomes in memory per UTC minute, channel and status, so that a flusher writes one update per
/// minute to <see cref="IDeliveryStatsStore"/> instead of one write per notification. Thread-safe: <see cref="Add"/> runs
/// on the delivery path and holds a lock for a dictionary update only. What is taken and fails to be written is put back
/// with <see cref="Restore"/>, so a transient store error delays counts rather than losing them.
/// </summary>
public sealed class DeliveryStatsAggregator
{
    private static readonly FrozenDictionary<Channel, string> ChannelNames = WireNames<Channel>();
    private static readonly FrozenDictionary<NotificationStatus, string> StatusNames = WireNames<NotificationStatus>();

    private readonly Lock _lock = new();
    private SortedDictionary<DateTimeOffset, Dictionary<(string Channel, string Status), long>> _minutes = [];

    /// <summary>True when nothing is waiting to be flushed.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _minutes.Count == 0;
            }
        }
    }

    /// <summary>Counts one row reaching <paramref name="status"/> at <paramref name="at"/>, under the status's wire name.</summary>
    public void Add(DateTimeOffset at, Channel channel, NotificationStatus status)
    {
        var minute = DeliveryMinute.Of(at);
        var key = (ChannelNames[channel], StatusNames[status]);
        lock (_lock)
        {
            AddLocked(minute, key, 1);
        }
    }

    /// <summary>Every minute counted so far, oldest first; the aggregator starts empty again.</summary>
    public IReadOnlyList<MinuteStats> TakeAll()
    {
        SortedDictionary<DateTimeOffset, Dictionary<(string Channel, string Status), long>> taken;
        lock (_lock)
        {
            taken = _minutes;
            _minutes = [];
        }

        return [.. taken.Select(kv => new MinuteStats(kv.Key, kv.Value))];
    }

    /// <summary>Puts back counts taken by <see cref="TakeAll"/> that could not be written, adding them to what was counted since.</summary>
    public void Restore(MinuteStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var minute = DeliveryMinute.Of(stats.Minute);
        lock (_lock)
        {
            foreach (var (key, count) in stats.Counts)
            {
                AddLocked(minute, key, count);
            }
        }
    }

    /// <summary>
    /// Removes the minutes that start before <paramref name="cutoff"/> and returns them, so the caller can say what it
    /// gave up on: a store that keeps failing must not make the worker's memory grow without bound.
    /// </summary>
    public IReadOnlyList<MinuteStats> DropBefore(DateTimeOffset cutoff)
    {
        lock (_lock)
        {
            var dropped = _minutes.TakeWhile(kv => kv.Key < cutoff).Select(kv => new MinuteStats(kv.Key, kv.Value)).ToList();
            foreach (var stats in dropped)
            {
                _minutes.Remove(stats.Minute);
            }

            return dropped;
        }
    }

    private void AddLocked(DateTimeOffset minute, (string Channel, string Status) key, long count)
    {
        if (!_minutes.TryGetValue(minute, out var counts))
        {
            _minutes[minute] = counts = [];
        }

        counts[key] = counts.GetValueOrDefault(key) + count;
    }

    // The names Notify's JSON and the notify.deliveries metric use, computed once instead of per count.
    private static FrozenDictionary<TEnum, string> WireNames<TEnum>()
        where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));
}
