using Microsoft.AspNetCore.Http.HttpResults;

namespace Notify.Api.Http;

/// <summary>The RFC 9457 answers Notify gives, in one place so the same failure always reads the same.</summary>
internal static class Problems
{
    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is invalid.", detail: "See 'errors': each key is the JSON path of a field.");

    /// <summary>A 400 with validation errors, as the problem type a union can hold next to other problems.</summary>
    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Detail = "See 'errors': each key is the JSON path of a field.",
        });

    public static ProblemHttpResult Invalid(string path, string message) =>
        Invalid(new Dictionary<string, string[]> { [path] = [message] });

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: detail);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static ProblemHttpResult TooLarge(int maxBytes) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The request body is too large.",
            detail: $"This endpoint takes at most {maxBytes} bytes.");

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type.",
            detail: string.IsNullOrEmpty(contentType)
                ? "Send 'Content-Type: application/json' (UTF-8)."
                : $"Send 'Content-Type: application/json' (UTF-8), not '{(contentType.Length > 100 ? contentType[..100] + "…" : contentType)}'.");

    public static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable; retry later.", detail: detail);
}
