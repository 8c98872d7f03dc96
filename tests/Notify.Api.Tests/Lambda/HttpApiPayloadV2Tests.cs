using System.Text;
using Microsoft.AspNetCore.Http;
using Notify.Api.Lambda;

namespace Notify.Api.Tests.Lambda;

/// <summary>The bridge's pure mapping between API Gateway payload 2.0 and ASP.NET Core's request and response.</summary>
public sealed class HttpApiPayloadV2Tests
{
    [Fact]
    public void Should_read_method_path_query_headers_and_source_from_a_recorded_event()
    {
        var apiEvent = HttpApiPayloadV2.Parse(Encoding.UTF8.GetBytes(RecordedEvents.Load("list-events.json")));

        var request = HttpApiPayloadV2.ToRequestFeature(apiEvent, traceParent: null);

        Assert.Equal("GET", request.Method);
        Assert.Equal("https", request.Scheme);
        Assert.Equal("HTTP/1.1", request.Protocol);
        Assert.Equal(string.Empty, request.PathBase);
        Assert.Equal("/api/events", request.Path);
        Assert.Equal("?limit=5&view=summary", request.QueryString);
        Assert.Equal("/api/events?limit=5&view=summary", request.RawTarget);
        Assert.Equal("r3pmxmplak.execute-api.us-east-1.amazonaws.com", request.Headers.Host);
        Assert.Equal("Bearer " + Fixtures.ApiFixture.AdminKey, request.Headers.Authorization);
        Assert.Equal("203.0.113.24", apiEvent.RequestContext!.Http!.SourceIp);
        Assert.Equal(0, request.Body.Length);
    }

    [Theory]
    [InlineData("/api/events/lambda-order%3A8412", "/api/events/lambda-order:8412")]
    [InlineData("/api/users/J%C3%BCrgen/contact", "/api/users/Jürgen/contact")]
    [InlineData("/api/templates/a%20b/email/en", "/api/templates/a b/email/en")]
    // Kestrel leaves %2F encoded: decoding it would add a path segment the client did not send.
    [InlineData("/api/events/a%2Fb", "/api/events/a%2Fb")]
    // '+' is a plus in a path (only form encoding makes it a space).
    [InlineData("/api/events/a+b", "/api/events/a+b")]
    public void Should_decode_the_raw_path_as_kestrel_does(string rawPath, string expected)
    {
        var request = HttpApiPayloadV2.ToRequestFeature(Event(rawPath: rawPath), traceParent: null);

        Assert.Equal(expected, request.Path);
        Assert.Equal(rawPath, request.RawTarget);
    }

    [Fact]
    public void Should_move_a_named_stage_from_the_path_to_the_path_base()
    {
        var request = HttpApiPayloadV2.ToRequestFeature(Event(rawPath: "/prod/api/events", stage: "prod"), traceParent: null);

        Assert.Equal("/prod", request.PathBase);
        Assert.Equal("/api/events", request.Path);
    }

    [Fact]
    public void Should_join_the_cookies_array_into_one_cookie_header()
    {
        var request = HttpApiPayloadV2.ToRequestFeature(Event(cookies: ["notify_dashboard=abc", "theme=dark"]), traceParent: null);

        Assert.Equal("notify_dashboard=abc; theme=dark", request.Headers.Cookie);
    }

    [Fact]
    public void Should_decode_a_base64_body_and_announce_its_decoded_length()
    {
        var bytes = new byte[] { 0, 1, 2, 0xFF, 0xFE };

        var request = HttpApiPayloadV2.ToRequestFeature(
            Event(body: Convert.ToBase64String(bytes), base64: true, headers: new() { ["content-length"] = "8" }), traceParent: null);

        using var read = new MemoryStream();
        request.Body.CopyTo(read);
        Assert.Equal(bytes, read.ToArray());
        Assert.Equal(5, request.Headers.ContentLength);
    }

    [Fact]
    public void Should_replace_the_clients_trace_context_with_the_invocations()
    {
        const string Lambda = "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01";
        var apiEvent = Event(headers: new()
        {
            ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ["tracestate"] = "vendor=client",
        });

        var request = HttpApiPayloadV2.ToRequestFeature(apiEvent, Lambda);

        Assert.Equal(Lambda, request.Headers.TraceParent);
        Assert.False(request.Headers.ContainsKey("tracestate"));
    }

    [Fact]
    public void Should_refuse_an_event_of_another_payload_version()
    {
        var error = Assert.Throws<NotSupportedException>(() => HttpApiPayloadV2.Parse(Encoding.UTF8.GetBytes(RecordedEvents.Load("rest-api-v1.json"))));

        Assert.Contains("'1.0'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_return_set_cookies_in_the_cookies_array_and_join_other_repeated_headers_with_commas()
    {
        var headers = new HeaderDictionary
        {
            ["Set-Cookie"] = new(["a=1; path=/", "b=2; path=/dashboard; httponly"]),
            ["Vary"] = new(["Accept", "Accept-Encoding"]),
            ["Content-Type"] = "application/json; charset=utf-8",
        };

        var response = HttpApiPayloadV2.ToResponse(201, headers, Encoding.UTF8.GetBytes("""{"ok":true}"""));

        Assert.Equal(201, response.StatusCode);
        Assert.Equal(["a=1; path=/", "b=2; path=/dashboard; httponly"], response.Cookies);
        Assert.False(response.Headers!.ContainsKey("Set-Cookie"));
        Assert.Equal("Accept,Accept-Encoding", response.Headers["Vary"]);
        Assert.Equal("""{"ok":true}""", response.Body);
        Assert.False(response.IsBase64Encoded);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8", null, true)]
    [InlineData("application/problem+json", null, true)]
    [InlineData("text/html; charset=utf-8", null, true)]
    [InlineData("text/plain; version=0.0.4", null, true)]
    [InlineData("text/javascript", null, true)]
    [InlineData("image/svg+xml", null, true)]
    [InlineData("application/javascript", null, true)]
    [InlineData("image/png", null, false)]
    [InlineData("application/octet-stream", null, false)]
    [InlineData("application/json", "gzip", false)]
    [InlineData("text/plain; charset=iso-8859-1", null, false)]
    [InlineData(null, null, false)]
    public void Should_send_text_as_text_and_everything_else_as_base64(string? contentType, string? contentEncoding, bool text)
    {
        Assert.Equal(text, HttpApiPayloadV2.IsText(contentType, contentEncoding));
    }

    [Fact]
    public void Should_base64_encode_a_binary_body_so_api_gateway_restores_the_same_bytes()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00 };

        var response = HttpApiPayloadV2.ToResponse(200, new HeaderDictionary { ["Content-Type"] = "image/png" }, png);

        Assert.True(response.IsBase64Encoded);
        Assert.Equal(png, Convert.FromBase64String(response.Body!));
    }

    [Fact]
    public void Should_send_no_body_for_an_empty_response()
    {
        var response = HttpApiPayloadV2.ToResponse(204, new HeaderDictionary(), ReadOnlyMemory<byte>.Empty);

        Assert.Null(response.Body);
        Assert.False(response.IsBase64Encoded);
    }

    private static APIGatewayHttpApiV2ProxyRequest Event(
        string rawPath = "/api/events",
        string? stage = "$default",
        IReadOnlyList<string>? cookies = null,
        Dictionary<string, string>? headers = null,
        string? body = null,
        bool base64 = false) =>
        new()
        {
            Version = "2.0",
            RawPath = rawPath,
            RawQueryString = string.Empty,
            Cookies = cookies,
            Headers = headers ?? [],
            Body = body,
            IsBase64Encoded = base64,
            RequestContext = new()
            {
                DomainName = "r3pmxmplak.execute-api.us-east-1.amazonaws.com",
                Stage = stage,
                Http = new() { Method = body is null ? "GET" : "POST", Path = rawPath, Protocol = "HTTP/1.1", SourceIp = "203.0.113.24" },
            },
        };
}
