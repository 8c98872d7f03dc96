using System.Net;

namespace Notify.Aws.Http;

/// <summary>
/// An error answered by an AWS service: the AWS error code (e.g. <c>QueueDoesNotExist</c>, <c>EndpointDisabled</c>),
/// the HTTP status and the request id, so callers decide on the code and operators can quote the request id.
/// </summary>
public sealed class AwsServiceException : Exception
{
    public AwsServiceException(string service, string operation, string errorCode, string message, HttpStatusCode statusCode, string? requestId, string? queryErrorCode = null)
        : base($"{service}.{operation} failed: {errorCode} ({(int)statusCode}): {message} [request id {requestId ?? "none"}]")
    {
        Service = service;
        Operation = operation;
        ErrorCode = errorCode;
        ErrorMessage = message;
        StatusCode = statusCode;
        RequestId = requestId;
        QueryErrorCode = queryErrorCode;
    }

    public string Service { get; }

    public string Operation { get; }

    /// <summary>The error shape name without its namespace, as the official SDKs name their exception types.</summary>
    public string ErrorCode { get; }

    public string ErrorMessage { get; }

    public HttpStatusCode StatusCode { get; }

    public string? RequestId { get; }

    /// <summary>SQS's legacy Query error code (<c>x-amzn-query-error</c>), e.g. <c>AWS.SimpleQueueService.NonExistentQueue</c>.</summary>
    public string? QueryErrorCode { get; }

    public bool IsThrottling => AwsErrorClassifier.IsThrottling(ErrorCode, StatusCode);

    /// <summary>Throttling, 5xx and the few transient 4xx codes are worth another attempt; anything else is not.</summary>
    public bool IsRetryable => AwsErrorClassifier.IsRetryable(ErrorCode, StatusCode);
}

/// <summary>The retry classification the official SDKs share (their "standard" retry mode).</summary>
public static class AwsErrorClassifier
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "KMS.ThrottlingException",
    };

    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
        "InternalServerError", "InternalServerException",
    };

    public static bool IsThrottling(string errorCode, HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests || ThrottlingCodes.Contains(errorCode);

    public static bool IsRetryable(string errorCode, HttpStatusCode status) =>
        IsThrottling(errorCode, status) || TransientCodes.Contains(errorCode) || (int)status >= 500;
}
