using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Notify.Aws.Sqs;
using Notify.Core.Resources;

namespace Notify.Worker.Lanes;

/// <summary>
/// Samples the depth of every queue the worker reads (lanes, DLQs, feedback) with <c>GetQueueAttributes</c> every
/// <see cref="Interval"/> and exposes it as the gauge <c>notify.queue.messages</c> {queue, state: visible, in_flight,
/// delayed}. Sampling in the background keeps a scrape free of AWS calls. SQS reports no age of the oldest message through
/// its API (that is CloudWatch's <c>ApproximateAgeOfOldestMessage</c>, which the CDK alarms use).
/// </summary>
public sealed partial class QueueDepthSampler : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private static readonly QueueDefinition[] Sampled =
        [NotifyResources.HighLane, NotifyResources.LowLane, NotifyResources.HighLaneDlq, NotifyResources.LowLaneDlq, NotifyResources.Feedback];

    private readonly SqsClient _sqs;
    private readonly ResourceNaming _naming;
    private readonly TimeProvider _time;
    private readonly ILogger<QueueDepthSampler> _logger;
    private readonly ConcurrentDictionary<(string Queue, string State), int> _depths = new();

    public QueueDepthSampler(SqsClient sqs, ResourceNaming naming, IMeterFactory meters, TimeProvider time, ILogger<QueueDepthSampler> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _sqs = sqs;
        _naming = naming;
        _time = time;
        _logger = logger;
        meters.Create(LaneMetrics.MeterName).CreateObservableGauge(
            "notify.queue.messages",
            () => _depths.Select(d => new Measurement<int>(d.Value, new KeyValuePair<string, object?>("queue", d.Key.Queue), new KeyValuePair<string, object?>("state", d.Key.State))),
            "{message}",
            "Messages in each queue the worker reads, by state, sampled from GetQueueAttributes.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(Interval, _time);
        do
        {
            foreach (var queue in Sampled)
            {
                try
                {
                    if (!urls.TryGetValue(queue.Name, out var url))
                    {
                        url = urls[queue.Name] = (await _sqs.GetQueueUrlAsync(_naming.Queue(queue), stoppingToken)).QueueUrl!;
                    }

                    var attributes = await _sqs.GetQueueAttributesAsync(
                        new GetQueueAttributesRequest
                        {
                            QueueUrl = url,
                            AttributeNames =
                            [
                                QueueAttributeName.ApproximateNumberOfMessages,
                                QueueAttributeName.ApproximateNumberOfMessagesNotVisible,
                                QueueAttributeName.ApproximateNumberOfMessagesDelayed,
                            ],
                        },
                        stoppingToken);
                    _depths[(queue.Name, "visible")] = attributes.ApproximateNumberOfMessages;
                    _depths[(queue.Name, "in_flight")] = attributes.ApproximateNumberOfMessagesNotVisible;
                    _depths[(queue.Name, "delayed")] = attributes.ApproximateNumberOfMessagesDelayed;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The gauge keeps its last value; the readiness check reports an unreachable queue.
                    LogSampleFailed(queue.Name, e);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not sample the depth of queue {Queue}")]
    private partial void LogSampleFailed(string queue, Exception exception);
}
