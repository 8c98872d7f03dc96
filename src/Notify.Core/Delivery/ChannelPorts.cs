using Notify.Core.Events;
using Notify.Core.Users;

namespace Notify.Core.Delivery;

/// <summary>An email as SES sends it: already rendered; the configuration set and sender come from the adapter's options.</summary>
public sealed record EmailMessage(string To, string Subject, string? Text, string? Html, string EventId, Priority Priority);

/// <summary>An SMS: <see cref="Priority.High"/> goes as <c>Transactional</c>, <see cref="Priority.Low"/> as <c>Promotional</c>.</summary>
public sealed record SmsMessage(string PhoneNumber, string Body, string EventId, Priority Priority);

/// <summary>A push to one device's platform endpoint, formatted by the adapter for the device's platform (FCM or APNs JSON).</summary>
public sealed record PushMessage(string EndpointArn, PushPlatform Platform, string? Title, string Body, string EventId, Priority Priority);

/// <summary>Sends email (SES v2 <c>SendEmail</c> with the configuration set that routes feedback).</summary>
public interface IEmailSender
{
    Task<SendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>Sends SMS (SNS <c>Publish</c> to a phone number); an opted-out number is <see cref="SendResult.Rejected"/> with suppression.</summary>
public interface ISmsSender
{
    Task<SendResult> SendAsync(SmsMessage message, CancellationToken cancellationToken);
}

/// <summary>Sends a push to one platform endpoint (SNS <c>Publish</c> with <c>TargetArn</c>).</summary>
public interface IPushSender
{
    Task<SendResult> SendAsync(PushMessage message, CancellationToken cancellationToken);
}

/// <summary>A stored in-app item, announced so that connected clients can be told at once.</summary>
public sealed record InboxItemStored(string UserId, string NotificationId, string EventId, string EventType, string? Title, string? Body, DateTimeOffset At);

/// <summary>An inbox item marked read, with the user's unread count after it, so every connected tab can update both.</summary>
public sealed record InboxItemRead(string UserId, string NotificationId, DateTimeOffset ReadAt, int UnreadCount);

/// <summary>
/// Announces inbox changes (SNS <c>inbox-events</c>) to the API instances that hold live connections. Best effort: the
/// inbox in DynamoDB stays the source of truth.
/// </summary>
public interface IInboxNotifier
{
    Task NotifyStoredAsync(InboxItemStored item, CancellationToken cancellationToken);

    Task NotifyReadAsync(InboxItemRead item, CancellationToken cancellationToken);
}
