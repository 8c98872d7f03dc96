using System.Text.Json;
using Notify.Core.Events;
using Notify.Core.Validation;

namespace Notify.Core.Users;

/// <summary>
/// Parses <c>PUT /api/users/{userId}/preferences</c>:
/// <c>{channels?: {email: true, ...}, eventTypes?: {"order.shipped": {sms: false}}, quietHours?: {start, end, timeZone} | null}</c>.
/// A PUT replaces the whole document; a channel named nowhere stays enabled.
/// </summary>
public static class PreferencesParser
{
    private static readonly string[] Members = ["channels", "eventTypes", "quietHours"];
    private static readonly string[] QuietHoursMembers = ["start", "end", "timeZone"];

    internal const string TimeOfDayRule = "must be a time of day as HH:mm (24-hour), e.g. 22:00";
    internal const string TimeZoneRule = "must be an IANA time zone id, e.g. Europe/Paris";

    public static ParseResult<Preferences> Parse(JsonElement body, DateTimeOffset now)
    {
        var reader = new FieldReader();
        if (reader.Object(body, "", Members) is not { } m)
        {
            return reader.Result<Preferences>(null);
        }

        var channels = ChannelSwitches(reader, m[0], "channels") ?? new Dictionary<Channel, bool>();
        var eventTypes = new Dictionary<string, IReadOnlyDictionary<Channel, bool>>(StringComparer.Ordinal);
        if (m[1].ValueKind == JsonValueKind.Object)
        {
            ReadEventTypes(reader, m[1], eventTypes);
        }
        else if (!FieldReader.IsAbsent(m[1]))
        {
            reader.Error("eventTypes", "must be a JSON object of eventType: {channel: true|false}");
        }

        var quietHours = QuietHoursField(reader, m[2]);
        return reader.Result(reader.HasErrors ? null : new Preferences(channels, eventTypes, quietHours, IsDefault: false, UpdatedAt: now));
    }

    private static void ReadEventTypes(FieldReader reader, JsonElement value, Dictionary<string, IReadOnlyDictionary<Channel, bool>> eventTypes)
    {
        var count = 0;
        foreach (var member in value.EnumerateObject())
        {
            var path = FieldReader.Path("eventTypes", member.Name);
            if (++count > IngestionLimits.MaxEventTypeOverrides)
            {
                reader.Error("eventTypes", $"must hold at most {IngestionLimits.MaxEventTypeOverrides} event types");
                return;
            }

            if (!FieldFormats.IsEventType(member.Name))
            {
                reader.Error(path, "is not a valid event type: " + EventSubmissionParser.EventTypeRule);
            }
            else if (eventTypes.ContainsKey(member.Name))
            {
                reader.Error(path, "duplicate field");
            }
            else if (ChannelSwitches(reader, member.Value, path) is { } switches)
            {
                eventTypes[member.Name] = switches;
            }
        }
    }

    private static Dictionary<Channel, bool>? ChannelSwitches(FieldReader reader, JsonElement value, string path)
    {
        if (FieldReader.IsAbsent(value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            reader.Error(path, "must be a JSON object of channel: true|false");
            return null;
        }

        var switches = new Dictionary<Channel, bool>();
        foreach (var member in value.EnumerateObject())
        {
            var memberPath = FieldReader.Path(path, member.Name);
            if (!WireNames.TryParseChannel(member.Name, out var channel))
            {
                reader.Error(memberPath, "unknown channel: " + EventSubmissionParser.ChannelRule);
            }
            else if (switches.ContainsKey(channel))
            {
                reader.Error(memberPath, "duplicate field");
            }
            else if (member.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                reader.Error(memberPath, "must be a boolean");
            }
            else
            {
                switches[channel] = member.Value.GetBoolean();
            }
        }

        return switches;
    }

    private static QuietHours? QuietHoursField(FieldReader reader, JsonElement value)
    {
        if (FieldReader.IsAbsent(value) || reader.Object(value, "quietHours", QuietHoursMembers) is not { } m)
        {
            return null;
        }

        var start = TimeOfDay(reader, m[0], "quietHours.start");
        var end = TimeOfDay(reader, m[1], "quietHours.end");
        var zone = reader.String(m[2], "quietHours.timeZone", required: true, FieldFormats.IsTimeZone, TimeZoneRule);
        if (start is not null && start == end)
        {
            reader.Error("quietHours.end", "must differ from start");
        }

        return start is { } s && end is { } e && zone is not null ? new QuietHours(s, e, zone) : null;
    }

    private static TimeOnly? TimeOfDay(FieldReader reader, JsonElement value, string path)
    {
        var text = reader.String(value, path, required: true);
        if (text is null)
        {
            return null;
        }

        if (!FieldFormats.TryParseTimeOfDay(text, out var time))
        {
            reader.Error(path, TimeOfDayRule);
            return null;
        }

        return time;
    }
}
