using System.Net;
using System.Text;
using Notify.Aws.Http;

namespace Notify.Aws.Tests.Sns;

/// <summary>One request as it left the client, after signing.</summary>
internal sealed record SentRequest(HttpMethod Method, Uri Uri, string? ContentType, string Body)
{
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

/// <summary>
/// Answers every request with one canned response and records what was sent, so tests pin the exact wire form
/// of a request and the parsing of an answer without a server.
/// </summary>
internal sealed class RecordingHandler(HttpStatusCode status, string contentType, string body) : HttpMessageHandler
{
    public List<SentRequest> Requests { get; } = [];

    public SentRequest Single => Assert.Single(Requests);

    /// <summary>Sent as <c>x-amzn-ErrorType</c>, where REST JSON services name the error.</summary>
    public string? ErrorType { get; set; }

    public static RecordingHandler Xml(string body, HttpStatusCode status = HttpStatusCode.OK) => new(status, "text/xml", body);

    public static RecordingHandler Json(string body, HttpStatusCode status = HttpStatusCode.OK) => new(status, "application/json", body);

    /// <summary>A connection whose only route is this handler; one attempt, so error answers surface at once.</summary>
    public static AwsConnection Connection { get; } = AwsConnection.ForLocal(new Uri("http://aws.wire.test/"));

    public static AwsRetryOptions NoRetry { get; } = new() { MaxAttempts = 1 };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new SentRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.ToString(), sent));
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        response.Headers.Add("x-amzn-RequestId", "req-1");
        if (ErrorType is not null)
        {
            response.Headers.Add("x-amzn-ErrorType", ErrorType);
        }
        return response;
    }
}
