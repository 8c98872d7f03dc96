using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notify.Aws.Http;
using Notify.Aws.Provisioning;
using Notify.Aws.Ses.V2;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Resources;

namespace Notify.Aws.Channels.Email;

/// <summary>
/// Sends email with SES v2 <c>SendEmail</c> (simple content, UTF-8) through Notify's configuration set, whose event
/// destination routes bounces and complaints back as feedback; the event id travels as the <c>eventId</c> tag so feedback
/// finds its event. Sends are held to the account's rate locally rather than being throttled by SES.
/// </summary>
public sealed partial class SesEmailSender : IEmailSender, IDisposable
{
    /// <summary>SES tag names and values allow ASCII letters, digits, '_' and '-', up to 256 characters.</summary>
    private const int MaxTagLength = 256;

    private const string Utf8 = "UTF-8";

    private readonly SesV2Client _ses;
    private readonly EmailOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _limiterGate = new(1, 1);
    private volatile TokenBucketRateLimiter? _limiter;

    public SesEmailSender(
        SesV2Client ses, ResourceNaming naming, IOptions<EmailOptions> options, IOptions<ProvisioningOptions> provisioning, ILogger<SesEmailSender>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(provisioning);
        _ses = ses ?? throw new ArgumentNullException(nameof(ses));
        _options = options.Value;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        FromAddress = string.IsNullOrWhiteSpace(_options.FromAddress)
            ? EmailOptions.DefaultFromAddress(provisioning.Value.SenderIdentity)
            : _options.FromAddress;
        ConfigurationSetName = naming.ConfigurationSet(NotifyResources.Email);
    }

    public string FromAddress { get; }

    public string ConfigurationSetName { get; }

    public async Task<SendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var limiter = _limiter ?? await CreateLimiterAsync(cancellationToken);
        using var lease = await limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            LogRateLimited(message.EventId);
            return SendRate.RateLimited;
        }

        try
        {
            var sent = await _ses.SendEmailAsync(ToRequest(message), cancellationToken);
            return sent.MessageId is { Length: > 0 } id
                ? new SendResult.Accepted(id)
                : new SendResult.Transient("SES answered SendEmail without a message id", MayHaveBeenAccepted: true);
        }
        catch (Exception e) when (ProviderErrors.TryClassify(e, Channel.Email, sends: true, cancellationToken, out var result))
        {
            LogSendFailed(message.EventId, result, e);
            return result;
        }
    }

    public void Dispose()
    {
        _limiter?.Dispose();
        _limiterGate.Dispose();
    }

    internal SendEmailRequest ToRequest(EmailMessage message)
    {
        // SES needs a body; a template that renders a subject alone still sends, with an empty text part.
        var body = new Body
        {
            Text = message.Text is null && message.Html is null ? Utf8Content(string.Empty) : message.Text is null ? null : Utf8Content(message.Text),
            Html = message.Html is null ? null : Utf8Content(message.Html),
        };
        return new SendEmailRequest
        {
            FromEmailAddress = FromAddress,
            Destination = new Destination { ToAddresses = [message.To] },
            Content = new EmailContent { Simple = new Message { Subject = Utf8Content(message.Subject), Body = body } },
            ConfigurationSetName = ConfigurationSetName,
            EmailTags = [new MessageTag { Name = "eventId", Value = TagValue(message.EventId) }],
        };
    }

    /// <summary>Replaces what SES refuses in a tag value with '_' (an empty value is refused too) and cuts it to length.</summary>
    internal static string TagValue(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "_";
        }

        var length = Math.Min(value.Length, MaxTagLength);
        return string.Create(length, value, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_';
            }
        });
    }

    private static Content Utf8Content(string data) => new() { Data = data, Charset = Utf8 };

    private async Task<TokenBucketRateLimiter> CreateLimiterAsync(CancellationToken cancellationToken)
    {
        await _limiterGate.WaitAsync(cancellationToken);
        try
        {
            if (_limiter is null)
            {
                var (rate, source) = await ResolveRateAsync(cancellationToken);
                LogSendRate(rate, source);
                _limiter = SendRate.CreateLimiter(rate, _options.MaxQueuedSends);
            }

            return _limiter;
        }
        finally
        {
            _limiterGate.Release();
        }
    }

    /// <summary>
    /// The configured rate, else the account's. A failed lookup falls back to the default for good rather than
    /// delaying every send with another lookup; SES throttling still guards the account if the default is too high.
    /// </summary>
    private async Task<(double Rate, string Source)> ResolveRateAsync(CancellationToken cancellationToken)
    {
        if (_options.MaxSendRate is { } configured)
        {
            return (configured, "configuration");
        }

        try
        {
            var account = await _ses.GetAccountAsync(new GetAccountRequest(), cancellationToken);
            return account.SendQuota?.MaxSendRate is { } quota and > 0
                ? (quota, "the SES account quota")
                : (EmailOptions.DefaultSendRate, "the default (the account reports no rate)");
        }
        catch (AwsServiceException e) when (SesV2Client.IsUnsupportedOperation(e))
        {
            return (EmailOptions.DefaultSendRate, "the default (the endpoint has no GetAccount)");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogQuotaLookupFailed(e);
            return (EmailOptions.DefaultSendRate, "the default (GetAccount failed)");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending email at up to {Rate} per second, from {Source}")]
    private partial void LogSendRate(double rate, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the SES send quota failed; using the default rate")]
    private partial void LogQuotaLookupFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Email for event {EventId} was rate limited locally")]
    private partial void LogRateLimited(string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email for event {EventId} was not sent: {Result}")]
    private partial void LogSendFailed(string eventId, SendResult result, Exception exception);
}
