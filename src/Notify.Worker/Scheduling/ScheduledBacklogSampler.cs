using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Notify.Core.Events;
using Notify.Worker.Lanes;

namespace Notify.Worker.Scheduling;

/// <summary>
/// Samples the due index into the gauge <c>notify.scheduled.backlog</c> {state: <c>scheduled</c> (waiting for its
/// time), <c>overdue</c> (due and not yet enqueued: the sweeper is behind or failing)}. In the background, so a scrape
/// costs no AWS call; the gauge keeps its last value when a count fails.
/// </summary>
public sealed partial class ScheduledBacklogSampler : BackgroundService
{
    private readonly IEventStore _events;
    private readonly TimeProvider _time;
    private readonly IOptions<SweepOptions> _options;
    private readonly ILogger<ScheduledBacklogSampler> _logger;
    private DueBacklog? _last;

    public ScheduledBacklogSampler(
        IEventStore events, IMeterFactory meters, TimeProvider time, IOptions<SweepOptions> options, ILogger<ScheduledBacklogSampler> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _events = events;
        _time = time;
        _options = options;
        _logger = logger;
        meters.Create(LaneMetrics.MeterName).CreateObservableGauge(
            "notify.scheduled.backlog",
            Observe,
            "{event}",
            "Events waiting in the due index: scheduled for later, or overdue (not yet enqueued by the sweeper).");
    }

    private IEnumerable<Measurement<int>> Observe() => _last is { } last
        ? [new(last.Scheduled, new KeyValuePair<string, object?>("state", "scheduled")), new(last.Overdue, new KeyValuePair<string, object?>("state", "overdue"))]
        : [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.BacklogInterval, _time);
        do
        {
            try
            {
                _last = await _events.DueBacklogAsync(_time.GetUtcNow(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCountFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the scheduled backlog failed; retrying at the next interval")]
    private partial void LogCountFailed(Exception exception);
}
