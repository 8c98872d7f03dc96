using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.Api.Lambda;

// Part of the Lambda bridge, hand-written because Amazon.Lambda.APIGatewayEvents, Amazon.Lambda.AspNetCoreServer and
// Amazon.Lambda.RuntimeSupport are not in this registry. The shapes and names follow AWS's documentation of the
// HTTP API payload format 2.0 (and those packages' types), holding only what the bridge reads.

/// <summary>
/// An API Gateway HTTP API request, payload format 2.0. Repeated headers and query parameters arrive comma-joined,
/// cookies arrive in <see cref="Cookies"/> (not in a <c>cookie</c> header), and the body is base64 when
/// <see cref="IsBase64Encoded"/> says so.
/// </summary>
internal sealed record APIGatewayHttpApiV2ProxyRequest
{
    public string? Version { get; init; }

    public string? RouteKey { get; init; }

    /// <summary>The path as the client sent it, still percent-encoded, with the stage name first unless the stage is <c>$default</c>.</summary>
    public string? RawPath { get; init; }

    /// <summary>The query string as the client sent it, without the <c>?</c>.</summary>
    public string? RawQueryString { get; init; }

    public IReadOnlyList<string>? Cookies { get; init; }

    /// <summary>Lower-case names; a repeated header's values joined with commas.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public IReadOnlyDictionary<string, string>? QueryStringParameters { get; init; }

    public ProxyRequestContext? RequestContext { get; init; }

    public string? Body { get; init; }

    public IReadOnlyDictionary<string, string>? PathParameters { get; init; }

    public bool IsBase64Encoded { get; init; }

    public IReadOnlyDictionary<string, string>? StageVariables { get; init; }

    internal sealed record ProxyRequestContext
    {
        public string? AccountId { get; init; }

        public string? ApiId { get; init; }

        public string? DomainName { get; init; }

        public string? DomainPrefix { get; init; }

        public HttpDescription? Http { get; init; }

        public string? RequestId { get; init; }

        public string? RouteKey { get; init; }

        public string? Stage { get; init; }

        public string? Time { get; init; }

        public long TimeEpoch { get; init; }
    }

    internal sealed record HttpDescription
    {
        public string? Method { get; init; }

        public string? Path { get; init; }

        public string? Protocol { get; init; }

        public string? SourceIp { get; init; }

        public string? UserAgent { get; init; }
    }
}

/// <summary>
/// The answer to an HTTP API, payload format 2.0. The format has no multi-value headers: a repeated header goes back
/// comma-joined in <see cref="Headers"/>, and every <c>Set-Cookie</c> goes in <see cref="Cookies"/>.
/// </summary>
internal sealed record APIGatewayHttpApiV2ProxyResponse
{
    public int StatusCode { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public IReadOnlyList<string>? Cookies { get; init; }

    public string? Body { get; init; }

    public bool IsBase64Encoded { get; init; }
}

/// <summary>The body of the Runtime API's <c>/error</c> and <c>/init/error</c> calls.</summary>
internal sealed record LambdaRuntimeError(string ErrorMessage, string ErrorType, IReadOnlyList<string> StackTrace)
{
    public static LambdaRuntimeError From(Exception exception) =>
        new(exception.Message, exception.GetType().FullName ?? exception.GetType().Name, StackLines(exception));

    private static string[] StackLines(Exception exception) =>
        exception.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(APIGatewayHttpApiV2ProxyRequest))]
[JsonSerializable(typeof(APIGatewayHttpApiV2ProxyResponse))]
[JsonSerializable(typeof(LambdaRuntimeError))]
internal sealed partial class LambdaJson : JsonSerializerContext
{
    /// <summary>
    /// The context the bridge uses: HTML and non-ASCII text stay as they are instead of <c>\uXXXX</c> escapes, which
    /// would grow an HTML page's body up to sixfold against Lambda's 6 MB response limit.
    /// </summary>
    public static LambdaJson Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
