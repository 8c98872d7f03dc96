using System.Globalization;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// Partition keys of the sparse <c>due</c> index: <c>due#{yyyyMMddHH}#{shard}</c>. An hour's items are spread over
/// <see cref="Shards"/> partitions by a stable hash of the event id so a burst has no hot key; within a bucket the sort
/// key <c>dueAt</c> selects what is due. Hour buckets keep a full day's lookback at 24 × 8 queries.
/// </summary>
internal static class DueBuckets
{
    public const int Shards = 8;

    public static string For(string eventId, DateTimeOffset dueAt) => Of(Hour(dueAt), Shard(eventId));

    public static string Of(DateTimeOffset hour, int shard) =>
        string.Create(CultureInfo.InvariantCulture, $"due#{hour.UtcDateTime:yyyyMMddHH}#{shard}");

    public static DateTimeOffset Hour(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>FNV-1a: string.GetHashCode is randomized per process, and every process must agree on the shard.</summary>
    public static int Shard(string eventId)
    {
        var hash = 2166136261u;
        foreach (var c in eventId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Shards);
    }
}
