using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.Aws.Http;

/// <summary>
/// Reads a boolean answered as JSON <c>true</c>/<c>false</c> or as the string <c>"true"</c>/<c>"false"</c>: the AWS
/// JSON protocols answer booleans, but emulators carried over from the Query protocol (moto's SQS SendMessageBatch,
/// for one) still send strings, and moto's SES v2 echoes a whole object where a boolean belongs. Anything else is
/// "unknown": null for a <see cref="Nullable{Boolean}"/> member, an error for a <see cref="bool"/> one, which has
/// no way to say so.
/// </summary>
internal sealed class LenientBooleanConverter : JsonConverterFactory
{
    private static readonly JsonConverter Required = new RequiredBoolean();
    private static readonly JsonConverter Optional = new OptionalBoolean();

    public override bool CanConvert(Type typeToConvert) => typeToConvert == typeof(bool) || typeToConvert == typeof(bool?);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        typeToConvert == typeof(bool) ? Required : Optional;

    private static bool? Read(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.String when bool.TryParse(reader.GetString(), out var value) => value,
        _ => null,
    };

    private sealed class RequiredBoolean : JsonConverter<bool>
    {
        public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            LenientBooleanConverter.Read(ref reader) ?? throw new JsonException($"Expected a boolean, got {reader.TokenType}.");

        public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
    }

    private sealed class OptionalBoolean : JsonConverter<bool?>
    {
        public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = LenientBooleanConverter.Read(ref reader);
            if (value is null)
            {
                // Step over an object or array so the rest of the answer still reads.
                reader.Skip();
            }

            return value;
        }

        public override void Write(Utf8JsonWriter writer, bool? value, JsonSerializerOptions options)
        {
            if (value is { } v)
            {
                writer.WriteBooleanValue(v);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
