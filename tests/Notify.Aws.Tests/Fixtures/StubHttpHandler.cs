using System.Net;
using System.Text;
using System.Text.Json;
using Notify.Aws.Http;

namespace Notify.Aws.Tests.Fixtures;

/// <summary>One request as it left a client, after signing.</summary>
internal sealed record StubRequest(HttpMethod Method, Uri Uri, string? ContentType, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The AWS JSON 1.0 operation, from <c>X-Amz-Target: {prefix}.{Operation}</c>.</summary>
    public string Operation => Headers.GetValueOrDefault("X-Amz-Target") is { } target ? target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..] : string.Empty;

    /// <summary>The JSON body; an empty body reads as <c>{}</c>.</summary>
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body.Length == 0 ? "{}" : Body);
            return document.RootElement.Clone();
        }
    }

    /// <summary>The form members of a Query request, decoded, in wire order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Form =>
        [.. Body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            return new KeyValuePair<string, string>(Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..]));
        })];

    /// <summary>The form members without the Action/Version preamble, as "name=value" lines for readable assertions.</summary>
    public string[] Members => [.. Form.Where(p => p.Key is not ("Action" or "Version")).Select(p => $"{p.Key}={p.Value}")];
}

/// <summary>A canned answer; <paramref name="ErrorType"/> is sent as <c>x-amzn-ErrorType</c>, where the JSON protocols name the error.</summary>
internal sealed record StubResponse(HttpStatusCode Status, string ContentType, string Body, string? ErrorType = null);

/// <summary>
/// Answers every request from a script and records what was sent, without a network: tests pin the exact wire
/// form of a request and the parsing of an answer, including answers a real endpoint never gives (corrupt
/// digests, whole-call errors, emulator quirks).
/// </summary>
internal sealed class StubHttpHandler(Func<StubRequest, StubResponse> answer) : HttpMessageHandler
{
    /// <summary>A connection whose only route is the handler passed to the client.</summary>
    public static AwsConnection Connection { get; } = AwsConnection.ForLocal(new Uri("http://aws.stub.invalid/"));

    /// <summary>Retries without delay: a test sees whether an answer is retried without waiting for the backoff.</summary>
    public static AwsRetryOptions Retry { get; } = new() { MaxAttempts = 3, BaseDelay = TimeSpan.Zero };

    public List<StubRequest> Requests { get; } = [];

    public StubRequest Single => Assert.Single(Requests);

    /// <summary>Answers every request with the same Query protocol XML.</summary>
    public static StubHttpHandler Xml(string body, HttpStatusCode status = HttpStatusCode.OK) => new(_ => new(status, "text/xml", body));

    /// <summary>Answers every request with one successful Query protocol answer, <c>{Action}Response/{Action}Result</c> in the service's namespace.</summary>
    public static StubHttpHandler QueryResult(string xmlns, string action, string result) => Xml(
        $"<{action}Response xmlns=\"{xmlns}\"><{action}Result>{result}</{action}Result>" +
        $"<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></{action}Response>");

    /// <summary>Answers every request with the same REST JSON (SES v2).</summary>
    public static StubHttpHandler Json(string body, HttpStatusCode status = HttpStatusCode.OK, string? errorType = null) =>
        new(_ => new(status, "application/json", body, errorType));

    /// <summary>
    /// Answers AWS JSON 1.0 (SQS) per request. An error answer names its type in <c>x-amzn-ErrorType</c> too,
    /// taken from the body's <c>__type</c>, as SQS does.
    /// </summary>
    public static StubHttpHandler AmzJson(Func<StubRequest, (HttpStatusCode Status, string Json)> answer) => new(request =>
    {
        var (status, json) = answer(request);
        if ((int)status < 400)
        {
            return new(status, "application/x-amz-json-1.0", json);
        }

        using var error = JsonDocument.Parse(json);
        return new(status, "application/x-amz-json-1.0", json, error.RootElement.GetProperty("__type").GetString());
    });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var sent = new StubRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.ToString(), headers, body);
        Requests.Add(sent);

        var (status, contentType, answerBody, errorType) = answer(sent);
        var response = new HttpResponseMessage(status) { Content = new StringContent(answerBody, Encoding.UTF8, contentType) };
        response.Headers.Add("x-amzn-RequestId", "req-1");
        if (errorType is not null)
        {
            response.Headers.Add("x-amzn-ErrorType", errorType);
        }

        return response;
    }
}
