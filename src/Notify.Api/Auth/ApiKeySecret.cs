using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Notify.Core.Events;

namespace Notify.Api.Auth;

/// <summary>
/// API key secrets: 32 random bytes, base64url, behind a prefix that tells live from test keys at a glance (and lets
/// secret scanners spot a leaked one). Only the SHA-256 is ever stored: a key has 256 bits of entropy, so a fast
/// unsalted hash is as good as a slow one and keeps the lookup a single GetItem.
/// </summary>
internal static class ApiKeySecret
{
    public const string LivePrefix = "nfy_live_";
    public const string TestPrefix = "nfy_test_";

    /// <summary>Longer presented keys are rejected before hashing (ours are 52 characters).</summary>
    public const int MaxLength = 256;

    public static string Generate(KeyMode mode) =>
        (mode == KeyMode.Test ? TestPrefix : LivePrefix) + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string NewId() => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static byte[] Hash(ReadOnlySpan<char> key)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(key, utf8);
        var hash = SHA256.HashData(utf8[..length]);
        CryptographicOperations.ZeroMemory(utf8[..length]);
        return hash;
    }
}
