using System.Net;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Notify.Aws.Http;

namespace Notify.Aws.Tests.Wire;

/// <summary>One HTTP request exactly as it arrived: the raw (still percent-encoded) path and query, headers, body.</summary>
public sealed record RecordedRequest(
    string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() =>
        $"{Method} {Path}{Query}\n{string.Join('\n', Headers.Select(h => $"{h.Key}: {h.Value}"))}\n\n{Encoding.UTF8.GetString(Body)}";
}

/// <summary>The answer the recording server gives; see <see cref="RecordingServer.DefaultResponse"/>.</summary>
public sealed record CannedResponse(int StatusCode, string ContentType, string Body, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A loopback Kestrel server that records every request and answers a canned response, so the JS SDK and
/// Notify can be pointed at it in turn and their requests compared. The default answer is a non-retryable 400
/// in the caller's protocol, so neither client sends a second attempt that would shift the recording.
/// Usable as an xunit class fixture (tests of a class run one after another, so <see cref="Clear"/> is safe).
/// </summary>
public sealed class RecordingServer : IAsyncLifetime
{
    /// <summary>The credentials the JS runner signs with (AWS's documentation example keys), and so Notify too.</summary>
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private readonly List<RecordedRequest> _requests = [];
    private WebApplication? _app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Chooses the answer per request; defaults to <see cref="DefaultResponse"/>.</summary>
    public Func<RecordedRequest, CannedResponse> Respond { get; set; } = DefaultResponse;

    /// <summary>A connection for Notify's clients that signs exactly as the JS runner does.</summary>
    public AwsConnection Connection => new()
    {
        Region = RegionEndpoint.USEast1,
        Credentials = new BasicAWSCredentials(AccessKey, SecretKey),
        EndpointUrl = Endpoint,
    };

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<RecordingServer> StartAsync()
    {
        var server = new RecordingServer();
        await server.InitializeAsync();
        return server;
    }

    public void Clear()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    /// <summary>A non-retryable error in the shape the request's protocol expects (by its Content-Type).</summary>
    public static CannedResponse DefaultResponse(RecordedRequest request)
    {
        var contentType = request.Header("Content-Type") ?? string.Empty;
        if (contentType.StartsWith("application/x-amz-json", StringComparison.OrdinalIgnoreCase))
        {
            return new(400, "application/x-amz-json-1.0", """{"__type":"com.amazonaws.sqs#InvalidAddress","message":"recorded"}""");
        }

        if (contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return new(400, "text/xml", """
                <ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>recorded</Message></Error><RequestId>recorded</RequestId></ErrorResponse>
                """);
        }

        // REST JSON (SES v2) names the error in a header; the body shape is the operation's error shape.
        return new(400, "application/json", """{"message":"recorded"}""",
            new Dictionary<string, string> { ["x-amzn-ErrorType"] = "BadRequestException" });
    }

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        Endpoint = new Uri(_app.Urls.First() + "/");
    }

    private async Task HandleAsync(HttpContext context)
    {
        // RawTarget keeps the path and query exactly as sent; Request.Path would be percent-decoded.
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var q = target.IndexOf('?', StringComparison.Ordinal);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(
            context.Request.Method, q < 0 ? target : target[..q], q < 0 ? string.Empty : target[q..], headers, body.ToArray());
        lock (_requests)
        {
            _requests.Add(recorded);
        }

        var answer = Respond(recorded);
        context.Response.StatusCode = answer.StatusCode;
        context.Response.ContentType = answer.ContentType;
        context.Response.Headers["x-amzn-RequestId"] = "recorded-" + Guid.NewGuid().ToString("N");
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(answer.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
