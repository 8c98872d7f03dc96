using Microsoft.Extensions.Options;
using Notify.Aws.Sqs;
using Notify.Core.Events;
using Notify.Core.Resources;

namespace Notify.Worker.Lanes;

/// <summary>
/// Consumes the high and low FIFO lanes into one <see cref="ILaneMessageHandler"/>. One receive loop per lane shares a pool of
/// <see cref="MessageConsumerOptions.MaxConcurrency"/> handler slots; <see cref="LaneSelector"/> prefers high while never
/// starving low. Each message's lease is set on the receive and extended while its handler runs; its disposition is applied
/// when the handler returns (a handler that throws is retried with a backoff growing with its receive count).
/// </summary>
/// <remarks>
/// Stopping: no receive starts any more; handlers get <see cref="MessageConsumerOptions.ShutdownGracePeriod"/> to finish and
/// have their disposition applied; then their token is cancelled and every message still held is released (visibility 0),
/// so nothing stays hidden behind a worker that is gone. Nothing is deleted unless its handler returned
/// <see cref="MessageDisposition.Delete"/>. Register with
/// <see cref="LaneServiceCollectionExtensions.AddLaneConsumer{THandler}"/>, which also gives the host time for that.
/// </remarks>
public sealed class LaneConsumer : BackgroundService
{
    private readonly MessagePump _pump;
    private readonly bool _enabled;

    public LaneConsumer(
        SqsClient sqs,
        ResourceNaming naming,
        ILaneMessageHandler handler,
        IOptions<LaneConsumerOptions> options,
        LaneMetrics metrics,
        TimeProvider time,
        ILogger<LaneConsumer> logger)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _enabled = settings.Enabled;
        _pump = new MessagePump(
            sqs,
            handler,
            settings,
            [
                new ConsumedQueue(Priority.High, NotifyResources.HighLane.Name, naming.Queue(NotifyResources.HighLane)),
                new ConsumedQueue(Priority.Low, NotifyResources.LowLane.Name, naming.Queue(NotifyResources.LowLane)),
            ],
            new LaneSelector(settings.LowShareEvery),
            metrics,
            time,
            logger);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host's token fires when its shutdown timeout is over: then stop waiting on SQS altogether.
        using var abort = cancellationToken.Register(_pump.Abort);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _pump.Abort();
        _pump.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _enabled ? _pump.RunAsync(stoppingToken) : Task.CompletedTask;
}
