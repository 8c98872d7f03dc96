using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Notify.Core.Validation;

namespace Notify.Core.Events;

/// <summary>Parses and validates <c>POST /api/events</c> bodies (one event, or a batch) against <see cref="IngestionLimits"/>.</summary>
public static class EventSubmissionParser
{
    private static readonly string[] EventMembers = ["eventId", "eventType", "userId", "payload", "priority", "channels", "sendAt", "notAfter", "recipient"];
    private static readonly string[] RecipientMembers = ["email", "phone"];
    private static readonly string[] BatchMembers = ["events"];

    internal const string EventIdRule = FieldFormats.EventIdRule;
    internal const string EventTypeRule = FieldFormats.EventTypeRule;
    internal const string UserIdRule = FieldFormats.UserIdRule;
    internal const string EmailRule = "must be an email address (local@domain.tld), at most 254 characters, without a display name";
    internal const string PhoneRule = "must be an E.164 number: '+' then 7-15 digits, e.g. +33612345678";
    internal const string ChannelRule = "must be one of " + WireNames.ChannelList;

    private static readonly JsonWriterOptions CompactWriter = new()
    {
        // The size that counts is the one stored and enqueued, written with Notify's encoder.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>One event. <paramref name="now"/> bounds <c>sendAt</c> and <c>notAfter</c>.</summary>
    public static ParseResult<EventSubmission> Parse(JsonElement body, DateTimeOffset now)
    {
        var reader = new FieldReader();
        var submission = Read(reader, body, now);
        return reader.Result(submission);
    }

    /// <summary>
    /// A batch body <c>{"events": [...]}</c>. The outer result fails only for the batch's shape (not an object, no
    /// events, more than <see cref="IngestionLimits.BatchMaxEvents"/>); each item then has its own result, with
    /// error keys relative to the item, so valid items can proceed.
    /// </summary>
    public static ParseResult<IReadOnlyList<ParseResult<EventSubmission>>> ParseBatch(JsonElement body, DateTimeOffset now)
    {
        var reader = new FieldReader();
        var members = reader.Object(body, "", BatchMembers);
        if (members is null || reader.Array(members[0], "events", required: true) is not { } events)
        {
            return reader.Result<IReadOnlyList<ParseResult<EventSubmission>>>(null);
        }

        var count = events.GetArrayLength();
        if (count == 0)
        {
            reader.Error("events", "must hold at least one event");
        }
        else if (count > IngestionLimits.BatchMaxEvents)
        {
            reader.Error("events", $"must hold at most {IngestionLimits.BatchMaxEvents} events");
        }

        if (reader.HasErrors)
        {
            return reader.Result<IReadOnlyList<ParseResult<EventSubmission>>>(null);
        }

        var items = new List<ParseResult<EventSubmission>>(count);
        foreach (var item in events.EnumerateArray())
        {
            items.Add(Parse(item, now));
        }

        return reader.Result<IReadOnlyList<ParseResult<EventSubmission>>>(items);
    }

    private static EventSubmission? Read(FieldReader reader, JsonElement body, DateTimeOffset now)
    {
        if (reader.Object(body, "", EventMembers) is not { } m)
        {
            return null;
        }

        var eventId = reader.String(m[0], "eventId", required: true, FieldFormats.IsEventId, EventIdRule);
        var eventType = reader.String(m[1], "eventType", required: true, FieldFormats.IsEventType, EventTypeRule);
        var userId = reader.String(m[2], "userId", required: true, FieldFormats.IsUserId, UserIdRule);
        var payload = Payload(reader, m[3]);
        var priority = PriorityField(reader, m[4]);
        var channels = Channels(reader, m[5]);
        var sendAt = reader.Timestamp(m[6], "sendAt");
        var notAfter = reader.Timestamp(m[7], "notAfter");
        var recipient = RecipientField(reader, m[8]);

        if (sendAt > now + IngestionLimits.MaxScheduleAhead)
        {
            reader.Error("sendAt", $"must be at most {IngestionLimits.MaxScheduleAhead.TotalDays:0} days ahead");
        }

        if (notAfter is { } deadline)
        {
            if (deadline <= now)
            {
                reader.Error("notAfter", "must be in the future");
            }
            else if (sendAt is { } start && !reader.HasError("sendAt") && deadline <= start)
            {
                reader.Error("notAfter", "must be after sendAt");
            }
        }

        return reader.HasErrors
            ? null
            : new EventSubmission(eventId!, eventType!, userId!, payload!.Value, priority, channels, sendAt, notAfter, recipient);
    }

    private static JsonElement? Payload(FieldReader reader, JsonElement value)
    {
        if (FieldReader.IsAbsent(value))
        {
            reader.Error("payload", "is required");
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            reader.Error("payload", "must be a JSON object");
            return null;
        }

        if (!WithinDepth(value, IngestionLimits.PayloadMaxDepth))
        {
            reader.Error("payload", $"must not nest deeper than {IngestionLimits.PayloadMaxDepth} levels");
            return null;
        }

        var size = CompactSize(value);
        if (size > IngestionLimits.PayloadMaxBytes)
        {
            reader.Error("payload", $"must be at most {IngestionLimits.PayloadMaxBytes} bytes serialized (is {size})");
            return null;
        }

        // The request's document is disposed after parsing; the submission outlives it.
        return value.Clone();
    }

    private static bool WithinDepth(JsonElement value, int levels)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (levels == 0)
                {
                    return false;
                }

                foreach (var member in value.EnumerateObject())
                {
                    if (!WithinDepth(member.Value, levels - 1))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                if (levels == 0)
                {
                    return false;
                }

                foreach (var item in value.EnumerateArray())
                {
                    if (!WithinDepth(item, levels - 1))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private static long CompactSize(JsonElement value)
    {
        using var counter = new CountingBufferWriter();
        using (var writer = new Utf8JsonWriter(counter, CompactWriter))
        {
            value.WriteTo(writer);
        }

        return counter.Count;
    }

    private static Priority? PriorityField(FieldReader reader, JsonElement value)
    {
        var text = reader.String(value, "priority", required: false);
        if (text is null)
        {
            return null;
        }

        if (!WireNames.TryParsePriority(text, out var priority))
        {
            reader.Error("priority", "must be high or low");
            return null;
        }

        return priority;
    }

    private static IReadOnlyList<Channel>? Channels(FieldReader reader, JsonElement value)
    {
        if (reader.Array(value, "channels", required: false) is not { } array)
        {
            return null;
        }

        var count = array.GetArrayLength();
        if (count == 0)
        {
            reader.Error("channels", "must name at least one channel");
            return null;
        }

        if (count > IngestionLimits.MaxChannels)
        {
            reader.Error("channels", $"must name at most {IngestionLimits.MaxChannels} channels");
            return null;
        }

        var channels = new List<Channel>(count);
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = FieldReader.Index("channels", index++);
            if (item.ValueKind != JsonValueKind.String || !WireNames.TryParseChannel(item.GetString(), out var channel))
            {
                reader.Error(path, ChannelRule);
            }
            else if (channels.Contains(channel))
            {
                reader.Error(path, "duplicate channel");
            }
            else
            {
                channels.Add(channel);
            }
        }

        return channels;
    }

    private static Recipient? RecipientField(FieldReader reader, JsonElement value)
    {
        if (FieldReader.IsAbsent(value))
        {
            return null;
        }

        if (reader.Object(value, "recipient", RecipientMembers) is not { } m)
        {
            return null;
        }

        var email = reader.String(m[0], "recipient.email", required: false, FieldFormats.IsEmail, EmailRule);
        var phone = reader.String(m[1], "recipient.phone", required: false, FieldFormats.IsPhone, PhoneRule);
        if (FieldReader.IsAbsent(m[0]) && FieldReader.IsAbsent(m[1]))
        {
            reader.Error("recipient", "must have an email or a phone");
        }

        return new Recipient(email, phone);
    }

    /// <summary>Counts what a writer produces without keeping it (the bytes land in one pooled scratch buffer).</summary>
    private sealed class CountingBufferWriter : IBufferWriter<byte>, IDisposable
    {
        private byte[] scratch = ArrayPool<byte>.Shared.Rent(4096);

        public long Count { get; private set; }

        public void Advance(int count) => Count += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

        public void Dispose() => ArrayPool<byte>.Shared.Return(scratch);

        private byte[] Scratch(int sizeHint)
        {
            if (sizeHint > scratch.Length)
            {
                ArrayPool<byte>.Shared.Return(scratch);
                scratch = ArrayPool<byte>.Shared.Rent(sizeHint);
            }

            return scratch;
        }
    }
}
