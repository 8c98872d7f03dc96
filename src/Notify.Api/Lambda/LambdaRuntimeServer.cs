using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Notify.Api.Lambda;

/// <summary>
/// An ASP.NET Core server whose requests come from the Lambda Runtime API instead of a socket: it polls
/// <c>/invocation/next</c>, turns each API Gateway HTTP API event (payload 2.0) into an HttpContext, runs the
/// application's pipeline in process, and posts the answer to <c>/response</c> — or to <c>/error</c> when the event
/// cannot be read, the pipeline throws, the deadline passes or the answer is too large for Lambda. One invocation at a
/// time, as Lambda hands them. Exists because Amazon.Lambda.AspNetCoreServer and Amazon.Lambda.RuntimeSupport are not
/// in this registry; <see cref="LambdaHosting.UseLambdaRuntimeWhenPresent"/> puts it in Kestrel's place.
/// </summary>
internal sealed partial class LambdaRuntimeServer : IServer
{
    /// <summary>Lambda's limit on a synchronous invocation's response (6 MB); API Gateway gets a 500 beyond it.</summary>
    public const int MaxResponseBytes = 6 * 1024 * 1024;

    /// <summary>Where Lambda runtimes put the current invocation's X-Ray trace header, for SDKs that read it there.</summary>
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    private readonly LambdaRuntimeClient _runtime;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger<LambdaRuntimeServer> _logger;
    private readonly long? _maxRequestBodyBytes;

    // Stopping ends the poll at once; an invocation in flight runs on until the host's shutdown timeout aborts it.
    private readonly CancellationTokenSource _stopPolling = new();
    private readonly CancellationTokenSource _abort = new();
    private Task _loop = Task.CompletedTask;

    public LambdaRuntimeServer(
        LambdaRuntimeClient runtime,
        IHostApplicationLifetime lifetime,
        IOptions<KestrelServerOptions> kestrel,
        TimeProvider time,
        ILogger<LambdaRuntimeServer> logger)
    {
        _runtime = runtime;
        _lifetime = lifetime;
        _time = time;
        _logger = logger;
        // The application's global body ceiling is configured on Kestrel; it holds here too.
        _maxRequestBodyBytes = kestrel.Value.Limits.MaxRequestBodySize;
    }

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        _loop = Task.Run(() => RunAsync(application), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopPolling.CancelAsync();
        await using var abort = cancellationToken.Register(_abort.Cancel);
        await _loop;
    }

    public void Dispose()
    {
        _stopPolling.Dispose();
        _abort.Dispose();
    }

    private async Task RunAsync<TContext>(IHttpApplication<TContext> application)
        where TContext : notnull
    {
        LogPolling(_logger);
        try
        {
            while (!_stopPolling.IsCancellationRequested)
            {
                LambdaInvocation invocation;
                try
                {
                    invocation = await _runtime.NextAsync(_stopPolling.Token);
                }
                catch (OperationCanceledException) when (_stopPolling.IsCancellationRequested)
                {
                    return;
                }

                await HandleAsync(application, invocation);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // The host's shutdown timeout cut an invocation short; the process is stopping anyway.
        }
#pragma warning disable CA1031 // Whatever ends the loop must end the process too: Lambda then starts a fresh environment.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogRuntimeLost(_logger, e);
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }
    }

    private async Task HandleAsync<TContext>(IHttpApplication<TContext> application, LambdaInvocation invocation)
        where TContext : notnull
    {
        // As Lambda's own runtimes do, for whatever reads the trace from the environment (the X-Ray SDK, propagators).
        Environment.SetEnvironmentVariable(TraceIdVariable, invocation.TraceId);

        HttpRequestFeature request;
        string? sourceIp;
        try
        {
            var apiEvent = HttpApiPayloadV2.Parse(invocation.Event);
            request = HttpApiPayloadV2.ToRequestFeature(apiEvent, XRayTraceHeader.ToTraceParent(invocation.TraceId));
            sourceIp = apiEvent.RequestContext?.Http?.SourceIp;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or FormatException)
        {
            LogUnreadableEvent(_logger, invocation.RequestId, e);
            await PostAsync(invocation, null, (LambdaRuntimeError.From(e), "Runtime.InvalidEvent"));
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        if (invocation.Deadline is { } at)
        {
            var remaining = at - _time.GetUtcNow();
            deadline.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }

        var bodyLength = request.Body.Length;
        if (bodyLength > _maxRequestBodyBytes)
        {
            request.Body = new RefusedBody(_maxRequestBodyBytes.Value);
        }

        // The deadline, not a host shutdown, ended the request: Lambda has given up on this invocation.
        bool PastDeadline() => deadline.IsCancellationRequested && !_abort.IsCancellationRequested;

        var response = new LambdaResponseFeature(MaxResponseBytes);
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(response);
        features.Set<IHttpRequestIdentifierFeature>(new HttpRequestIdentifierFeature { TraceIdentifier = invocation.RequestId });
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = invocation.RequestId,
            RemoteIpAddress = IPAddress.TryParse(sourceIp, out var ip) ? ip : null,
        });
        features.Set<IHttpRequestLifetimeFeature>(new InvocationLifetime(deadline));
        features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(bodyLength > 0));

        var context = application.CreateContext(features);
        Exception? failure = null;
        byte[]? answer = null;
        (LambdaRuntimeError Error, string Type)? error = null;
        try
        {
            await application.ProcessRequestAsync(context);
            await response.CompleteAsync();
            (answer, error) = PastDeadline() ? (null, DeadlineExceeded(invocation, response.StatusCode)) : Answer(invocation, response);
        }
#pragma warning disable CA1031 // An exception that escapes the pipeline fails this invocation, not the process: Lambda's contract.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = e;
            if (PastDeadline())
            {
                error = DeadlineExceeded(invocation, StatusCodes.Status500InternalServerError);
            }
            else
            {
                LogUnhandled(_logger, invocation.RequestId, e);
                error = (LambdaRuntimeError.From(e), "Function.UnhandledException");
            }
        }

        try
        {
            await PostAsync(invocation, answer, error);
        }
        finally
        {
            foreach (var callbackFailure in await response.FireOnCompletedAsync())
            {
                LogOnCompletedFailed(_logger, invocation.RequestId, callbackFailure);
            }

            application.DisposeContext(context, failure);
        }
    }

    private (LambdaRuntimeError, string) DeadlineExceeded(LambdaInvocation invocation, int statusCode)
    {
        LogDeadlinePassed(_logger, invocation.RequestId, statusCode);
        var message = $"The invocation passed its deadline ({invocation.Deadline:O}); the request was aborted and its answer ({statusCode}) dropped.";
        return (new LambdaRuntimeError(message, "DeadlineExceeded", []), "Function.DeadlineExceeded");
    }

    private (byte[]? Answer, (LambdaRuntimeError, string)? Error) Answer(LambdaInvocation invocation, LambdaResponseFeature response)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(
            HttpApiPayloadV2.ToResponse(response.StatusCode, response.Headers, response.Content), LambdaJson.Wire.APIGatewayHttpApiV2ProxyResponse);
        if (json.Length > MaxResponseBytes)
        {
            var message = $"The answer is {json.Length} bytes; a Lambda function returns at most {MaxResponseBytes}.";
            LogTooLarge(_logger, invocation.RequestId, json.Length);
            return (null, (new LambdaRuntimeError(message, "ResponseTooLarge", []), "Function.ResponseSizeTooLarge"));
        }

        return (json, null);
    }

    private async Task PostAsync(LambdaInvocation invocation, byte[]? answer, (LambdaRuntimeError Error, string Type)? error)
    {
        try
        {
            if (error is { } failed)
            {
                await _runtime.PostErrorAsync(invocation.RequestId, failed.Error, failed.Type, _abort.Token);
            }
            else
            {
                await _runtime.PostResponseAsync(invocation.RequestId, answer!, _abort.Token);
            }
        }
        catch (LambdaRuntimeException e)
        {
            // Lambda refused this invocation's answer (expired, unknown id, too large); the next invocation is unaffected.
            LogAnswerRefused(_logger, invocation.RequestId, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving Lambda invocations from the Runtime API")]
    private static partial void LogPolling(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The Lambda Runtime API is gone; stopping")]
    private static partial void LogRuntimeLost(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation {RequestId}: the event is not an API Gateway HTTP API request (payload 2.0)")]
    private static partial void LogUnreadableEvent(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation {RequestId}: an unhandled exception escaped the request pipeline")]
    private static partial void LogUnhandled(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation {RequestId}: past its deadline, the answer ({StatusCode}) is dropped")]
    private static partial void LogDeadlinePassed(ILogger logger, string requestId, int statusCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation {RequestId}: the answer is {Bytes} bytes, above Lambda's 6 MB limit")]
    private static partial void LogTooLarge(ILogger logger, string requestId, int bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation {RequestId}: the Runtime API refused the answer")]
    private static partial void LogAnswerRefused(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation {RequestId}: an OnCompleted callback failed")]
    private static partial void LogOnCompletedFailed(ILogger logger, string requestId, Exception exception);

    /// <summary><c>RequestAborted</c> is the invocation's deadline; <c>Abort()</c> ends it early.</summary>
    private sealed class InvocationLifetime(CancellationTokenSource source) : IHttpRequestLifetimeFeature
    {
        public CancellationToken RequestAborted { get; set; } = source.Token;

        public void Abort() => source.Cancel();
    }

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => canHaveBody;
    }

    /// <summary>A body above the global ceiling fails when read, with the 413 Kestrel would give.</summary>
    private sealed class RefusedBody(long limit) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw TooLarge();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(TooLarge());

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromException<int>(TooLarge());

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private Microsoft.AspNetCore.Http.BadHttpRequestException TooLarge() =>
            new($"The request body exceeds the server's limit of {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
    }
}
