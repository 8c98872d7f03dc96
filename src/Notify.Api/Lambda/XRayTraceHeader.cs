using System.Buffers;

namespace Notify.Api.Lambda;

/// <summary>
/// The X-Ray trace header Lambda hands each invocation (<c>Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1</c>)
/// read as a W3C <c>traceparent</c>: an X-Ray trace id is the W3C one split after its 8-hex time part, and its
/// Parent is a span id, so the two formats name the same trace and a span can continue it.
/// </summary>
internal static class XRayTraceHeader
{
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// The <c>traceparent</c> of <paramref name="header"/>; null when the header is missing, malformed or has no
    /// Parent (W3C has no parentless form). <c>Sampled=1</c> becomes flags 01; anything else 00, so a parent-based
    /// sampler follows X-Ray's decision.
    /// </summary>
    public static string? ToTraceParent(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        string? root = null, parent = null, sampled = null;
        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var value = part[(equals + 1)..].Trim();
            switch (part[..equals].Trim())
            {
                case "Root":
                    root = value;
                    break;
                case "Parent":
                    parent = value;
                    break;
                case "Sampled":
                    sampled = value;
                    break;
            }
        }

        // Root = "1-" + 8 hex (epoch seconds) + "-" + 24 hex.
        if (root is not { Length: 35 } || !root.StartsWith("1-", StringComparison.Ordinal) || root[10] != '-')
        {
            return null;
        }

        var traceId = string.Concat(root.AsSpan(2, 8), root.AsSpan(11, 24)).ToLowerInvariant();
        var spanId = parent?.ToLowerInvariant();
        if (!IsHex(traceId, 32) || spanId is null || !IsHex(spanId, 16) || IsAllZeros(traceId) || IsAllZeros(spanId))
        {
            return null;
        }

        return $"00-{traceId}-{spanId}-{(sampled == "1" ? "01" : "00")}";
    }

    private static bool IsHex(string value, int length) => value.Length == length && !value.AsSpan().ContainsAnyExcept(LowerHex);

    private static bool IsAllZeros(string value) => !value.AsSpan().ContainsAnyExcept('0');
}
