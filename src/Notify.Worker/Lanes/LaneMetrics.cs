using System.Diagnostics.Metrics;

namespace Notify.Worker.Lanes;

/// <summary>
/// The consumers' instruments on the <c>Notify.Worker</c> meter. <c>lane</c> is the queue's logical name (<c>high</c>,
/// <c>low</c>, <c>high-dlq</c>, <c>feedback</c>); <c>disposition</c> is <c>delete</c>, <c>retry</c> or <c>release</c> as the
/// handler chose, <c>failed</c> when it threw (retried with backoff) and <c>abandoned</c> when shutdown released it.
/// </summary>
public sealed class LaneMetrics
{
    public const string MeterName = "Notify.Worker";

    private readonly Counter<long> _received;
    private readonly Counter<long> _completed;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;

    public LaneMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _received = meter.CreateCounter<long>("notify.lane.messages.received", "{message}", "Messages received from a lane or queue.");
        _completed = meter.CreateCounter<long>(
            "notify.lane.messages.completed", "{message}", "Messages whose handling ended, by disposition (delete, retry, release, failed, abandoned).");
        _duration = meter.CreateHistogram(
            "notify.lane.handler.duration", "s", "Time a handler took for one message.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        _inFlight = meter.CreateUpDownCounter<long>("notify.lane.in_flight", "{message}", "Messages received and not yet disposed of.");
    }

    internal void Received(string lane, int count) => _received.Add(count, Lane(lane));

    internal void Completed(string lane, string disposition) =>
        _completed.Add(1, Lane(lane), new KeyValuePair<string, object?>("disposition", disposition));

    internal void HandlerDuration(string lane, TimeSpan elapsed) => _duration.Record(elapsed.TotalSeconds, Lane(lane));

    internal void InFlight(string lane, int delta) => _inFlight.Add(delta, Lane(lane));

    private static KeyValuePair<string, object?> Lane(string lane) => new("lane", lane);
}
