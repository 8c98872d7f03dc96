using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Notify.Core.Validation;

namespace Notify.Core.Events;

/// <summary>
/// The idempotency fingerprint of a submission: SHA-256 (lowercase hex) of a canonical JSON form. Member order,
/// whitespace, string escapes, the order of <c>channels</c>, a timestamp's offset notation and absent-vs-null do not
/// change it, so a retried request is recognised as the same body (200 duplicate); any changed value does (409).
/// </summary>
public static class EventFingerprint
{
    // Bumped when the canonical form changes, so fingerprints of different forms can never be confused.
    private const string Version = "notify-event-v1";

    public static string Compute(EventSubmission submission)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("v", Version);
            writer.WriteString("eventId", submission.EventId);
            writer.WriteString("eventType", submission.EventType);
            writer.WriteString("userId", submission.UserId);
            writer.WritePropertyName("payload");
            WriteCanonical(writer, submission.Payload);
            writer.WriteString("priority", submission.Priority switch { Priority.High => "high", Priority.Low => "low", _ => null });
            writer.WritePropertyName("channels");
            if (submission.Channels is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStartArray();
                foreach (var channel in submission.Channels.Distinct().Order())
                {
                    writer.WriteStringValue(channel.ToWire());
                }

                writer.WriteEndArray();
            }

            writer.WriteString("sendAt", Instant(submission.SendAt));
            writer.WriteString("notAfter", Instant(submission.NotAfter));
            writer.WriteString("email", submission.Recipient?.Email);
            writer.WriteString("phone", submission.Recipient?.Phone);
            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static string? Instant(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in value.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    WriteCanonical(writer, member.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                // Decoded and re-encoded: "\u0041" and "A" are the same value.
                writer.WriteStringValue(value.GetString());
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(value.GetRawText(), skipInputValidation: true);
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.WriteBooleanValue(value.GetBoolean());
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
