using System.Net;
using Notify.Aws.Channels;
using Notify.Aws.Http;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Polly.Timeout;

namespace Notify.Aws.Tests.Channels;

public sealed class ProviderErrorsTests
{
    [Theory]
    [InlineData("SESv2", "MessageRejected", 400, "Email address is not verified. The following identities failed the check: a@b.c", Channel.Email, DeliveryReasons.SenderNotVerified)]
    [InlineData("SESv2", "MessageRejected", 400, "Email address not verified a@b.c", Channel.Email, DeliveryReasons.SenderNotVerified)]
    [InlineData("SESv2", "MailFromDomainNotVerifiedException", 400, "", Channel.Email, DeliveryReasons.SenderNotVerified)]
    [InlineData("SESv2", "MessageRejected", 400, "Message content rejected", Channel.Email, DeliveryReasons.ProviderRejected)]
    [InlineData("SESv2", "BadRequestException", 400, "Missing domain", Channel.Email, DeliveryReasons.InvalidAddress)]
    [InlineData("SESv2", "InvalidParameterValue", 400, "Missing domain", Channel.Email, DeliveryReasons.InvalidAddress)]
    [InlineData("SNS", "InvalidParameter", 400, "Phone number does not meet the E164 format", Channel.Sms, DeliveryReasons.InvalidAddress)]
    [InlineData("SNS", "InvalidParameter", 400, "Invalid parameter: PhoneNumber Reason: input incorrectly formatted", Channel.Sms, DeliveryReasons.InvalidAddress)]
    [InlineData("SNS", "InvalidParameter", 400, "SMS message must be less than 1600 bytes", Channel.Sms, DeliveryReasons.ProviderRejected)]
    [InlineData("SNS", "InvalidParameter", 400, "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified", Channel.Push, DeliveryReasons.EndpointDisabled)]
    [InlineData("SNS", "EndpointDisabled", 400, "Endpoint is disabled", Channel.Push, DeliveryReasons.EndpointDisabled)]
    [InlineData("SNS", "NotFound", 404, "Endpoint does not exist", Channel.Push, DeliveryReasons.EndpointDisabled)]
    [InlineData("SNS", "InvalidParameter", 400, "Message too long", Channel.Push, DeliveryReasons.ProviderRejected)]
    public void Should_reject_what_will_never_succeed_with_its_reason(string service, string code, int status, string message, Channel channel, string reason)
    {
        var result = Classify(new AwsServiceException(service, "Send", code, message, (HttpStatusCode)status, "r-1"), channel);

        var rejected = Assert.IsType<SendResult.Rejected>(result);
        Assert.Equal(reason, rejected.Reason);
        Assert.False(rejected.Suppress);
        Assert.Contains(code, rejected.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OptedOut")]
    [InlineData("OptedOutException")]
    public void Should_reject_an_opted_out_number_with_suppression(string code)
    {
        var result = Classify(new AwsServiceException("SNS", "Publish", code, "opted out", HttpStatusCode.BadRequest, null), Channel.Sms);

        Assert.Equal(new SendResult.Rejected(DeliveryReasons.PhoneOptedOut, $"SNS {code}: opted out", Suppress: true), result);
    }

    [Theory]
    [InlineData("SNS", "Throttled", 429)]
    [InlineData("SNS", "Throttling", 400)]
    [InlineData("SESv2", "TooManyRequestsException", 429)]
    [InlineData("SESv2", "LimitExceededException", 400)]
    [InlineData("SNS", "InternalError", 500)]
    [InlineData("SESv2", "Unknown", 502)]
    [InlineData("SESv2", "AccountSuspendedException", 400)]
    [InlineData("SESv2", "SendingPausedException", 400)]
    [InlineData("SNS", "AuthorizationError", 403)]
    [InlineData("SNS", "KMSThrottling", 400)]
    [InlineData("SNS", "PlatformApplicationDisabled", 400)]
    [InlineData("SESv2", "NotFoundException", 404)]
    public void Should_retry_throttling_server_errors_pauses_and_our_own_misconfiguration_as_never_accepted(string service, string code, int status)
    {
        var result = Classify(new AwsServiceException(service, "Send", code, "m", (HttpStatusCode)status, null), Channel.Email);

        Assert.False(Assert.IsType<SendResult.Transient>(result).MayHaveBeenAccepted);
    }

    [Fact]
    public void Should_count_a_network_failure_as_maybe_accepted_only_for_the_call_that_sends()
    {
        Exception[] failures =
        [
            new HttpRequestException("connection reset"), new TimeoutException(), new TimeoutRejectedException(), new TaskCanceledException(),
            new System.Text.Json.JsonException(), new System.Xml.XmlException(),
        ];

        foreach (var failure in failures)
        {
            Assert.True(Assert.IsType<SendResult.Transient>(Classify(failure, Channel.Sms, sends: true)).MayHaveBeenAccepted, failure.GetType().Name);
            Assert.False(Assert.IsType<SendResult.Transient>(Classify(failure, Channel.Sms, sends: false)).MayHaveBeenAccepted, failure.GetType().Name);
        }
    }

    [Fact]
    public void Should_leave_the_callers_own_cancellation_and_bugs_unclassified()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.False(ProviderErrors.TryClassify(new OperationCanceledException(cts.Token), Channel.Email, true, cts.Token, out _));
        Assert.False(ProviderErrors.TryClassify(new TaskCanceledException(), Channel.Email, true, cts.Token, out _));
        Assert.False(ProviderErrors.TryClassify(new ArgumentException("bug"), Channel.Email, true, CancellationToken.None, out _));
        Assert.False(ProviderErrors.TryClassify(new NullReferenceException(), Channel.Push, true, CancellationToken.None, out _));
    }

    private static SendResult Classify(Exception exception, Channel channel, bool sends = true)
    {
        Assert.True(ProviderErrors.TryClassify(exception, channel, sends, CancellationToken.None, out var result));
        return result;
    }
}
