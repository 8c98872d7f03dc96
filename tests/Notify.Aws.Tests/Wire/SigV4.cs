using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Notify.Aws.Tests.Wire;

/// <summary>The parts of a SigV4 <c>Authorization</c> header.</summary>
public sealed record SigV4Authorization(string AccessKey, string Date, string Region, string Service, IReadOnlyList<string> SignedHeaders, string Signature)
{
    public string Scope => $"{Date}/{Region}/{Service}/aws4_request";

    public static SigV4Authorization Parse(string? header)
    {
        var m = Regex.Match(header ?? string.Empty,
            @"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$");
        Assert.True(m.Success, $"Not a SigV4 Authorization header: '{header}'");
        return new(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value.Split(';'), m.Groups[6].Value);
    }
}

/// <summary>
/// Recomputes the signature of a recorded request two ways: with an independent implementation of the
/// published algorithm (canonical request, string to sign, HMAC chain), and with AWSSDK.Core's public signer.
/// A signature that verifies proves the request left the client byte for byte as it was signed.
/// </summary>
public static class SigV4
{
    /// <summary>The published algorithm for a non-S3 service (paths encoded twice, payload always hashed).</summary>
    public static string Sign(
        string method, string rawPath, string rawQuery, Func<string, string?> header, IReadOnlyList<string> signedHeaders,
        byte[] body, string amzDate, string region, string service, string secretKey)
    {
        // Canonical URI: the wire path is encoded once more, segment by segment ("double encoding").
        var path = string.Join('/', (rawPath.Length == 0 ? "/" : rawPath).Split('/').Select(Uri.EscapeDataString));
        // Canonical query: decoded pairs ('+' is a space, as the services read it), re-encoded and sorted.
        var query = string.Join('&', rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(kv => (K: Encode(kv[0]), V: Encode(kv.Length > 1 ? kv[1] : string.Empty)))
            .OrderBy(kv => kv.K, StringComparer.Ordinal).ThenBy(kv => kv.V, StringComparer.Ordinal)
            .Select(kv => $"{kv.K}={kv.V}"));
        // Canonical headers: lower-case names as listed, values trimmed with inner runs of spaces collapsed.
        var headers = string.Concat(signedHeaders.Select(h => $"{h}:{Regex.Replace((header(h) ?? string.Empty).Trim(), " +", " ")}\n"));
        var canonical = $"{method}\n{path}\n{query}\n{headers}\n{string.Join(';', signedHeaders)}\n{Hex(SHA256.HashData(body))}";
        var scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { amzDate[..8], region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));

        static string Encode(string s) => Uri.EscapeDataString(Uri.UnescapeDataString(s.Replace("+", "%20", StringComparison.Ordinal)));
    }

    /// <summary>The signature the independent implementation computes for a recorded request.</summary>
    public static string SignIndependently(RecordedRequest request, string secretKey)
    {
        var auth = SigV4Authorization.Parse(request.Header("Authorization"));
        return Sign(request.Method, request.Path, request.Query, request.Header, auth.SignedHeaders, request.Body,
            request.Header("X-Amz-Date") ?? string.Empty, auth.Region, auth.Service, secretKey);
    }

    // AWSSDK.Core's signer never signs these (its AWS4Signer prunes them), while the JS SDK signs the first two.
    private static readonly HashSet<string> UnsignableByAwsSdk = new(StringComparer.OrdinalIgnoreCase)
    {
        "amz-sdk-invocation-id", "amz-sdk-request", "x-amzn-trace-id", "transfer-encoding",
    };

    /// <summary>
    /// The Authorization header AWSSDK.Core's public signer produces for the recorded request, or null when
    /// that signer cannot express the request's signed-header set: it refuses to sign <c>amz-sdk-*</c> headers
    /// (which the JS SDK signs) and always signs <c>x-amz-content-sha256</c> (which some signers leave out).
    /// </summary>
    public static string? SignWithAwsSdk(RecordedRequest request, string accessKey, string secretKey)
    {
        var auth = SigV4Authorization.Parse(request.Header("Authorization"));
        if (auth.SignedHeaders.Any(UnsignableByAwsSdk.Contains) || !auth.SignedHeaders.Contains("x-amz-content-sha256"))
        {
            return null;
        }

        var signing = new AWSSigningRequest
        {
            HttpMethod = new HttpMethod(request.Method),
            // The recorded Host is the URI authority; the scheme is not part of the signature.
            RequestUri = new Uri($"http://{request.Header("Host")}{request.Path}{request.Query}"),
            Content = request.Body,
        };
        // Host comes from the URI, X-Amz-Date from SignedAt and the payload hash from the body itself.
        foreach (var name in auth.SignedHeaders.Where(h => h is not ("host" or "x-amz-date" or "x-amz-content-sha256")))
        {
            signing.Headers[name] = request.Header(name) ?? string.Empty;
        }

        var signed = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
        {
            Credentials = new BasicAWSCredentials(accessKey, secretKey),
            Region = RegionEndpoint.GetBySystemName(auth.Region),
            Service = auth.Service,
            SignPayload = true,
            SignedAt = DateTime.ParseExact(request.Header("X-Amz-Date") ?? string.Empty, "yyyyMMdd'T'HHmmss'Z'",
                CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        });
        return signed.Headers["Authorization"];
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
