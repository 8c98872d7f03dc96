using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.Api.Lambda;

namespace Notify.Api.Tests.Lambda;

/// <summary>
/// The bridge's server under an ASP.NET Core application of the test's own, for what Notify's endpoints never do: an
/// exception after the response started, OnStarting and OnCompleted callbacks, repeated headers, a binary body, an
/// answer too large for Lambda. The application runs in this process; the Runtime API is the fake one, over HTTP.
/// </summary>
public sealed class LambdaRuntimeServerTests : IAsyncLifetime
{
    private const int BodyCeiling = 1024;

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF];

    private readonly TaskCompletionSource<bool> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FakeLambdaRuntime? _runtime;
    private WebApplication? _app;

    private FakeLambdaRuntime Runtime => _runtime!;

    public async ValueTask InitializeAsync()
    {
        _runtime = await FakeLambdaRuntime.StartAsync();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseLambdaRuntime(new LambdaRuntimeClient(_runtime.Endpoint));
        // The server-wide body ceiling is configured on Kestrel's options, as Notify.Api does; the bridge applies it too.
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = BodyCeiling);
        _app = builder.Build();
        _app.MapPost("/echo-length", async context =>
        {
            try
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                await context.Response.WriteAsync(body.Length.ToString(CultureInfo.InvariantCulture), context.RequestAborted);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
            {
                context.Response.StatusCode = e.StatusCode;
            }
        });
        _app.MapGet("/throws-after-start", async context =>
        {
            await context.Response.WriteAsync("partial", context.RequestAborted);
            throw new InvalidOperationException("Failed after the response started");
        });
        _app.MapGet("/callbacks", context =>
        {
            var response = context.Response;
            response.OnStarting(() =>
            {
                response.Headers["X-Started"] = "yes";
                return Task.CompletedTask;
            });
            response.OnCompleted(() =>
            {
                _completed.TrySetResult(response.HasStarted);
                return Task.CompletedTask;
            });
            response.Headers.Append("Vary", "Accept");
            response.Headers.Append("Vary", "Accept-Encoding");
            response.Cookies.Append("first", "1");
            response.Cookies.Append("second", "2", new CookieOptions { HttpOnly = true });
            return response.WriteAsync("ok", context.RequestAborted);
        });
        _app.MapGet("/png", () => Results.Bytes(Png, "image/png"));
        _app.MapGet("/binary", () => Results.Bytes(new byte[5 * 1024 * 1024], "application/octet-stream"));
        _app.MapGet("/endless", async context =>
        {
            var chunk = new byte[64 * 1024];
            while (true)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        _app.MapGet("/trace", (HttpContext context) => new
        {
            environment = Environment.GetEnvironmentVariable(LambdaRuntimeServer.TraceIdVariable),
            traceParent = context.Request.Headers.TraceParent.ToString(),
            remoteIp = context.Connection.RemoteIpAddress?.ToString(),
            traceIdentifier = context.TraceIdentifier,
        });
        await _app.StartAsync();
    }

    [Fact]
    public async Task Should_post_the_error_and_serve_the_next_invocation_when_the_pipeline_throws_after_the_response_started()
    {
        var failed = await Runtime.InvokeAsync(Get("/throws-after-start"));
        var next = await Runtime.InvokeAsync(Get("/png"));

        Assert.True(failed.IsError, failed.ToString());
        Assert.Equal("Function.UnhandledException", failed.ErrorTypeHeader);
        Assert.Equal("System.InvalidOperationException", failed.Body.GetProperty("errorType").GetString());
        Assert.Equal("Failed after the response started", failed.Body.GetProperty("errorMessage").GetString());
        Assert.False(next.IsError, next.ToString());
    }

    [Fact]
    public async Task Should_run_response_callbacks_and_return_repeated_headers_joined_and_every_cookie()
    {
        var outcome = await Runtime.InvokeAsync(Get("/callbacks"));

        Assert.Equal(200, outcome.StatusCode);
        Assert.Equal("yes", outcome.Header("X-Started"));
        Assert.Equal("Accept,Accept-Encoding", outcome.Header("Vary"));
        Assert.Equal(["first=1; path=/", "second=2; path=/; httponly"], outcome.Cookies);
        Assert.Null(outcome.Header("Set-Cookie"));
        Assert.Equal("ok", outcome.BodyText);
        Assert.True(await _completed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Should_return_a_binary_body_as_base64()
    {
        var outcome = await Runtime.InvokeAsync(Get("/png"));

        Assert.Equal("image/png", outcome.Header("Content-Type"));
        Assert.True(outcome.IsBase64Encoded);
        Assert.Equal(Png, Convert.FromBase64String(outcome.Body.GetProperty("body").GetString()!));
    }

    [Fact]
    public async Task Should_post_an_error_instead_of_an_answer_larger_than_lambda_returns()
    {
        // 5 MiB of bytes is 6.7 MB of base64: within the body cap, above Lambda's 6 MB answer.
        var encoded = await Runtime.InvokeAsync(Get("/binary"));
        var endless = await Runtime.InvokeAsync(Get("/endless"));

        Assert.True(encoded.IsError, encoded.ToString());
        Assert.Equal("Function.ResponseSizeTooLarge", encoded.ErrorTypeHeader);
        // A body that never ends is stopped at the cap rather than buffered until the deadline.
        Assert.True(endless.IsError, endless.ToString());
        Assert.Contains($"{LambdaRuntimeServer.MaxResponseBytes} bytes", endless.Body.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_body_above_the_servers_ceiling_with_413_when_it_is_read_as_kestrel_does()
    {
        var within = await Runtime.InvokeAsync(Post("/echo-length", new string('a', BodyCeiling)));
        var above = await Runtime.InvokeAsync(Post("/echo-length", new string('a', BodyCeiling + 1)));

        Assert.Equal(200, within.StatusCode);
        Assert.Equal(BodyCeiling.ToString(CultureInfo.InvariantCulture), within.BodyText);
        Assert.Equal(413, above.StatusCode);
    }

    [Fact]
    public async Task Should_expose_the_invocations_trace_request_id_and_caller()
    {
        const string Trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

        var outcome = await Runtime.InvokeAsync(Get("/trace"), traceHeader: Trace);

        var seen = outcome.Json;
        Assert.Equal(Trace, seen.GetProperty("environment").GetString());
        Assert.Equal("00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01", seen.GetProperty("traceParent").GetString());
        Assert.Equal("203.0.113.24", seen.GetProperty("remoteIp").GetString());
        Assert.Equal(outcome.RequestId, seen.GetProperty("traceIdentifier").GetString());
    }

    public async ValueTask DisposeAsync()
    {
        // The application first: a runtime that vanished under a polling server would stop it as a failure.
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }

    private static string Get(string path) => RecordedEvents.Edit("alive.json", e =>
    {
        e["rawPath"] = path;
        e["requestContext"]!["http"]!["path"] = path;
    });

    private static string Post(string path, string body) => RecordedEvents.Edit("post-event.json", e =>
    {
        e["rawPath"] = path;
        e["requestContext"]!["http"]!["path"] = path;
        e["headers"]!["content-type"] = "text/plain";
        e["headers"]!["content-length"] = body.Length.ToString(CultureInfo.InvariantCulture);
        e["body"] = body;
    });
}
