using System.Diagnostics.Metrics;

namespace Notify.Api.Inbox;

/// <summary>
/// The live inbox's instruments (meter <c>Notify.Api</c>): open connections, announcements received and pushed, the
/// age of an item when it is pushed, what the sweeper removed, and every best-effort failure by operation.
/// </summary>
internal sealed class InboxMetrics
{
    public const string MeterName = "Notify.Api";

    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _announcements;
    private readonly Histogram<double> _pushLatency;
    private readonly Counter<long> _swept;
    private readonly Counter<long> _failures;

    public InboxMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _connections = meter.CreateUpDownCounter<long>("notify.inbox.connections", "{connection}", "Live inbox connections on this instance, by transport (signalr, sse).");
        _announcements = meter.CreateCounter<long>(
            "notify.inbox.announcements", "{announcement}",
            "Inbox announcements this instance received from its queue, by type (notification, read, invalid) and whether a local connection of the user got it (pushed true/false).");
        _pushLatency = meter.CreateHistogram<double>(
            "notify.inbox.push.latency", "s", "From the time an item was stored or read to its push to this instance's connections.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _swept = meter.CreateCounter<long>("notify.inbox.swept", "{resource}", "What the sweeper removed after dead instances, by kind (queue, subscription).");
        _failures = meter.CreateCounter<long>(
            "notify.inbox.failures", "{failure}",
            "Best-effort inbox work that failed, by operation (open, receive, heartbeat, push, close, sweep, announce_read); the inbox endpoints never fail for it.");
    }

    public void ConnectionOpened(string transport) => _connections.Add(1, new KeyValuePair<string, object?>("transport", transport));

    public void ConnectionClosed(string transport) => _connections.Add(-1, new KeyValuePair<string, object?>("transport", transport));

    public void Announcement(string type, bool pushed) =>
        _announcements.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("pushed", pushed));

    public void Pushed(TimeSpan sinceStored) => _pushLatency.Record(Math.Max(0, sinceStored.TotalSeconds));

    public void Swept(string kind, int count)
    {
        if (count > 0)
        {
            _swept.Add(count, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    public void Failed(string operation) => _failures.Add(1, new KeyValuePair<string, object?>("operation", operation));
}
