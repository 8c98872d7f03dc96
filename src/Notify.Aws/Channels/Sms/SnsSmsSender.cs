using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notify.Aws.Sns;
using Notify.Core.Delivery;
using Notify.Core.Events;

namespace Notify.Aws.Channels.Sms;

/// <summary>
/// Sends SMS with SNS <c>Publish</c> to a phone number. The number's opt-out is checked first: SNS would take the message
/// and drop it silently, while Notify wants the number suppressed. High priority goes as <c>Transactional</c> (delivery
/// first), low as <c>Promotional</c> (cost first). Sends are held to the configured rate locally.
/// </summary>
public sealed partial class SnsSmsSender : ISmsSender, IDisposable
{
    public const string SmsTypeAttribute = "AWS.SNS.SMS.SMSType";
    public const string SenderIdAttribute = "AWS.SNS.SMS.SenderID";
    public const string OriginationNumberAttribute = "AWS.MM.SMS.OriginationNumber";

    private readonly SnsClient _sns;
    private readonly SmsOptions _options;
    private readonly TokenBucketRateLimiter _limiter;
    private readonly ILogger _logger;

    public SnsSmsSender(SnsClient sns, IOptions<SmsOptions> options, ILogger<SnsSmsSender>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _sns = sns ?? throw new ArgumentNullException(nameof(sns));
        _options = options.Value;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _limiter = SendRate.CreateLimiter(_options.MaxSendRate, _options.MaxQueuedSends);
    }

    public async Task<SendResult> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var lease = await _limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            LogRateLimited(message.EventId);
            return SendRate.RateLimited;
        }

        try
        {
            var check = await _sns.CheckIfPhoneNumberIsOptedOutAsync(new CheckIfPhoneNumberIsOptedOutRequest { PhoneNumber = message.PhoneNumber }, cancellationToken);
            if (check.IsOptedOut)
            {
                return new SendResult.Rejected(DeliveryReasons.PhoneOptedOut, "The phone number opted out of SMS from this account.", Suppress: true);
            }
        }
        catch (Exception e) when (ProviderErrors.TryClassify(e, Channel.Sms, sends: false, cancellationToken, out var result))
        {
            LogSendFailed(message.EventId, result, e);
            return result;
        }

        try
        {
            var published = await _sns.PublishAsync(ToRequest(message), cancellationToken);
            return published.MessageId is { Length: > 0 } id
                ? new SendResult.Accepted(id)
                : new SendResult.Transient("SNS answered Publish without a message id", MayHaveBeenAccepted: true);
        }
        catch (Exception e) when (ProviderErrors.TryClassify(e, Channel.Sms, sends: true, cancellationToken, out var result))
        {
            LogSendFailed(message.EventId, result, e);
            return result;
        }
    }

    public void Dispose() => _limiter.Dispose();

    internal PublishRequest ToRequest(SmsMessage message)
    {
        var attributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal)
        {
            [SmsTypeAttribute] = String(message.Priority == Priority.High ? "Transactional" : "Promotional"),
        };
        if (!string.IsNullOrEmpty(_options.SenderId))
        {
            attributes[SenderIdAttribute] = String(_options.SenderId);
        }

        if (!string.IsNullOrEmpty(_options.OriginationNumber))
        {
            attributes[OriginationNumberAttribute] = String(_options.OriginationNumber);
        }

        return new PublishRequest { PhoneNumber = message.PhoneNumber, Message = message.Body, MessageAttributes = attributes };
    }

    private static MessageAttributeValue String(string value) => new() { DataType = "String", StringValue = value };

    [LoggerMessage(Level = LogLevel.Debug, Message = "SMS for event {EventId} was rate limited locally")]
    private partial void LogRateLimited(string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS for event {EventId} was not sent: {Result}")]
    private partial void LogSendFailed(string eventId, SendResult result, Exception exception);
}
