using Notify.Core.Events;

namespace Notify.Core.DeadLetters;

/// <summary>A lane message that exhausted its receives, recorded by the worker's DLQ consumer.</summary>
public sealed record DeadLetter(
    string Id,
    string EventId,
    Priority Lane,
    AcceptedEvent? Event,
    string RawBody,
    int ReceiveCount,
    IReadOnlyDictionary<string, string> LastErrors,
    DateTimeOffset FirstReceivedAt,
    DateTimeOffset DeadLetteredAt);

public interface IDeadLetterStore
{
    Task PutAsync(DeadLetter deadLetter, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, CancellationToken cancellationToken);

    Task<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}

/// <summary>Suppressed addresses (hard bounces, complaints, SMS opt-outs).</summary>
public sealed record Suppression(Channel Channel, string Address, string Reason, DateTimeOffset CreatedAt);

public interface ISuppressionStore
{
    Task<Suppression?> GetAsync(Channel channel, string address, CancellationToken cancellationToken);

    Task PutAsync(Suppression suppression, CancellationToken cancellationToken);

    Task<IReadOnlyList<Suppression>> ListAsync(int limit, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(Channel channel, string address, CancellationToken cancellationToken);
}
