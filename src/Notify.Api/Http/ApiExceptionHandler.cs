using System.Text.Json;
using AmazonClientException = Amazon.Runtime.AmazonClientException;
using AmazonServiceException = Amazon.Runtime.AmazonServiceException;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Notify.Aws.Http;

namespace Notify.Api.Http;

/// <summary>
/// Turns what reaches the exception handler into problem details: a typed body that failed to bind is the client's
/// fault (400 naming the field, 415, 413), an AWS dependency that failed is a 503 the client may retry, and only a
/// bug is a 500.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => Validation(JsonErrors.Key(json.Path), JsonErrors.Describe(json)),
            BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad when JsonErrors.DescribeBinding(bad.Message) is { } binding =>
                Validation(binding.Name, binding.Message),
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = Title(bad.StatusCode), Detail = Detail(bad) },
            _ when IsDependencyOutage(exception) && !cancellationToken.IsCancellationRequested =>
                new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Service unavailable; retry later.",
                    Detail = "A storage or queueing dependency did not answer.",
                },
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            LogDependencyFailure(logger, exception);
            httpContext.Response.Headers.RetryAfter = "1";
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// An AWS call that failed the way a retry can cure (5xx, throttling, the network). A 4xx from AWS is Notify
    /// asking wrongly: a bug, left to be a 500.
    /// </summary>
    private static bool IsDependencyOutage(Exception exception) => exception switch
    {
        AwsServiceException aws => aws.IsRetryable || (int)aws.StatusCode >= 500,
        AmazonServiceException sdk => AwsErrorClassifier.IsRetryable(sdk.ErrorCode ?? string.Empty, sdk.StatusCode) || (int)sdk.StatusCode >= 500,
        AmazonClientException or HttpRequestException or TimeoutException => true,
        _ => false,
    };

    private static HttpValidationProblemDetails Validation(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Detail = "See 'errors': each key is the JSON path of a field.",
        };

    private static string Title(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type.",
        _ => "The request is invalid.",
    };

    private static string Detail(BadHttpRequestException bad) => bad.StatusCode switch
    {
        StatusCodes.Status415UnsupportedMediaType => "Send 'Content-Type: application/json' (UTF-8).",
        StatusCodes.Status413PayloadTooLarge => "The request body exceeds this endpoint's limit.",
        // Binding messages name the parameter ("Required parameter \"int limit\" was not provided from query string."): useful, not secret.
        _ => bad.Message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "An AWS dependency failed; answering 503")]
    private static partial void LogDependencyFailure(ILogger logger, Exception exception);
}
