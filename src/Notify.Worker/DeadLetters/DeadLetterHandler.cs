using System.Text.Json;
using Notify.Core;
using Notify.Core.DeadLetters;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Resources;
using Notify.Worker.Lanes;

namespace Notify.Worker.DeadLetters;

/// <summary>
/// Consumes the lanes' DLQs: each message that ran out of receives becomes a dead-letter record (the event, the last
/// error of each channel, attempts, times) that the API lists and redrives, and the event is marked <c>failed</c>. The
/// record id comes from the SQS message id, so a message received twice (a crash between the write and the delete)
/// writes the same record.
/// </summary>
public sealed partial class DeadLetterHandler(
    IDeadLetterStore deadLetters, IEventStore events, IDeliveryStore store, TimeProvider time, ILogger<DeadLetterHandler> logger) : ILaneMessageHandler
{
    public async Task<MessageDisposition> HandleAsync(LaneMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.Body ?? string.Empty;
        AcceptedEvent? accepted;
        try
        {
            accepted = body.Length == 0 ? null : JsonSerializer.Deserialize<AcceptedEvent>(body, NotifyJson.Options);
        }
        catch (JsonException)
        {
            accepted = null;
        }

        var lastErrors = new Dictionary<string, string>(StringComparer.Ordinal);
        var attempts = NotifyResources.LaneMaxReceiveCount;
        if (accepted is not null && await events.GetAsync(accepted.EventId, cancellationToken) is { } record)
        {
            foreach (var row in record.Notifications.Where(n => !string.IsNullOrEmpty(n.LastError)))
            {
                lastErrors[JsonNamingPolicy.SnakeCaseLower.ConvertName(row.Channel.ToString())] = row.LastError!;
                attempts = Math.Max(attempts, row.Attempts);
            }
        }

        var now = time.GetUtcNow();
        var eventId = accepted?.EventId
            ?? (message.Message.Attributes.TryGetValue("MessageDeduplicationId", out var dedup) ? dedup : "unreadable");
        var deadLetter = new DeadLetter(
            $"dl_{message.Message.MessageId}", eventId, message.Lane, accepted, body, attempts, lastErrors,
            message.SentAt, now);
        await deadLetters.PutAsync(deadLetter, cancellationToken);
        if (accepted is not null)
        {
            await store.MarkDeadLetteredAsync(accepted.EventId, now, cancellationToken);
        }

        LogDeadLettered(deadLetter.Id, eventId, message.Lane);
        return MessageDisposition.Delete;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} ran out of receives on the {Lane} lane; recorded as dead letter {Id}")]
    private partial void LogDeadLettered(string id, string eventId, Priority lane);
}
