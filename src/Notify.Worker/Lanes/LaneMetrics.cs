using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Notify.Worker.Lanes;

/// <summary>
/// The consumers' instruments on the <c>Notify.Worker</c> meter. <c>lane</c> is the queue's logical name (<c>high</c>,
/// <c>low</c>, <c>high-dlq</c>, <c>feedback</c>); <c>disposition</c> is <c>delete</c>, <c>retry</c> or <c>release</c> as the
/// handler chose, <c>failed</c> when it threw (retried with backoff) and <c>abandoned</c> when shutdown released it.
/// <para>
/// <c>notify.queue.oldest_message.age</c> is measured on the consumer side: SQS's API reports no age of the oldest message
/// (CloudWatch's <c>ApproximateAgeOfOldestMessage</c> is not reachable through it, nor on moto), so each worker reports
/// the age (now − <c>SentTimestamp</c>) of the oldest message it holds per queue, 0 when it holds none. Under a backlog a
/// worker always holds messages, and they are as old as the wait in the queue; the fleet's figure is the max over workers.
/// </para>
/// </summary>
public sealed class LaneMetrics
{
    public const string MeterName = "Notify.Worker";

    private readonly Counter<long> _received;
    private readonly Counter<long> _completed;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<object, HeldMessages> _held = new(ReferenceEqualityComparer.Instance);

    public LaneMetrics(IMeterFactory meterFactory, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _received = meter.CreateCounter<long>("notify.lane.messages.received", "{message}", "Messages received from a lane or queue.");
        _completed = meter.CreateCounter<long>(
            "notify.lane.messages.completed", "{message}", "Messages whose handling ended, by disposition (delete, retry, release, failed, abandoned).");
        _duration = meter.CreateHistogram(
            "notify.lane.handler.duration", "s", "Time a handler took for one message.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        _inFlight = meter.CreateUpDownCounter<long>("notify.lane.in_flight", "{message}", "Messages received and not yet disposed of.");
        meter.CreateObservableGauge(
            "notify.queue.oldest_message.age", OldestAges, "s", "Age of the oldest message this worker holds from each queue (0 when none).");
    }

    /// <summary>
    /// Reports, until the returned handle is disposed, the age of the oldest of <paramref name="held"/> for each of
    /// <paramref name="queues"/>. <paramref name="held"/> is read at each collection (a scrape), never on the hot path.
    /// </summary>
    internal IDisposable ReportOldest(IReadOnlyList<string> queues, Func<IEnumerable<(string Queue, DateTimeOffset SentAt)>> held)
    {
        var source = new HeldMessages(queues, held);
        _held[source] = source;
        return new Registration(() => _held.TryRemove(source, out _));
    }

    internal void Received(string lane, int count) => _received.Add(count, Lane(lane));

    internal void Completed(string lane, string disposition) =>
        _completed.Add(1, Lane(lane), new KeyValuePair<string, object?>("disposition", disposition));

    internal void HandlerDuration(string lane, TimeSpan elapsed) => _duration.Record(elapsed.TotalSeconds, Lane(lane));

    internal void InFlight(string lane, int delta) => _inFlight.Add(delta, Lane(lane));

    private static KeyValuePair<string, object?> Lane(string lane) => new("lane", lane);

    private IEnumerable<Measurement<double>> OldestAges()
    {
        var now = _time.GetUtcNow();
        var oldest = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        foreach (var source in _held.Values)
        {
            foreach (var queue in source.Queues)
            {
                oldest.TryAdd(queue, null);
            }

            foreach (var (queue, sentAt) in source.Held())
            {
                if (oldest.TryGetValue(queue, out var current) && (current is null || sentAt < current))
                {
                    oldest[queue] = sentAt;
                }
            }
        }

        return oldest.Select(o => new Measurement<double>(
            o.Value is { } sentAt ? Math.Max(0, (now - sentAt).TotalSeconds) : 0, new KeyValuePair<string, object?>("queue", o.Key)));
    }

    private sealed record HeldMessages(IReadOnlyList<string> Queues, Func<IEnumerable<(string Queue, DateTimeOffset SentAt)>> Held);

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
