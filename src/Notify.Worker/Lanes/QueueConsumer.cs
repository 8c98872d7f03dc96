using Notify.Aws.Sqs;
using Notify.Core.Events;
using Notify.Core.Resources;

namespace Notify.Worker.Lanes;

/// <summary>
/// Consumes one queue (a lane's dead-letter queue, the SES feedback queue) into an <see cref="ILaneMessageHandler"/> with the
/// same leases, dispositions and shutdown as <see cref="LaneConsumer"/>; messages carry the queue's logical name in
/// <see cref="LaneMessage.QueueName"/>. Register one per queue with
/// <see cref="LaneServiceCollectionExtensions.AddQueueConsumer{THandler}"/>.
/// </summary>
public sealed class QueueConsumer : BackgroundService
{
    private readonly MessagePump _pump;
    private readonly bool _enabled;

    /// <exception cref="ArgumentException"><see cref="QueueConsumerOptions.QueueName"/> is not a queue of <see cref="NotifyResources"/>.</exception>
    public QueueConsumer(
        SqsClient sqs,
        ResourceNaming naming,
        ILaneMessageHandler handler,
        QueueConsumerOptions options,
        LaneMetrics metrics,
        TimeProvider time,
        ILogger<QueueConsumer> logger)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(options);
        _enabled = options.Enabled;
        QueueName = options.QueueName;
        var queue = new ConsumedQueue(options.Lane ?? LaneOf(options.QueueName), options.QueueName, naming.Queue(options.QueueName));
        _pump = new MessagePump(sqs, handler, options, [queue], selector: null, metrics, time, logger);
    }

    /// <summary>The logical name of the queue this instance consumes.</summary>
    public string QueueName { get; }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        using var abort = cancellationToken.Register(_pump.Abort);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _pump.Abort();
        _pump.Dispose();
        base.Dispose();
    }

    /// <summary>The lane a queue belongs to: a lane itself, or the lane whose dead-letter queue it is; else low.</summary>
    internal static Priority LaneOf(string queueName) =>
        queueName == NotifyResources.HighLane.Name || queueName == NotifyResources.HighLane.DeadLetter?.DeadLetterQueue ? Priority.High : Priority.Low;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _enabled ? _pump.RunAsync(stoppingToken) : Task.CompletedTask;
}
