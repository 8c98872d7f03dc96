using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Notify.Api.Lambda;

/// <summary>One invocation as <c>/invocation/next</c> hands it over.</summary>
/// <param name="Deadline">When Lambda stops the invocation (<c>Lambda-Runtime-Deadline-Ms</c>); null when not given.</param>
/// <param name="TraceId">The X-Ray trace header (<c>Lambda-Runtime-Trace-Id</c>).</param>
/// <param name="Event">The event, raw JSON.</param>
internal sealed record LambdaInvocation(string RequestId, DateTimeOffset? Deadline, string? FunctionArn, string? TraceId, byte[] Event);

/// <summary>The Runtime API answered a call with an error status.</summary>
internal sealed class LambdaRuntimeException(string message) : Exception(message);

/// <summary>
/// The Lambda Runtime API, version 2018-06-01 (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), over
/// one HTTP connection to <c>AWS_LAMBDA_RUNTIME_API</c>. Hand-written because Amazon.Lambda.RuntimeSupport is not in
/// this registry. Lives as long as the process: the start-up error report may need it after the host is gone.
/// </summary>
internal sealed class LambdaRuntimeClient
{
    /// <summary>Set by Lambda in every execution environment of a custom runtime: the Runtime API's host and port.</summary>
    public const string EndpointVariable = "AWS_LAMBDA_RUNTIME_API";

    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    // No timeout: /next is a long poll that returns when an invocation comes, minutes or hours later.
    private readonly HttpClient _http;
    private int _polled;

    public LambdaRuntimeClient(string endpoint)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            // A frozen execution environment must find the connection again when it thaws; the runtime API keeps it open.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = new Uri($"http://{endpoint}/2018-06-01/runtime/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>True once <c>/next</c> was called: Lambda's init phase is over, and a failure is an invocation's, not the start-up's.</summary>
    public bool HasPolled => Volatile.Read(ref _polled) == 1;

    /// <summary>Waits for the next invocation.</summary>
    public async Task<LambdaInvocation> NextAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _polled, 1);
        using var response = await _http.GetAsync("invocation/next", HttpCompletionOption.ResponseContentRead, cancellationToken);
        await ThrowIfRefusedAsync(response, "invocation/next", cancellationToken);
        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
                        ?? throw new LambdaRuntimeException("invocation/next answered without a Lambda-Runtime-Aws-Request-Id.");
        var deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : (DateTimeOffset?)null;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new LambdaInvocation(
            requestId, deadline, Header(response, "Lambda-Runtime-Invoked-Function-Arn"), Header(response, "Lambda-Runtime-Trace-Id"), body);
    }

    public async Task PostResponseAsync(string requestId, byte[] json, CancellationToken cancellationToken)
    {
        var path = $"invocation/{Uri.EscapeDataString(requestId)}/response";
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(path, content, cancellationToken);
        await ThrowIfRefusedAsync(response, path, cancellationToken);
    }

    /// <param name="errorType">The <c>Lambda-Runtime-Function-Error-Type</c> header, <c>Category.Reason</c> as AWS recommends.</param>
    public async Task PostErrorAsync(string requestId, LambdaRuntimeError error, string errorType, CancellationToken cancellationToken)
    {
        var path = $"invocation/{Uri.EscapeDataString(requestId)}/error";
        using var request = ErrorRequest(path, error, errorType);
        using var response = await _http.SendAsync(request, cancellationToken);
        await ThrowIfRefusedAsync(response, path, cancellationToken);
    }

    /// <summary>
    /// Reports a start-up failure, synchronously: it runs in the unhandled-exception handler, as the process goes down.
    /// Lambda then fails the invocation that waited for this environment with the error, and starts another one.
    /// </summary>
    public void PostInitError(LambdaRuntimeError error, string errorType, TimeSpan timeout)
    {
        using var request = ErrorRequest("init/error", error, errorType);
        using var cancel = new CancellationTokenSource(timeout);
        using var response = _http.Send(request, cancel.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new LambdaRuntimeException($"init/error answered {(int)response.StatusCode}.");
        }
    }

    private static HttpRequestMessage ErrorRequest(string path, LambdaRuntimeError error, string errorType)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, LambdaJson.Wire.LambdaRuntimeError));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add(ErrorTypeHeader, errorType);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static async Task ThrowIfRefusedAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = response.StatusCode == HttpStatusCode.RequestEntityTooLarge ? "413 (payload too large)" : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        throw new LambdaRuntimeException($"The Lambda Runtime API refused {path}: {status} {body}");
    }
}
