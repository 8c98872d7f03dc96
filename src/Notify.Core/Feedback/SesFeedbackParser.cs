using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Notify.Core.Feedback;

/// <summary>
/// Reads Amazon SES bounce, complaint and delivery notifications off the feedback queue. A body is either the SNS
/// envelope (<c>{"Type":"Notification","Message":"&lt;SES JSON&gt;",...}</c>, the subscription without raw message
/// delivery) or the SES JSON itself (raw delivery). Both SES shapes are read: identity notifications
/// (<c>notificationType</c>) and configuration set event publishing (<c>eventType</c>); they differ only in that
/// name and in the extra event types.
/// </summary>
public static class SesFeedbackParser
{
    /// <summary>Largest body read, in UTF-8 bytes: SQS's classic message size, far above any SES notification.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Diagnostic codes are remote servers' free text; the detail is stored with the notification, so it is clipped.</summary>
    public const int MaxDetailLength = 1024;

    private const int MaxQuotedLength = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 64,

        // Two "Message" or "messageId" members make a body mean whatever the reader picks; refuse it instead.
        AllowDuplicateProperties = false,
    };

    /// <summary>Parses one queue message body. Never throws: anything unreadable is <see cref="FeedbackParseResult.Malformed"/>.</summary>
    public static FeedbackParseResult Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return new FeedbackParseResult.Malformed("the body is empty");
        }

        // A char is at least one UTF-8 byte, so the length test spares counting an obviously oversized body.
        if (body.Length > MaxBodyBytes || Encoding.UTF8.GetByteCount(body) > MaxBodyBytes)
        {
            return new FeedbackParseResult.Malformed($"the body is larger than {MaxBodyBytes} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new FeedbackParseResult.Malformed("the body is not a JSON object");
            }

            // SES JSON has no "Type" member; every SNS message does.
            return root.TryGetProperty("Type", out var type) ? FromSnsEnvelope(root, type) : FromSes(root, "");
        }
        catch (JsonException e)
        {
            return new FeedbackParseResult.Malformed($"the body is not valid JSON{Position(e)}");
        }
        catch (ArgumentException)
        {
            // JsonDocument refuses text it cannot transcode to UTF-8 (a lone surrogate).
            return new FeedbackParseResult.Malformed("the body is not valid UTF-16 text");
        }
        catch (InvalidOperationException)
        {
            // JsonElement.GetString refuses an escaped lone surrogate ("\ud800") that the parser let through.
            return new FeedbackParseResult.Malformed("the body holds a string that is not valid UTF-16");
        }
    }

    private static FeedbackParseResult FromSnsEnvelope(JsonElement envelope, JsonElement type)
    {
        if (type.ValueKind != JsonValueKind.String)
        {
            return new FeedbackParseResult.Malformed("Type must be a string");
        }

        switch (type.GetString())
        {
            case "Notification":
                if (!envelope.TryGetProperty("Message", out var message) || message.ValueKind != JsonValueKind.String)
                {
                    return new FeedbackParseResult.Malformed("Message must be a string");
                }

                // The inner document is no larger than the body it came in, so the size bound already holds.
                JsonDocument inner;
                try
                {
                    inner = JsonDocument.Parse(message.GetString()!, DocumentOptions);
                }
                catch (JsonException e)
                {
                    return new FeedbackParseResult.Malformed($"Message is not valid JSON{Position(e)}");
                }

                using (inner)
                {
                    return inner.RootElement.ValueKind == JsonValueKind.Object
                        ? FromSes(inner.RootElement, "Message.")
                        : new FeedbackParseResult.Malformed("Message is not a JSON object");
                }

            // SNS sends these when the queue is (un)subscribed. Confirming is the deployment's job, not the consumer's:
            // a consumer that followed SubscribeURL would let anyone able to write to the queue subscribe it to a topic.
            case "SubscriptionConfirmation":
            case "UnsubscribeConfirmation":
                return new FeedbackParseResult.Ignored($"an SNS {type.GetString()} carries no feedback");

            default:
                return new FeedbackParseResult.Malformed($"Type '{Quote(type.GetString())}' is not an SNS message type");
        }
    }

    private static FeedbackParseResult FromSes(JsonElement ses, string prefix)
    {
        var reader = new Reader(prefix);

        // Identity notifications name the type notificationType; event publishing names it eventType.
        var type = ses.TryGetProperty("notificationType", out _)
            ? reader.String(ses, "", "notificationType", required: true)
            : reader.String(ses, "", "eventType", required: false);
        if (reader.Error is { } typeError)
        {
            return new FeedbackParseResult.Malformed(typeError);
        }

        return type switch
        {
            null => new FeedbackParseResult.Malformed($"{prefix}notificationType or {prefix}eventType is required"),
            "Bounce" => Bounce(ses, reader),
            "Complaint" => Complaint(ses, reader),
            "Delivery" => Delivery(ses, reader),

            // Send, Reject, Open, Click, Rendering Failure, DeliveryDelay, Subscription, and whatever SES adds later:
            // none says whether the mail reached the recipient for good. A DeliveryDelay is still being retried by
            // SES and ends in a Delivery or a Bounce; a Reject is about the content (a virus), not the address.
            _ => new FeedbackParseResult.Ignored($"an SES {Quote(type)} event carries no delivery outcome"),
        };
    }

    private static FeedbackParseResult Bounce(JsonElement ses, Reader reader)
    {
        var mail = Mail(ses, reader);
        var bounce = reader.Object(ses, "", "bounce");
        if (bounce is not { } b)
        {
            return reader.Malformed();
        }

        var bounceType = reader.String(b, "bounce", "bounceType", required: true);
        var subType = reader.String(b, "bounce", "bounceSubType", required: false);
        var at = reader.Timestamp(b, "bounce", "timestamp", required: false);
        var recipients = new List<string>();
        string? diagnostic = null;
        foreach (var (recipient, path) in reader.Objects(b, "bounce", "bouncedRecipients"))
        {
            if (reader.String(recipient, path, "emailAddress", required: true) is { } address)
            {
                recipients.Add(address);
            }

            // One detail per notification: the first server's words stand for all (SES splits bounces per
            // recipient more often than not, and Notify sends one recipient per message).
            var code = reader.String(recipient, path, "diagnosticCode", required: false);
            diagnostic ??= code;
        }

        // Only a bounce SES itself calls Permanent suppresses the address. Undetermined means SES could not tell why
        // the mail bounced: suppressing on a guess would silently stop mail to an address that may well work, while a
        // transient outcome costs at most another attempt that bounces again. A bounce type SES adds later is read
        // the same way, for the same reason.
        var kind = bounceType == "Permanent" ? FeedbackKind.PermanentBounce : FeedbackKind.TransientBounce;
        var detail = diagnostic is null ? subType ?? bounceType : $"{subType ?? bounceType}: {WithoutSmtpType(diagnostic)}";
        return Outcome(reader, kind, mail, recipients, at, "bounce.timestamp", detail);
    }

    private static FeedbackParseResult Complaint(JsonElement ses, Reader reader)
    {
        var mail = Mail(ses, reader);
        var complaint = reader.Object(ses, "", "complaint");
        if (complaint is not { } c)
        {
            return reader.Malformed();
        }

        var at = reader.Timestamp(c, "complaint", "timestamp", required: false);
        var recipients = new List<string>();
        foreach (var (recipient, path) in reader.Objects(c, "complaint", "complainedRecipients"))
        {
            if (reader.String(recipient, path, "emailAddress", required: true) is { } address)
            {
                recipients.Add(address);
            }
        }

        // The feedback type comes from the ISP's report and is often absent; the subtype says SES itself refused
        // the send because of an earlier complaint (OnAccountSuppressionList).
        var detail = reader.String(c, "complaint", "complaintFeedbackType", required: false)
            ?? reader.String(c, "complaint", "complaintSubType", required: false);
        return Outcome(reader, FeedbackKind.Complaint, mail, recipients, at, "complaint.timestamp", detail);
    }

    private static FeedbackParseResult Delivery(JsonElement ses, Reader reader)
    {
        var mail = Mail(ses, reader);
        var delivery = reader.Object(ses, "", "delivery");
        if (delivery is not { } d)
        {
            return reader.Malformed();
        }

        var at = reader.Timestamp(d, "delivery", "timestamp", required: false);
        var recipients = reader.Strings(d, "delivery", "recipients");
        var detail = reader.String(d, "delivery", "smtpResponse", required: false);
        return Outcome(reader, FeedbackKind.Delivered, mail, recipients, at, "delivery.timestamp", detail);
    }

    private static (string MessageId, DateTimeOffset? SentAt)? Mail(JsonElement ses, Reader reader)
    {
        if (reader.Object(ses, "", "mail") is not { } mail)
        {
            return null;
        }

        var messageId = reader.String(mail, "mail", "messageId", required: true);
        var sentAt = reader.Timestamp(mail, "mail", "timestamp", required: false);
        return messageId is null ? null : (messageId, sentAt);
    }

    private static FeedbackParseResult Outcome(
        Reader reader,
        FeedbackKind kind,
        (string MessageId, DateTimeOffset? SentAt)? mail,
        List<string> recipients,
        DateTimeOffset? at,
        string atPath,
        string? detail)
    {
        // The event's own timestamp is always sent today; the mail's send time is a fair stand-in if it ever is not.
        var occurredAt = at ?? mail?.SentAt;
        if (occurredAt is null)
        {
            reader.Fail(atPath, "is required");
        }

        if (reader.Error is not null || mail is not { } m || occurredAt is not { } when)
        {
            return reader.Malformed();
        }

        var distinct = recipients.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        return new FeedbackParseResult.Parsed(new ProviderFeedback(kind, m.MessageId, distinct, when, Clip(detail)));
    }

    /// <summary>
    /// Where the JSON broke, without quoting it: the exception's message repeats the offending text, which may be an
    /// address. Some failures (a duplicate member) have no position.
    /// </summary>
    private static string Position(JsonException e) =>
        e.LineNumber is { } line && e.BytePositionInLine is { } position
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {position + 1})")
            : "";

    /// <summary>Drops the RFC 3464 diagnostic type of an SMTP diagnostic code: <c>smtp; 550 5.1.1 user unknown</c>.</summary>
    private static string WithoutSmtpType(string diagnostic) =>
        diagnostic.StartsWith("smtp;", StringComparison.OrdinalIgnoreCase) ? diagnostic[5..].TrimStart() : diagnostic;

    private static string? Clip(string? detail) =>
        detail is null || detail.Length <= MaxDetailLength ? detail : detail[..MaxDetailLength];

    /// <summary>A value from the body, short enough to quote in a reason.</summary>
    private static string Quote(string? value) =>
        value is null ? "" : value.Length <= MaxQuotedLength ? value : string.Concat(value.AsSpan(0, MaxQuotedLength), "...");

    /// <summary>
    /// Reads typed members and keeps the first error under its JSON path. Every member read must have its documented
    /// JSON type; absent and <c>null</c> are the same for optional members. Members it does not read are ignored:
    /// SES reserves the right to add fields.
    /// </summary>
    private sealed class Reader(string prefix)
    {
        public string? Error { get; private set; }

        public void Fail(string path, string problem) => Error ??= $"{prefix}{path} {problem}";

        public FeedbackParseResult Malformed() =>
            new FeedbackParseResult.Malformed(Error ?? throw new InvalidOperationException("No error was recorded."));

        public JsonElement? Object(JsonElement parent, string parentPath, string name) =>
            Member(parent, parentPath, name, required: true, JsonValueKind.Object, "an object", out var value) ? value : null;

        public string? String(JsonElement parent, string parentPath, string name, bool required)
        {
            if (!Member(parent, parentPath, name, required, JsonValueKind.String, "a string", out var value))
            {
                return null;
            }

            var text = value.GetString();
            if (string.IsNullOrWhiteSpace(text))
            {
                if (required)
                {
                    Fail(Path(parentPath, name), "must not be empty");
                }

                return null;
            }

            return text;
        }

        public DateTimeOffset? Timestamp(JsonElement parent, string parentPath, string name, bool required)
        {
            if (!Member(parent, parentPath, name, required, JsonValueKind.String, "an ISO 8601 timestamp", out var value))
            {
                return null;
            }

            if (value.TryGetDateTimeOffset(out var timestamp))
            {
                return timestamp;
            }

            Fail(Path(parentPath, name), "must be an ISO 8601 timestamp");
            return null;
        }

        /// <summary>A non-empty array of objects, each with its path.</summary>
        public List<(JsonElement Item, string Path)> Objects(JsonElement parent, string parentPath, string name)
        {
            var items = new List<(JsonElement, string)>();
            var path = Path(parentPath, name);
            foreach (var (item, index) in Items(parent, parentPath, name))
            {
                var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");
                if (item.ValueKind != JsonValueKind.Object)
                {
                    Fail(itemPath, "must be an object");
                }
                else
                {
                    items.Add((item, itemPath));
                }
            }

            return items;
        }

        /// <summary>A non-empty array of non-empty strings.</summary>
        public List<string> Strings(JsonElement parent, string parentPath, string name)
        {
            var strings = new List<string>();
            var path = Path(parentPath, name);
            foreach (var (item, index) in Items(parent, parentPath, name))
            {
                var text = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                if (string.IsNullOrWhiteSpace(text))
                {
                    Fail(string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]"), "must be a non-empty string");
                }
                else
                {
                    strings.Add(text);
                }
            }

            return strings;
        }

        private IEnumerable<(JsonElement Item, int Index)> Items(JsonElement parent, string parentPath, string name)
        {
            if (!Member(parent, parentPath, name, required: true, JsonValueKind.Array, "an array", out var array))
            {
                return [];
            }

            if (array.GetArrayLength() == 0)
            {
                Fail(Path(parentPath, name), "must name at least one recipient");
                return [];
            }

            return array.EnumerateArray().Select((item, index) => (item, index));
        }

        private bool Member(
            JsonElement parent,
            string parentPath,
            string name,
            bool required,
            JsonValueKind kind,
            string expected,
            out JsonElement value)
        {
            if (!parent.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Fail(Path(parentPath, name), "is required");
                }

                return false;
            }

            if (value.ValueKind != kind)
            {
                Fail(Path(parentPath, name), $"must be {expected}");
                return false;
            }

            return true;
        }

        private static string Path(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";
    }
}
