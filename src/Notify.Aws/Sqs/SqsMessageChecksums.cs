// This file exists because AWSSDK.SQS is missing from this build's package registry. The official SDKs verify
// the MD5 digests SQS returns for every sent and received message (the .NET SDK's ValidationResponseHandler),
// catching bodies or attributes corrupted between the caller and the queue; SqsClient does the same with the
// digest encoding documented in the SQS Developer Guide ("Calculating the MD5 message digest for message attributes").
// MD5 here is an integrity check fixed by the SQS protocol, not a security measure.
#pragma warning disable CA5351 // Do not use broken cryptographic algorithms: the protocol defines MD5.

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Notify.Aws.Sqs;

/// <summary>The MD5 digests SQS computes over a message body and its (system) attributes, as lowercase hex.</summary>
public static class SqsMessageChecksums
{
    // Transport type byte of the attribute encoding: String and Number values travel as UTF-8 text, Binary as raw bytes.
    private const byte StringTransport = 1;
    private const byte BinaryTransport = 2;

    public static string Md5OfBody(string body) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)));

    /// <summary>The digest of <c>MD5OfMessageAttributes</c>, or null when there are no attributes (SQS then sends none).</summary>
    public static string? Md5OfMessageAttributes(IReadOnlyDictionary<string, MessageAttributeValue>? attributes) =>
        Md5OfAttributes(attributes?.Select(a => (a.Key, a.Value.DataType, a.Value.StringValue, a.Value.BinaryValue)));

    /// <summary>The digest of <c>MD5OfMessageSystemAttributes</c>, or null when there are none.</summary>
    public static string? Md5OfMessageSystemAttributes(IReadOnlyDictionary<string, MessageSystemAttributeValue>? attributes) =>
        Md5OfAttributes(attributes?.Select(a => (a.Key, a.Value.DataType, a.Value.StringValue, a.Value.BinaryValue)));

    /// <summary>
    /// For each attribute in ordinal name order: length-prefixed name, length-prefixed data type, one transport byte,
    /// length-prefixed value. Lengths are 4-byte big-endian; text is UTF-8.
    /// </summary>
    private static string? Md5OfAttributes(IEnumerable<(string Name, string? DataType, string? StringValue, byte[]? BinaryValue)>? attributes)
    {
        var sorted = attributes?.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        if (sorted is null || sorted.Count == 0)
        {
            return null;
        }

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var (name, dataType, stringValue, binaryValue) in sorted)
        {
            AppendLengthPrefixed(md5, Encoding.UTF8.GetBytes(name));
            AppendLengthPrefixed(md5, Encoding.UTF8.GetBytes(dataType ?? string.Empty));
            if (IsBinary(dataType))
            {
                md5.AppendData([BinaryTransport]);
                AppendLengthPrefixed(md5, binaryValue ?? []);
            }
            else
            {
                md5.AppendData([StringTransport]);
                AppendLengthPrefixed(md5, Encoding.UTF8.GetBytes(stringValue ?? string.Empty));
            }
        }

        return Convert.ToHexStringLower(md5.GetHashAndReset());
    }

    internal static bool IsBinary(string? dataType) => dataType?.StartsWith("Binary", StringComparison.Ordinal) == true;

    private static void AppendLengthPrefixed(IncrementalHash md5, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        md5.AppendData(length);
        md5.AppendData(bytes);
    }

    /// <summary>Checks the digests SQS answered for one sent message; null when they all match.</summary>
    internal static SqsChecksumMismatchException? CheckSent(
        string? entryId,
        string? messageId,
        string? body,
        Dictionary<string, MessageAttributeValue>? attributes,
        Dictionary<string, MessageSystemAttributeValue>? systemAttributes,
        string? md5OfBody,
        string? md5OfAttributes,
        string? md5OfSystemAttributes) =>
        Mismatch(entryId, messageId, "MD5OfMessageBody", Md5OfBody(body ?? string.Empty), md5OfBody)
        // Like the SDKs, attribute digests are checked only when attributes were sent: SQS omits them otherwise.
        ?? (attributes is { Count: > 0 } ? Mismatch(entryId, messageId, "MD5OfMessageAttributes", Md5OfMessageAttributes(attributes)!, md5OfAttributes) : null)
        // The system-attribute digest is newer and not answered everywhere (moto omits it); as the current SDKs do, it is
        // checked when answered.
        ?? (systemAttributes is { Count: > 0 } && md5OfSystemAttributes is not null
            ? Mismatch(entryId, messageId, "MD5OfMessageSystemAttributes", Md5OfMessageSystemAttributes(systemAttributes)!, md5OfSystemAttributes)
            : null);

    /// <summary>Checks one received message's body and (returned) attribute digests; null when they match.</summary>
    internal static SqsChecksumMismatchException? CheckReceived(Message message) =>
        Mismatch(null, message.MessageId, "MD5OfBody", Md5OfBody(message.Body ?? string.Empty), message.MD5OfBody)
        ?? (message.MessageAttributes.Count > 0
            ? Mismatch(null, message.MessageId, "MD5OfMessageAttributes", Md5OfMessageAttributes(message.MessageAttributes)!, message.MD5OfMessageAttributes)
            : null);

    private static SqsChecksumMismatchException? Mismatch(string? entryId, string? messageId, string field, string computed, string? answered) =>
        string.Equals(computed, answered, StringComparison.OrdinalIgnoreCase) ? null : new SqsChecksumMismatchException(field, messageId, entryId, computed, answered);
}

/// <summary>
/// SQS answered a digest that does not match what was sent or received: the message was altered in transit.
/// Not retried, since a resend may duplicate a message that did arrive intact.
/// </summary>
public sealed class SqsChecksumMismatchException : Exception
{
    public SqsChecksumMismatchException(string field, string? messageId, string? entryId, string expected, string? actual)
        : base($"SQS {field} mismatch for message {messageId ?? "(no id)"}{(entryId is null ? "" : $" (batch entry {entryId})")}: computed {expected}, service answered {actual ?? "nothing"}.")
    {
        Field = field;
        MessageId = messageId;
        EntryId = entryId;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The digest that did not match: <c>MD5OfMessageBody</c>, <c>MD5OfBody</c>, <c>MD5OfMessageAttributes</c>…</summary>
    public string Field { get; }

    public string? MessageId { get; }

    /// <summary>The caller's batch entry id (SendMessageBatch only).</summary>
    public string? EntryId { get; }

    /// <summary>The digest computed locally.</summary>
    public string Expected { get; }

    /// <summary>The digest SQS answered.</summary>
    public string? Actual { get; }
}
