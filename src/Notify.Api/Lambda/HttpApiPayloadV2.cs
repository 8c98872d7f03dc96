using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Notify.Api.Lambda;

/// <summary>
/// API Gateway HTTP API payload format 2.0 to ASP.NET Core and back, as Amazon.Lambda.AspNetCoreServer's
/// <c>APIGatewayHttpApiV2ProxyFunction</c> does it (that package is not in this registry). Pure functions: the
/// server (<see cref="LambdaRuntimeServer"/>) owns the I/O.
/// </summary>
internal static class HttpApiPayloadV2
{
    public const string Version = "2.0";

    /// <summary>Reads an invocation's event; anything but a payload 2.0 request throws, and the invocation fails with it.</summary>
    public static APIGatewayHttpApiV2ProxyRequest Parse(ReadOnlySpan<byte> json)
    {
        var request = JsonSerializer.Deserialize(json, LambdaJson.Wire.APIGatewayHttpApiV2ProxyRequest)
                      ?? throw new JsonException("The event is JSON null, not an API Gateway request.");
        if (request.Version != Version)
        {
            throw new NotSupportedException(
                $"The event is not an API Gateway HTTP API payload version {Version} (version: '{request.Version ?? "none"}'); set the integration's payload format version to 2.0.");
        }

        if (request.RequestContext?.Http?.Method is not { Length: > 0 })
        {
            throw new JsonException("The event has no requestContext.http.method.");
        }

        return request;
    }

    /// <summary>
    /// The request as ASP.NET Core sees it. The path is decoded as Kestrel decodes it (every escape but <c>%2F</c>,
    /// which would change the path's segments), a named stage's prefix becomes the path base, cookies go back into
    /// one <c>Cookie</c> header, and <paramref name="traceParent"/>, when given, replaces the client's <c>traceparent</c>
    /// so the request's span continues the Lambda invocation's trace.
    /// </summary>
    public static HttpRequestFeature ToRequestFeature(APIGatewayHttpApiV2ProxyRequest request, string? traceParent)
    {
        var http = request.RequestContext?.Http;
        IHeaderDictionary headers = new HeaderDictionary();
        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
        {
            headers[name] = value;
        }

        if (request.Cookies is { Count: > 0 } cookies)
        {
            headers.Cookie = string.Join("; ", cookies);
        }

        if (!headers.ContainsKey(HeaderNames.Host) && request.RequestContext?.DomainName is { Length: > 0 } domain)
        {
            headers.Host = domain;
        }

        if (traceParent is not null)
        {
            headers[HeaderNames.TraceParent] = traceParent;
            // The client's trace state belongs to the client's trace, which this request no longer continues.
            headers.Remove(HeaderNames.TraceState);
        }

        // The decoded body is what the application reads, so its length is the one to announce.
        var body = BodyBytes(request);
        if (body.Length > 0 || headers.ContainsKey(HeaderNames.ContentLength))
        {
            headers.ContentLength = body.Length;
        }

        var rawPath = request.RawPath is { Length: > 0 } raw ? raw : http?.Path is { Length: > 0 } path ? path : "/";
        var (pathBase, pathValue) = SplitStage(DecodePath(rawPath), request.RequestContext?.Stage);
        var query = string.IsNullOrEmpty(request.RawQueryString) ? string.Empty : "?" + request.RawQueryString;
        return new HttpRequestFeature
        {
            Protocol = http?.Protocol is { Length: > 0 } protocol ? protocol : "HTTP/1.1",
            // API Gateway answers HTTPS only; it says so in X-Forwarded-Proto as well.
            Scheme = headers["X-Forwarded-Proto"] is [{ Length: > 0 } forwarded] ? forwarded : "https",
            Method = http!.Method!,
            // .Value, the decoded string: PathString's implicit conversion to string would escape it again.
            PathBase = pathBase.Value ?? string.Empty,
            Path = pathValue.Value ?? "/",
            QueryString = query,
            RawTarget = rawPath + query,
            Headers = headers,
            Body = new MemoryStream(body, writable: false),
        };
    }

    /// <summary>
    /// The answer to API Gateway: <c>Set-Cookie</c> values in <c>cookies</c>, other repeated headers comma-joined (the
    /// format has no multi-value headers), and the body as text when it is text in UTF-8, else base64.
    /// </summary>
    public static APIGatewayHttpApiV2ProxyResponse ToResponse(int statusCode, IHeaderDictionary headers, ReadOnlyMemory<byte> body)
    {
        var single = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        List<string>? cookies = null;
        foreach (var (name, values) in headers)
        {
            if (string.Equals(name, HeaderNames.SetCookie, StringComparison.OrdinalIgnoreCase))
            {
                (cookies ??= []).AddRange(values.Where(v => !string.IsNullOrEmpty(v))!);
            }
            else if (!StringValues.IsNullOrEmpty(values))
            {
                single[name] = values.Count == 1 ? values[0]! : string.Join(",", values.ToArray());
            }
        }

        var isText = IsText(headers.ContentType, headers.ContentEncoding);
        return new APIGatewayHttpApiV2ProxyResponse
        {
            StatusCode = statusCode,
            Headers = single,
            Cookies = cookies,
            Body = body.IsEmpty ? null : isText ? Encoding.UTF8.GetString(body.Span) : Convert.ToBase64String(body.Span),
            IsBase64Encoded = !body.IsEmpty && !isText,
        };
    }

    /// <summary>
    /// Whether a body can travel as a JSON string unchanged: text (<c>text/*</c>, JSON and <c>+json</c> such as
    /// <c>application/problem+json</c>, XML, JavaScript, form data) in UTF-8 (or no charset) and not compressed.
    /// Everything else goes base64, which API Gateway decodes back to the same bytes.
    /// </summary>
    public static bool IsText(string? contentType, string? contentEncoding)
    {
        if (!string.IsNullOrEmpty(contentEncoding) && !contentEncoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }

        if (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                                   && !media.Charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
               || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
               || type.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
               || type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
               || type.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
               || type.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
               || type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Percent-decodes a raw path the way Kestrel does: UTF-8, <c>+</c> kept, <c>%2F</c> left encoded.</summary>
    public static PathString DecodePath(string rawPath) => PathString.FromUriComponent(rawPath);

    private static (PathString PathBase, PathString Path) SplitStage(PathString path, string? stage)
    {
        // A named stage prefixes every path (/prod/api/events); routing must not see it, links built from PathBase keep it.
        if (!string.IsNullOrEmpty(stage) && stage != "$default" && path.StartsWithSegments("/" + stage, StringComparison.Ordinal, out var rest))
        {
            return ("/" + stage, rest);
        }

        return (PathString.Empty, path);
    }

    private static byte[] BodyBytes(APIGatewayHttpApiV2ProxyRequest request) => request.Body switch
    {
        null or "" => [],
        // Throws FormatException on a broken body: the invocation fails rather than the API reading garbage.
        var text when request.IsBase64Encoded => Convert.FromBase64String(text),
        var text => Encoding.UTF8.GetBytes(text),
    };
}
