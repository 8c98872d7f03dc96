using Notify.Core.DeadLetters;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Feedback;
using Notify.Core.Notifications;
using Notify.Core.Stats;
using Notify.Worker.Lanes;

namespace Notify.Worker.Feedback;

/// <summary>
/// Consumes SES feedback (SNS → SQS): hard bounces and complaints put the address on the suppression list, and the
/// notification row moves to <c>delivered</c>, <c>bounced</c> or <c>complained</c> (forward only, so a late or repeated
/// receipt never moves it back). A receipt can arrive before the worker saved the SES message id; one not found yet is
/// retried for <see cref="UnmatchedRetention"/>, then dropped. An outcome that moved a row counts in the per-minute
/// delivery statistics (a repeated receipt moves nothing, so it is not counted twice).
/// </summary>
public sealed partial class ProviderFeedbackHandler(
    ISuppressionStore suppressions, IDeliveryStore store, DeliveryStatsAggregator stats, TimeProvider time, ILogger<ProviderFeedbackHandler> logger)
    : ILaneMessageHandler
{
    public static readonly TimeSpan UnmatchedRetention = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan UnmatchedRetryDelay = TimeSpan.FromSeconds(30);

    public async Task<MessageDisposition> HandleAsync(LaneMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (SesFeedbackParser.Parse(message.Body ?? string.Empty))
        {
            case FeedbackParseResult.Parsed parsed:
                return await ApplyAsync(parsed.Feedback, message, cancellationToken);
            case FeedbackParseResult.Ignored:
                return MessageDisposition.Delete;
            case FeedbackParseResult.Malformed malformed:
                // Kept for an operator: its receives run out and the feedback DLQ holds it.
                LogMalformed(malformed.Reason);
                return MessageDisposition.Release;
            default:
                return MessageDisposition.Delete;
        }
    }

    private async Task<MessageDisposition> ApplyAsync(ProviderFeedback feedback, LaneMessage message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        (NotificationStatus? status, string? reason) = feedback.Kind switch
        {
            FeedbackKind.PermanentBounce => (NotificationStatus.Bounced, DeliveryReasons.Bounced),
            FeedbackKind.Complaint => (NotificationStatus.Complained, DeliveryReasons.Complained),
            FeedbackKind.Delivered => (NotificationStatus.Delivered, null),
            _ => ((NotificationStatus?)null, (string?)null),
        };

        if (reason is not null)
        {
            foreach (var recipient in feedback.Recipients)
            {
                await suppressions.PutAsync(new Suppression(Channel.Email, recipient, reason, now), cancellationToken);
            }
        }

        if (status is not { } newStatus)
        {
            // A transient bounce: SES keeps trying on its own; nothing changes here.
            return MessageDisposition.Delete;
        }

        var reference = await store.FindByProviderMessageIdAsync(feedback.ProviderMessageId, cancellationToken);
        if (reference is null)
        {
            if (now - message.SentAt < UnmatchedRetention)
            {
                return new MessageDisposition.RetryAfter(UnmatchedRetryDelay);
            }

            LogUnmatched(feedback.ProviderMessageId, feedback.Kind);
            return MessageDisposition.Delete;
        }

        var row = new NotificationRecord(
            reference.EventId, reference.Channel, reference.UserId, reference.EventType, newStatus, 0, feedback.Detail, reason,
            false, now, now, null, new Dictionary<string, DateTimeOffset>(), null);
        if (await store.CommitAsync(new DeliveryCommit(reference.EventId, [row], null, null, now), cancellationToken))
        {
            stats.Add(now, reference.Channel, newStatus);
        }

        LogApplied(reference.EventId, newStatus);
        return MessageDisposition.Delete;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable provider feedback: {Reason}")]
    private partial void LogMalformed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "No notification matches SES message {MessageId} ({Kind}) after the retry window; dropped")]
    private partial void LogUnmatched(string messageId, FeedbackKind kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId}: email is now {Status}")]
    private partial void LogApplied(string eventId, NotificationStatus status);
}
