using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.Core.Events;

namespace Notify.Aws.Lanes;

/// <summary>
/// One pass of the scheduler and sweeper (the worker hosts it on a timer): every event the store reports due —
/// scheduled events whose <c>sendAt</c> has come, accepted events whose enqueue failed or was never marked within the sweep
/// delay — goes onto its lane, and only after the lane took it is it marked enqueued (out of the due index). A crash between the two re-publishes the event
/// on the next pass, which FIFO deduplication and the worker's per-channel idempotency make harmless; a failed publish
/// leaves the event due for the next pass.
/// </summary>
public sealed partial class DueEventSweeper(IEventStore events, ILanePublisher lanes, ILogger<DueEventSweeper>? logger = null)
{
    // Events published at once. Within a chunk one user's events still go one after the other, so a user's scheduled
    // notifications reach the lane (one FIFO group per user) in due order.
    private const int ChunkSize = 50;

    private readonly ILogger _logger = logger ?? NullLogger<DueEventSweeper>.Instance;

    /// <summary>Enqueues what is due at <paramref name="now"/>; returns how many events the lanes took.</summary>
    public async Task<int> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var enqueued = 0;
        var chunk = new List<AcceptedEvent>(ChunkSize);
        await foreach (var due in events.DueAsync(now, cancellationToken))
        {
            chunk.Add(due);
            if (chunk.Count == ChunkSize)
            {
                enqueued += await PublishChunkAsync(chunk, cancellationToken);
                chunk.Clear();
            }
        }

        if (chunk.Count > 0)
        {
            enqueued += await PublishChunkAsync(chunk, cancellationToken);
        }

        return enqueued;
    }

    private async Task<int> PublishChunkAsync(List<AcceptedEvent> chunk, CancellationToken cancellationToken)
    {
        var perUser = chunk.GroupBy(e => e.UserId, StringComparer.Ordinal).Select(async user =>
        {
            var count = 0;
            foreach (var due in user)
            {
                // The user's later events wait for the next pass rather than overtake the one that failed.
                if (!await PublishAsync(due, cancellationToken))
                {
                    break;
                }

                count++;
            }

            return count;
        });
        return (await Task.WhenAll(perUser)).Sum();
    }

    private async Task<bool> PublishAsync(AcceptedEvent due, CancellationToken cancellationToken)
    {
        try
        {
            await lanes.PublishAsync(due, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(_logger, due.EventId, due.Priority, e);
            return false;
        }

        try
        {
            await events.MarkEnqueuedAsync(due, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Enqueued all the same; the next pass publishes it again, which deduplication absorbs.
            LogMarkFailed(_logger, due.EventId, e);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Due event {EventId} could not be put on the {Lane} lane; it stays due for the next pass")]
    private static partial void LogPublishFailed(ILogger logger, string eventId, Priority lane, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Due event {EventId} was enqueued but could not be marked; the next pass enqueues it again")]
    private static partial void LogMarkFailed(ILogger logger, string eventId, Exception exception);
}
