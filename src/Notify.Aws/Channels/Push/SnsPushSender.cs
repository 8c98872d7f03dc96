using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.Aws.Sns;
using Notify.Core.Delivery;
using Notify.Core.Events;

namespace Notify.Aws.Channels.Push;

/// <summary>
/// Sends a push with SNS <c>Publish</c> to one platform endpoint, formatted for its platform by <see cref="PushPayloads"/>.
/// An endpoint SNS has disabled (the platform reported the token dead) or deleted is <see cref="DeliveryReasons.EndpointDisabled"/>,
/// which tells the worker to deactivate the device.
/// </summary>
public sealed partial class SnsPushSender : IPushSender
{
    private readonly SnsClient _sns;
    private readonly ILogger _logger;

    public SnsPushSender(SnsClient sns, ILogger<SnsPushSender>? logger = null)
    {
        _sns = sns ?? throw new ArgumentNullException(nameof(sns));
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public async Task<SendResult> SendAsync(PushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var published = await _sns.PublishAsync(ToRequest(message), cancellationToken);
            return published.MessageId is { Length: > 0 } id
                ? new SendResult.Accepted(id)
                : new SendResult.Transient("SNS answered Publish without a message id", MayHaveBeenAccepted: true);
        }
        catch (Exception e) when (ProviderErrors.TryClassify(e, Channel.Push, sends: true, cancellationToken, out var result))
        {
            LogSendFailed(message.EventId, result, e);
            return result;
        }
    }

    internal static PublishRequest ToRequest(PushMessage message)
    {
        var attributes = PushPayloads.Attributes(message);
        return new PublishRequest
        {
            TargetArn = message.EndpointArn,
            MessageStructure = PushPayloads.MessageStructure,
            Message = PushPayloads.Message(message),
            MessageAttributes = attributes.Count == 0
                ? null
                : attributes.ToDictionary(a => a.Key, a => new MessageAttributeValue { DataType = "String", StringValue = a.Value }, StringComparer.Ordinal),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Push for event {EventId} was not sent: {Result}")]
    private partial void LogSendFailed(string eventId, SendResult result, Exception exception);
}
