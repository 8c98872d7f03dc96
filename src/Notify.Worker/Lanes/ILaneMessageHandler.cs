namespace Notify.Worker.Lanes;

/// <summary>
/// Processes one message of a lane (or of a queue a <see cref="QueueConsumer"/> reads). Called concurrently for different
/// messages, on the thread pool. Throwing is allowed: the consumer logs it and retries the message with a backoff growing
/// with its receive count. The token is cancelled when the worker stops and the handler has outlived the shutdown grace
/// period; the message is then released for another worker, whatever the handler returns afterwards.
/// </summary>
public interface ILaneMessageHandler
{
    Task<MessageDisposition> HandleAsync(LaneMessage message, CancellationToken cancellationToken);
}
