using System.Diagnostics.CodeAnalysis;
using Notify.Aws.Http;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Polly.Timeout;

namespace Notify.Aws.Channels;

/// <summary>
/// The one place that turns a failed SES or SNS call into a <see cref="SendResult"/>, so every channel adapter agrees on
/// what is worth retrying, what may already have reached the provider and what will never succeed. Codes are those AWS
/// documents and those moto answers (e.g. SES v1's <c>InvalidParameterValue</c> for a malformed address, which SES v2 on
/// AWS answers as <c>BadRequestException</c>).
/// </summary>
internal static class ProviderErrors
{
    /// <summary>Rejections that are Notify's own configuration (credentials, permissions, keys): fixable, so retried, not failed for good.</summary>
    private static readonly HashSet<string> ConfigurationCodes = new(StringComparer.Ordinal)
    {
        "AccessDenied", "AccessDeniedException", "AuthorizationError", "InvalidClientTokenId", "UnrecognizedClientException",
        "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken", "ExpiredToken", "ExpiredTokenException",
        "InvalidSecurity", "KMSAccessDenied", "KMSDisabled", "KMSInvalidState", "KMSNotFound", "KMSOptInRequired",
        "PlatformApplicationDisabled",
    };

    /// <summary>The account or configuration set is paused by SES (or by us); sending resumes when it is lifted.</summary>
    private static readonly HashSet<string> PausedCodes = new(StringComparer.Ordinal)
    {
        "AccountSuspendedException", "SendingPausedException", "AccountSendingPausedException", "ConfigurationSetSendingPausedException",
    };

    /// <summary>SNS answers <c>Throttled</c> (HTTP 429) and KMS throttling for SMS and push; not all of them are in the SDK's set.</summary>
    private static readonly HashSet<string> ExtraThrottlingCodes = new(StringComparer.Ordinal) { "Throttled", "KMSThrottling" };

    private static readonly HashSet<string> OptedOutCodes = new(StringComparer.Ordinal) { "OptedOut", "OptedOutException" };

    /// <summary>
    /// Classifies <paramref name="exception"/> from a provider call made for <paramref name="channel"/>. False for the
    /// caller's own cancellation (it must propagate) and for exceptions that are bugs rather than provider failures.
    /// </summary>
    /// <param name="sends">
    /// True when the failed call is the one that sends (SES <c>SendEmail</c>, SNS <c>Publish</c>): a network failure may then
    /// have happened after the provider took the message. False for a read before the send (the opt-out check, GetAccount).
    /// </param>
    public static bool TryClassify(
        Exception exception, Channel channel, bool sends, CancellationToken cancellationToken, [NotNullWhen(true)] out SendResult? result)
    {
        ArgumentNullException.ThrowIfNull(exception);
        result = exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            AwsServiceException e => Classify(e, channel),

            // Timeouts (the per-attempt one surfaces as Polly's rejection, not a TimeoutException), dropped connections and
            // answers that could not be read: the request may have been taken.
            HttpRequestException or TimeoutException or TimeoutRejectedException or OperationCanceledException
                or System.Text.Json.JsonException or System.Xml.XmlException =>
                new SendResult.Transient($"{exception.GetType().Name}: {exception.Message}", MayHaveBeenAccepted: sends),
            _ => null,
        };
        return result is not null;
    }

    private static SendResult Classify(AwsServiceException e, Channel channel)
    {
        var code = e.ErrorCode;
        var error = $"{e.Service} {code}: {e.ErrorMessage}";

        if (OptedOutCodes.Contains(code))
        {
            return new SendResult.Rejected(DeliveryReasons.PhoneOptedOut, error, Suppress: true);
        }

        if (e.IsRetryable || ExtraThrottlingCodes.Contains(code) || PausedCodes.Contains(code) || ConfigurationCodes.Contains(code))
        {
            return new SendResult.Transient(error, MayHaveBeenAccepted: false);
        }

        return code switch
        {
            "MessageRejected" when e.ErrorMessage.Contains("not verified", StringComparison.OrdinalIgnoreCase) =>
                new SendResult.Rejected(DeliveryReasons.SenderNotVerified, error),
            "MailFromDomainNotVerifiedException" or "MailFromDomainNotVerified" => new SendResult.Rejected(DeliveryReasons.SenderNotVerified, error),
            "MessageRejected" => new SendResult.Rejected(DeliveryReasons.ProviderRejected, error),
            "BadRequestException" or "InvalidParameterValue" when channel == Channel.Email => new SendResult.Rejected(DeliveryReasons.InvalidAddress, error),

            // SNS names the bad member in the message; only a bad phone number is the address's fault.
            "InvalidParameter" or "InvalidParameterValue" or "ParameterValueInvalid"
                when channel == Channel.Sms && e.ErrorMessage.Contains("phone", StringComparison.OrdinalIgnoreCase) =>
                new SendResult.Rejected(DeliveryReasons.InvalidAddress, error),

            // A push endpoint SNS disabled (the platform said the token is dead) or one that is gone: AWS answers a deleted
            // endpoint with "Invalid parameter: TargetArn Reason: No endpoint found…", moto with NotFound. Either way the
            // device is to be deactivated.
            "EndpointDisabled" => new SendResult.Rejected(DeliveryReasons.EndpointDisabled, error),
            "NotFound" when channel == Channel.Push => new SendResult.Rejected(DeliveryReasons.EndpointDisabled, error),
            "InvalidParameter" or "InvalidParameterValue" or "ParameterValueInvalid"
                when channel == Channel.Push && e.ErrorMessage.Contains("TargetArn", StringComparison.OrdinalIgnoreCase) =>
                new SendResult.Rejected(DeliveryReasons.EndpointDisabled, error),

            // The configuration set (or another named resource) is missing: a deployment fault, fixed by deploying.
            "NotFoundException" when channel == Channel.Email => new SendResult.Transient(error, MayHaveBeenAccepted: false),
            _ => new SendResult.Rejected(DeliveryReasons.ProviderRejected, error),
        };
    }
}
