using System.Net;
using System.Text;
using System.Text.Json;
using Notify.Aws.Http;
using Notify.Aws.Sqs;

namespace Notify.Aws.Tests.Sqs;

/// <summary>One request the stub saw: the operation (from X-Amz-Target), the JSON body and the headers.</summary>
internal sealed record StubSqsCall(string Operation, JsonElement Body, string RawBody, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Answers SQS JSON calls from a script, without a network: lets tests pin the wire format and feed answers moto
/// never gives (corrupt digests, whole-call errors).
/// </summary>
internal sealed class StubSqsHandler(Func<StubSqsCall, (HttpStatusCode Status, string Json)> answer) : HttpMessageHandler
{
    public List<StubSqsCall> Calls { get; } = [];

    public static SqsClient Client(StubSqsHandler handler) =>
        new(AwsConnection.ForLocal(new Uri("http://sqs.stub.invalid/")), new AwsRetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.Zero }, handler);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var raw = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var target = headers.GetValueOrDefault("X-Amz-Target") ?? "";
        using var doc = JsonDocument.Parse(raw.Length == 0 ? "{}" : raw);
        var call = new StubSqsCall(target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..], doc.RootElement.Clone(), raw, headers);
        Calls.Add(call);

        var (status, json) = answer(call);
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.0") };
        if ((int)status >= 400)
        {
            using var error = JsonDocument.Parse(json);
            response.Headers.Add("x-amzn-ErrorType", error.RootElement.GetProperty("__type").GetString());
        }

        return response;
    }
}
