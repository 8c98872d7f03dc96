using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// Building and reading attribute values. Timestamps are stored as fixed-width UTC strings
/// (<c>2026-11-21T16:05:00.0000000Z</c>) so that string order is time order in sort keys and key conditions.
/// </summary>
internal static class DynamoAttributes
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Bool(bool value) => new() { BOOL = value };

    public static AttributeValue Time(DateTimeOffset value) => S(FormatTime(value));

    public static string FormatTime(DateTimeOffset value) => value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.ParseExact(value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static AttributeValue Json<T>(T value) => S(JsonSerializer.Serialize(value, Core.NotifyJson.Options));

    public static long EpochSeconds(DateTimeOffset value) => value.ToUnixTimeSeconds();

    /// <summary>Adds the attribute only when the value is present: DynamoDB rejects empty strings in keys, and absent reads as null.</summary>
    public static void SetIfPresent(this Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            item[name] = S(value);
        }
    }

    public static void SetIfPresent(this Dictionary<string, AttributeValue> item, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            item[name] = Time(v);
        }
    }

    public static string String(this Dictionary<string, AttributeValue> item, string name) =>
        item.OptionalString(name) ?? throw new InvalidDataException($"Item {Describe(item)} has no string attribute '{name}'.");

    public static string? OptionalString(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    public static long Long(this Dictionary<string, AttributeValue> item, string name, long fallback = 0) =>
        item.TryGetValue(name, out var value) && value.N is { } n ? long.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;

    public static bool Boolean(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.BOOL == true;

    public static DateTimeOffset TimeOf(this Dictionary<string, AttributeValue> item, string name) => ParseTime(item.String(name));

    public static DateTimeOffset? OptionalTime(this Dictionary<string, AttributeValue> item, string name) =>
        item.OptionalString(name) is { } s ? ParseTime(s) : null;

    public static Dictionary<string, AttributeValue>? Map(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.M : null;

    public static T FromJson<T>(this Dictionary<string, AttributeValue> item, string name) =>
        JsonSerializer.Deserialize<T>(item.String(name), Core.NotifyJson.Options)
        ?? throw new InvalidDataException($"Item {Describe(item)} holds null JSON in '{name}'.");

    /// <summary>The primary key of an item, for error messages (never its contents).</summary>
    public static string Describe(Dictionary<string, AttributeValue> item) =>
        $"{item.OptionalString(DynamoKeys.Pk) ?? "?"}/{item.OptionalString(DynamoKeys.Sk) ?? "?"}";
}
