namespace Notify.Worker.Lanes;

/// <summary>
/// What the consumer does with a message once its handler is done: <see cref="Delete"/>, <see cref="RetryAfter"/> or
/// <see cref="Release"/>. The set is closed (the constructor is private), so a switch over the three cases is complete.
/// </summary>
public abstract record MessageDisposition
{
    private MessageDisposition()
    {
    }

    /// <summary>The message is done with: delete it (batched with other deletes on the same queue).</summary>
    public static MessageDisposition Delete { get; } = new DeleteMessage();

    /// <summary>Make the message visible again at once (visibility 0): the next receive, on any worker, takes it.</summary>
    public static MessageDisposition Release { get; } = new ReleaseMessage();

    /// <summary>The case behind <see cref="Delete"/>.</summary>
    public sealed record DeleteMessage : MessageDisposition;

    /// <summary>The case behind <see cref="Release"/>.</summary>
    public sealed record ReleaseMessage : MessageDisposition;

    /// <summary>
    /// Hide the message for <see cref="Delay"/> (its visibility timeout, rounded up to whole seconds and capped so it never
    /// passes SQS's 12-hour limit), then let it come back with its receive count one higher. A FIFO lane's group stays
    /// blocked meanwhile, which keeps one user's notifications in order.
    /// </summary>
    public sealed record RetryAfter(TimeSpan Delay) : MessageDisposition;
}
