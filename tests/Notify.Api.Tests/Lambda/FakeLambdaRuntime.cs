using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Notify.Api.Tests.Lambda;

/// <summary>What a runtime posted back for one invocation: <c>/response</c> (the answer) or <c>/error</c>.</summary>
public sealed record InvocationOutcome(string RequestId, bool IsError, JsonElement Body, string? ErrorTypeHeader)
{
    public int StatusCode => Body.GetProperty("statusCode").GetInt32();

    /// <summary>A response header, by its exact (lower-case) name as the bridge returned it.</summary>
    public string? Header(string name) =>
        Body.TryGetProperty("headers", out var headers) && headers.EnumerateObject().FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } header
            ? header.Value.GetString()
            : null;

    public IReadOnlyList<string> Cookies =>
        Body.TryGetProperty("cookies", out var cookies) ? cookies.EnumerateArray().Select(c => c.GetString()!).ToList() : [];

    public bool IsBase64Encoded => Body.TryGetProperty("isBase64Encoded", out var flag) && flag.GetBoolean();

    /// <summary>The body as text (decoded from base64 when the answer says so).</summary>
    public string BodyText => Body.TryGetProperty("body", out var body) && body.GetString() is { } text
        ? IsBase64Encoded ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text)) : text
        : string.Empty;

    public JsonElement Json => JsonDocument.Parse(BodyText).RootElement;

    public override string ToString() => $"{(IsError ? "error " + ErrorTypeHeader : "response")} for {RequestId}: {Body}";
}

/// <summary>
/// A local Lambda Runtime API (version 2018-06-01, https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) on
/// an ephemeral loopback port: <c>/invocation/next</c> long-polls a queue of events and answers with the invocation
/// headers Lambda sends (request id, deadline, function ARN, X-Ray trace id); <c>/response</c> and <c>/error</c>
/// complete the invocation they name (202, or 400 for an id not in flight, as Lambda answers); <c>/init/error</c>
/// is recorded. <see cref="Endpoint"/> is what Lambda puts in <c>AWS_LAMBDA_RUNTIME_API</c>.
/// </summary>
public sealed class FakeLambdaRuntime : IAsyncDisposable
{
    public const string FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:notify-api";

    private const string Base = "/2018-06-01/runtime";

    private readonly Channel<Invocation> _queue = Channel.CreateUnbounded<Invocation>();
    private readonly ConcurrentDictionary<string, Invocation> _inFlight = new();
    private readonly TaskCompletionSource<InvocationOutcome> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;
    private int _nextCalls;

    private FakeLambdaRuntime()
    {
    }

    /// <summary><c>host:port</c>, without a scheme, as Lambda sets <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>How many times a runtime asked for the next invocation.</summary>
    public int NextCalls => Volatile.Read(ref _nextCalls);

    /// <summary>The <c>/init/error</c> report, when one comes.</summary>
    public Task<InvocationOutcome> InitError => _initError.Task;

    public static async Task<FakeLambdaRuntime> StartAsync()
    {
        var runtime = new FakeLambdaRuntime();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet(Base + "/invocation/next", runtime.NextAsync);
        app.MapPost(Base + "/invocation/{requestId}/response", (string requestId, HttpContext context) => runtime.CompleteAsync(requestId, context, isError: false));
        app.MapPost(Base + "/invocation/{requestId}/error", (string requestId, HttpContext context) => runtime.CompleteAsync(requestId, context, isError: true));
        app.MapPost(Base + "/init/error", (Func<HttpContext, Task<IResult>>)runtime.InitErrorAsync);
        await app.StartAsync();
        runtime._app = app;
        runtime.Endpoint = new Uri(app.Urls.First()).Authority;
        return runtime;
    }

    /// <summary>A fresh X-Ray trace header, as Lambda passes one per invocation.</summary>
    public static string NewTraceHeader(bool sampled = true)
    {
        var epoch = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString("x8", CultureInfo.InvariantCulture);
        return $"Root=1-{epoch}-{Hex(12)};Parent={Hex(8)};Sampled={(sampled ? 1 : 0)}";
    }

    /// <summary>Queues <paramref name="eventJson"/> and waits for the runtime to answer it.</summary>
    /// <param name="timeout">Until the invocation's deadline (sent as <c>Lambda-Runtime-Deadline-Ms</c>).</param>
    public async Task<InvocationOutcome> InvokeAsync(string eventJson, TimeSpan? timeout = null, string? traceHeader = null)
    {
        var invocation = new Invocation(
            Guid.NewGuid().ToString(), eventJson, DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30)), traceHeader ?? NewTraceHeader());
        _inFlight[invocation.RequestId] = invocation;
        await _queue.Writer.WriteAsync(invocation);
        var wait = invocation.Deadline - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        try
        {
            return await invocation.Outcome.Task.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Invocation {invocation.RequestId} got no answer (next was called {NextCalls} times).", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private async Task NextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _nextCalls);
        Invocation invocation;
        try
        {
            invocation = await _queue.Reader.ReadAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            // The runtime went away, or the test is over: nothing more to hand out.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = FunctionArn;
        headers["Lambda-Runtime-Trace-Id"] = invocation.TraceHeader;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(invocation.EventJson, context.RequestAborted);
    }

    private async Task<IResult> CompleteAsync(string requestId, HttpContext context, bool isError)
    {
        var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        if (!_inFlight.TryRemove(requestId, out var invocation))
        {
            return TypedResults.Json(new { errorMessage = $"Invalid request ID: {requestId}", errorType = "InvalidRequestID" }, statusCode: 400);
        }

        invocation.Outcome.TrySetResult(new InvocationOutcome(requestId, isError, body.RootElement.Clone(), ErrorType(context)));
        return TypedResults.Json(new { status = "OK" }, statusCode: StatusCodes.Status202Accepted);
    }

    private async Task<IResult> InitErrorAsync(HttpContext context)
    {
        var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        _initError.TrySetResult(new InvocationOutcome("init", IsError: true, body.RootElement.Clone(), ErrorType(context)));
        return TypedResults.Json(new { status = "OK" }, statusCode: StatusCodes.Status202Accepted);
    }

    private static string? ErrorType(HttpContext context) => context.Request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault();

    private sealed record Invocation(string RequestId, string EventJson, DateTimeOffset Deadline, string TraceHeader)
    {
        public TaskCompletionSource<InvocationOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
