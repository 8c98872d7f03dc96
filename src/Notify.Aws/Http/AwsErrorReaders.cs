using System.Net.Http.Headers;
using System.Text.Json;
using System.Xml.Linq;

namespace Notify.Aws.Http;

/// <summary>The parts of an AWS error response that every protocol carries, in its own shape.</summary>
public readonly record struct AwsErrorDetails(string Code, string Message, string? RequestId, string? QueryErrorCode = null);

/// <summary>Reads an error response in one wire protocol.</summary>
public interface IAwsErrorReader
{
    AwsErrorDetails Read(HttpResponseHeaders headers, byte[] body);
}

/// <summary>
/// AWS JSON 1.0/1.1 and REST JSON errors: the code is in <c>x-amzn-ErrorType</c> or the body's <c>__type</c>/<c>code</c>,
/// possibly prefixed by a namespace (<c>com.amazonaws.sqs#QueueDoesNotExist</c>) or suffixed by a URL (<c>Code:http://…</c>).
/// </summary>
public sealed class JsonErrorReader : IAwsErrorReader
{
    public static readonly JsonErrorReader Instance = new();

    public AwsErrorDetails Read(HttpResponseHeaders headers, byte[] body)
    {
        string? code = headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null;
        string? message = null;
        if (body.Length > 0)
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in doc.RootElement.EnumerateObject())
                    {
                        if (property.Value.ValueKind != JsonValueKind.String)
                        {
                            continue;
                        }

                        switch (property.Name)
                        {
                            case "__type" or "code" or "Code":
                                code ??= property.Value.GetString();
                                break;
                            case "message" or "Message" or "errorMessage":
                                message ??= property.Value.GetString();
                                break;
                        }
                    }
                }
            }
            catch (JsonException)
            {
                message ??= Truncate(System.Text.Encoding.UTF8.GetString(body));
            }
        }

        var queryError = headers.TryGetValues("x-amzn-query-error", out var q) ? q.FirstOrDefault() : null;
        return new AwsErrorDetails(
            Sanitize(code) ?? "Unknown",
            message ?? string.Empty,
            RequestIdOf(headers),
            queryError?.Split(';')[0]);
    }

    internal static string? Sanitize(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }

        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }

        var hash = code.LastIndexOf('#');
        return hash >= 0 ? code[(hash + 1)..] : code;
    }

    internal static string? RequestIdOf(HttpResponseHeaders headers) =>
        headers.TryGetValues("x-amzn-RequestId", out var a) ? a.FirstOrDefault()
        : headers.TryGetValues("x-amz-request-id", out var b) ? b.FirstOrDefault()
        : null;

    internal static string Truncate(string s) => s.Length <= 512 ? s : s[..512];
}

/// <summary>AWS Query protocol errors (SNS, SES v1): <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>.</summary>
public sealed class QueryXmlErrorReader : IAwsErrorReader
{
    public static readonly QueryXmlErrorReader Instance = new();

    public AwsErrorDetails Read(HttpResponseHeaders headers, byte[] body)
    {
        string? code = null, message = null, requestId = JsonErrorReader.RequestIdOf(headers);
        if (body.Length > 0)
        {
            try
            {
                var root = XDocument.Parse(System.Text.Encoding.UTF8.GetString(body)).Root;
                foreach (var e in root?.Descendants() ?? [])
                {
                    switch (e.Name.LocalName)
                    {
                        case "Code":
                            code ??= e.Value;
                            break;
                        case "Message":
                            message ??= e.Value;
                            break;
                        case "RequestId":
                            requestId ??= e.Value;
                            break;
                    }
                }
            }
            catch (System.Xml.XmlException)
            {
                message = JsonErrorReader.Truncate(System.Text.Encoding.UTF8.GetString(body));
            }
        }

        return new AwsErrorDetails(code ?? "Unknown", message ?? string.Empty, requestId);
    }
}
