using System.ComponentModel.DataAnnotations;

namespace Notify.Aws.DynamoDb;

/// <summary>Retention and sweeping of the DynamoDB stores (section <c>Notify:Store</c>).</summary>
public sealed class DynamoStoreOptions
{
    public const string SectionName = "Notify:Store";

    /// <summary>How long events, notifications and dead letters are kept (DynamoDB TTL deletes them afterwards).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long an accepted event may stay <c>received</c> (not taken by the worker) before the sweeper enqueues it
    /// again; also how long the sweeper waits before looking again at an event it has just enqueued.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan SweepDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far back the first sweep of a process looks for due items; later sweeps start from where the previous one
    /// left off. It bounds how long the sweeper can be down without missing anything.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan DueLookback { get; set; } = TimeSpan.FromHours(24);
}
