using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.Aws.Ses.V2;

/// <summary>Source-generated (trim- and AOT-safe) serialization of the SES v2 shapes; unset members are left out.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SendEmailRequest))]
[JsonSerializable(typeof(SendEmailResponse))]
[JsonSerializable(typeof(CreateEmailIdentityRequest))]
[JsonSerializable(typeof(CreateEmailIdentityResponse))]
[JsonSerializable(typeof(GetEmailIdentityResponse))]
[JsonSerializable(typeof(DeleteEmailIdentityResponse))]
[JsonSerializable(typeof(ListEmailIdentitiesResponse))]
[JsonSerializable(typeof(CreateConfigurationSetRequest))]
[JsonSerializable(typeof(CreateConfigurationSetResponse))]
[JsonSerializable(typeof(GetConfigurationSetResponse))]
[JsonSerializable(typeof(DeleteConfigurationSetResponse))]
[JsonSerializable(typeof(ListConfigurationSetsResponse))]
[JsonSerializable(typeof(CreateConfigurationSetEventDestinationRequest))]
[JsonSerializable(typeof(CreateConfigurationSetEventDestinationResponse))]
[JsonSerializable(typeof(GetConfigurationSetEventDestinationsResponse))]
[JsonSerializable(typeof(GetAccountResponse))]
internal sealed partial class SesV2JsonContext : JsonSerializerContext;

/// <summary>
/// REST JSON timestamps are epoch seconds (fractional); ISO 8601 strings are accepted too, because emulators
/// (moto) send some timestamps that way. Values are UTC.
/// </summary>
internal sealed class AwsTimestampConverter : JsonConverter<DateTime?>
{
    public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => FromEpochSeconds(reader.GetDouble()),
        JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) => FromEpochSeconds(seconds),
        JsonTokenType.String => DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        _ => throw new JsonException($"Expected a timestamp, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            var utc = v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc);
            writer.WriteNumberValue((utc - DateTime.UnixEpoch).TotalMilliseconds / 1000d);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static DateTime FromEpochSeconds(double seconds) => DateTime.UnixEpoch.AddMilliseconds(Math.Round(seconds * 1000d));
}
