using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Notify.Aws.Tests.Wire;

/// <summary>
/// Asserts that two requests mean the same thing to AWS: same operation, same members, both correctly signed.
/// Differences AWS ignores are ignored: JSON key order and number spelling, form field order, query order,
/// and the headers each SDK adds for itself (user agent, invocation id, retry info, Content-Length).
/// </summary>
public static class WireAssert
{
    /// <summary>Headers that select the operation or the error format; every other header is the SDK's own business.</summary>
    private static readonly string[] SignificantHeaders = ["X-Amz-Target", "x-amzn-query-mode"];

    /// <param name="js">The request the official JS SDK sent.</param>
    /// <param name="notify">The request Notify sent for the same call.</param>
    /// <param name="signingService">The expected signing name (sqs, sns, ses); null accepts any, if both agree.</param>
    public static void Equivalent(RecordedRequest js, RecordedRequest notify, string? signingService = null)
    {
        var context = $"\n--- JS SDK ---\n{js}\n--- Notify ---\n{notify}";
        Assert.True(js.Method == notify.Method, $"Method differs: {js.Method} vs {notify.Method}{context}");
        Assert.True(js.Path == notify.Path, $"Path differs: {js.Path} vs {notify.Path}{context}");
        Assert.True(SameMultiset(FormPairs(js.Query.TrimStart('?')), FormPairs(notify.Query.TrimStart('?'))),
            $"Query differs: {js.Query} vs {notify.Query}{context}");

        AssertSameContentType(js.Header("Content-Type"), notify.Header("Content-Type"), context);
        foreach (var name in SignificantHeaders)
        {
            Assert.True(js.Header(name) == notify.Header(name), $"{name} differs: '{js.Header(name)}' vs '{notify.Header(name)}'{context}");
        }

        var difference = BodyDifference(js.Header("Content-Type"), js.Body, notify.Body);
        Assert.True(difference is null, $"Body differs: {difference}{context}");

        var jsAuth = AssertSigned(js, "JS SDK", signingService, context);
        var notifyAuth = AssertSigned(notify, "Notify", signingService ?? jsAuth.Service, context);
        // Region and service must agree; the dates may differ (the two calls can straddle midnight UTC).
        Assert.True(jsAuth.Scope[8..] == notifyAuth.Scope[8..], $"Credential scope differs: {jsAuth.Scope} vs {notifyAuth.Scope}{context}");
    }

    /// <summary>
    /// The request carries a SigV4 Authorization for AKIDEXAMPLE in us-east-1 whose scope date is its X-Amz-Date,
    /// and its signature verifies with the independent implementation and, when it can express the signed
    /// header set, with AWSSDK.Core's signer. A signed payload hash must be the body's.
    /// </summary>
    public static SigV4Authorization AssertSigned(RecordedRequest request, string who, string? signingService, string context = "")
    {
        var auth = SigV4Authorization.Parse(request.Header("Authorization"));
        var amzDate = request.Header("X-Amz-Date") ?? string.Empty;
        Assert.True(auth.AccessKey == RecordingServer.AccessKey && auth.Region == "us-east-1" && amzDate.StartsWith(auth.Date, StringComparison.Ordinal),
            $"{who}: unexpected credential scope {auth.AccessKey}/{auth.Scope} for X-Amz-Date {amzDate}{context}");
        if (signingService is not null)
        {
            Assert.True(auth.Service == signingService, $"{who}: signed for service '{auth.Service}', expected '{signingService}'{context}");
        }

        Assert.True(auth.SignedHeaders.Contains("host") && auth.SignedHeaders.Contains("x-amz-date"), $"{who}: host and x-amz-date must be signed{context}");
        if (request.Header("x-amz-content-sha256") is { } payloadHash)
        {
            Assert.True(payloadHash == Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(request.Body)),
                $"{who}: x-amz-content-sha256 is not the hash of the body{context}");
        }

        var independent = SigV4.SignIndependently(request, RecordingServer.SecretKey);
        Assert.True(independent == auth.Signature, $"{who}: signature does not verify (recomputed {independent}){context}");

        if (SigV4.SignWithAwsSdk(request, RecordingServer.AccessKey, RecordingServer.SecretKey) is { } bySdk)
        {
            Assert.True(bySdk == request.Header("Authorization"), $"{who}: AWSSDK.Core's signer computes '{bySdk}'{context}");
        }

        return auth;
    }

    /// <summary>
    /// Same media type and parameters. A charset given on one side only is ignored: AWS decodes these bodies as
    /// UTF-8 either way and the SDKs differ in whether they say so; two different charsets still fail.
    /// </summary>
    private static void AssertSameContentType(string? js, string? notify, string context)
    {
        Assert.True((js is null) == (notify is null), $"Content-Type present on one side only: '{js}' vs '{notify}'{context}");
        if (js is null || notify is null)
        {
            return;
        }

        var a = MediaTypeHeaderValue.Parse(js);
        var b = MediaTypeHeaderValue.Parse(notify);
        Assert.True(string.Equals(a.MediaType, b.MediaType, StringComparison.OrdinalIgnoreCase), $"Content-Type differs: '{js}' vs '{notify}'{context}");
        Assert.True(a.CharSet is null || b.CharSet is null || string.Equals(a.CharSet, b.CharSet, StringComparison.OrdinalIgnoreCase),
            $"Content-Type charset differs: '{js}' vs '{notify}'{context}");
        var others = (MediaTypeHeaderValue m) => m.Parameters.Where(p => !p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            .Select(p => $"{p.Name.ToLowerInvariant()}={p.Value}").Order(StringComparer.Ordinal);
        Assert.True(others(a).SequenceEqual(others(b)), $"Content-Type parameters differ: '{js}' vs '{notify}'{context}");
    }

    /// <summary>Null when the bodies are equivalent for their media type, else a description of the first difference.</summary>
    public static string? BodyDifference(string? contentType, byte[] a, byte[] b)
    {
        var mediaType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType).MediaType;
        switch (mediaType)
        {
            case "application/x-amz-json-1.0" or "application/x-amz-json-1.1" or "application/json" when a.Length > 0 && b.Length > 0:
                return JsonDifference("$", JsonNode.Parse(a), JsonNode.Parse(b));
            case "application/x-www-form-urlencoded":
                var (fa, fb) = (FormPairs(Encoding.UTF8.GetString(a)), FormPairs(Encoding.UTF8.GetString(b)));
                return SameMultiset(fa, fb) ? null
                    : $"form fields only in JS: [{string.Join(", ", fa.Except(fb))}], only in Notify: [{string.Join(", ", fb.Except(fa))}]";
            default:
                return a.AsSpan().SequenceEqual(b) ? null : $"bytes differ ({a.Length} vs {b.Length} bytes)";
        }
    }

    /// <summary>Structural JSON comparison: object key order is irrelevant, numbers compare by value.</summary>
    private static string? JsonDifference(string path, JsonNode? a, JsonNode? b)
    {
        switch (a, b)
        {
            case (null, null):
                return null;
            case (JsonObject oa, JsonObject ob):
                foreach (var key in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)))
                {
                    if (!oa.ContainsKey(key) || !ob.ContainsKey(key))
                    {
                        return $"{path}.{key} present only in {(oa.ContainsKey(key) ? "JS" : "Notify")}";
                    }

                    if (JsonDifference($"{path}.{key}", oa[key], ob[key]) is { } d)
                    {
                        return d;
                    }
                }

                return null;
            case (JsonArray xa, JsonArray xb):
                if (xa.Count != xb.Count)
                {
                    return $"{path}: {xa.Count} vs {xb.Count} items";
                }

                return Enumerable.Range(0, xa.Count).Select(i => JsonDifference($"{path}[{i}]", xa[i], xb[i])).FirstOrDefault(d => d is not null);
            case (JsonValue va, JsonValue vb) when va.GetValueKind() == System.Text.Json.JsonValueKind.Number && vb.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                return va.GetValue<decimal>() == vb.GetValue<decimal>() ? null : $"{path}: {va} vs {vb}";
            default:
                return a?.ToJsonString() == b?.ToJsonString() ? null : $"{path}: {a?.ToJsonString() ?? "null"} vs {b?.ToJsonString() ?? "null"}";
        }
    }

    /// <summary>Decoded name=value pairs of a form or query string ('+' is a space).</summary>
    public static List<string> FormPairs(string encoded) =>
        [.. encoded.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .Select(kv => $"{WebUtility.UrlDecode(kv[0])}={(kv.Length > 1 ? WebUtility.UrlDecode(kv[1]) : string.Empty)}")];

    private static bool SameMultiset(List<string> a, List<string> b) =>
        a.Order(StringComparer.Ordinal).SequenceEqual(b.Order(StringComparer.Ordinal), StringComparer.Ordinal);
}
