using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Users;

namespace Notify.Aws.Channels.Push;

/// <summary>
/// The SNS message of a push, per platform. Published with <c>MessageStructure=json</c>: a JSON object whose <c>default</c>
/// member is the plain text and whose platform member (<c>GCM</c>, <c>APNS</c>, <c>APNS_SANDBOX</c>) is the provider's own
/// payload as a JSON string. FCM gets the HTTP v1 shape SNS forwards as is (<c>fcmV1Message</c>); APNs gets <c>aps</c> with an
/// alert. Priority travels inside the FCM payload and, for APNs, as SNS message attributes (APNs reads it from a header).
/// </summary>
public static class PushPayloads
{
    public const string MessageStructure = "json";
    public const string ApnsPriorityAttribute = "AWS.SNS.MOBILE.APNS.PRIORITY";
    public const string ApnsPushTypeAttribute = "AWS.SNS.MOBILE.APNS.PUSH_TYPE";

    // Relaxed escaping keeps non-ASCII text as UTF-8 instead of \uXXXX: APNs counts bytes against a 4 KB payload.
    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The SNS <c>Message</c> for <paramref name="message"/>'s platform.</summary>
    public static string Message(PushMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (key, payload) = message.Platform switch
        {
            PushPlatform.Fcm => ("GCM", Fcm(message)),
            PushPlatform.Apns => ("APNS", Apns(message)),
            PushPlatform.ApnsSandbox => ("APNS_SANDBOX", Apns(message)),
            _ => throw new ArgumentOutOfRangeException(nameof(message), message.Platform, "Unknown push platform."),
        };
        return Json(w =>
        {
            w.WriteString("default", message.Body);
            w.WriteString(key, payload);
        });
    }

    /// <summary>The SNS message attributes (string values) for <paramref name="message"/>'s platform; none for FCM.</summary>
    public static IReadOnlyDictionary<string, string> Attributes(PushMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Platform is PushPlatform.Apns or PushPlatform.ApnsSandbox
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            {
                // 10 is delivered at once and may wake the device; 5 is delivered when it suits the device's power.
                [ApnsPriorityAttribute] = message.Priority == Priority.High ? "10" : "5",
                [ApnsPushTypeAttribute] = "alert",
            }
            : new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private static string Fcm(PushMessage message) => Json(w =>
    {
        w.WriteStartObject("fcmV1Message");
        w.WriteStartObject("message");
        w.WriteStartObject("notification");
        if (message.Title is not null)
        {
            w.WriteString("title", message.Title);
        }

        w.WriteString("body", message.Body);
        w.WriteEndObject();
        w.WriteStartObject("android");
        w.WriteString("priority", message.Priority == Priority.High ? "high" : "normal");
        w.WriteEndObject();
        w.WriteStartObject("data");
        w.WriteString("eventId", message.EventId);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static string Apns(PushMessage message) => Json(w =>
    {
        w.WriteStartObject("aps");
        w.WriteStartObject("alert");
        if (message.Title is not null)
        {
            w.WriteString("title", message.Title);
        }

        w.WriteString("body", message.Body);
        w.WriteEndObject();
        w.WriteString("sound", "default");
        w.WriteEndObject();
        w.WriteString("eventId", message.EventId);
    });

    private static string Json(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Writer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
