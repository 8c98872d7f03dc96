using System.Collections.Frozen;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Notify.Core.Events;

namespace Notify.Aws.DynamoDb;

/// <summary>Attribute names and key formats of the single table (docs/data-model.md is the reference).</summary>
internal static class DynamoKeys
{
    public const string Pk = "pk";
    public const string Sk = "sk";
    public const string Gsi1 = "gsi1";
    public const string Gsi1Pk = "gsi1pk";
    public const string Gsi1Sk = "gsi1sk";
    public const string DueIndex = "due";
    public const string DueBucket = "dueBucket";
    public const string DueAt = "dueAt";
    public const string Ttl = "ttl";

    public const string EventSk = "EVENT";
    public const string NotificationSkPrefix = "NTF#";
    public const string ContactSk = "CONTACT";
    public const string PreferencesSk = "PREFS";
    public const string DeviceSkPrefix = "DEV#";
    public const string InboxSk = "INBOX";
    public const string KeySk = "KEY";
    public const string DeadLetterSk = "DL";
    public const string SuppressionSk = "SUP";
    public const string StatsSk = "STATS";

    public const string TemplatesListing = "TEMPLATES";
    public const string KeysListing = "KEYS";
    public const string DeadLettersListing = "DEADLETTERS";
    public const string SuppressionsListing = "SUPPRESSIONS";

    public static Dictionary<string, AttributeValue> Of(string pk, string sk) => new(2, StringComparer.Ordinal)
    {
        [Pk] = new AttributeValue { S = pk },
        [Sk] = new AttributeValue { S = sk },
    };

    public static string Event(string eventId) => $"EVT#{eventId}";

    /// <summary>
    /// The <c>gsi1</c> partition listing the events accepted in one UTC hour, spread over <see cref="DueBuckets.Shards"/>
    /// shards like the due index so a burst of events has no hot index key: <c>EVENTS#2026112116#3</c>.
    /// </summary>
    public static string RecentEvents(DateTimeOffset hour, int shard) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"EVENTS#{hour.UtcDateTime:yyyyMMddHH}#{shard}");

    public static string Notification(Channel channel) => NotificationSkPrefix + SnakeCase<Channel>.Name(channel);

    public static string User(string userId) => $"USR#{userId}";

    public static string UserNotifications(string userId) => $"USR#{userId}#NTF";

    public static string Device(string deviceId) => DeviceSkPrefix + deviceId;

    public static string Template(string eventType) => $"TPL#{eventType}";

    public static string TemplateSk(Channel channel, string locale) => $"{SnakeCase<Channel>.Name(channel)}#{locale}";

    public static string Key(string secretHashHex) => $"KEY#{secretHashHex}";

    public static string DeadLetter(string id) => $"DL#{id}";

    public static string Suppression(Channel channel, string normalizedAddress) => $"SUP#{SnakeCase<Channel>.Name(channel)}#{normalizedAddress}";

    /// <summary>The delivery counts of the UTC minute that starts at <paramref name="minute"/>: <c>STATS#202611212230</c>.</summary>
    public static string Stats(DateTimeOffset minute) =>
        "STATS#" + minute.UtcDateTime.ToString("yyyyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Enum values as Notify's JSON writes them (<c>in_app</c>, <c>partially_failed</c>), so stored items read like the API.</summary>
internal static class SnakeCase<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> Names =
        Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

    private static readonly FrozenDictionary<string, TEnum> Values =
        Names.ToFrozenDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    public static string Name(TEnum value) => Names[value];

    public static TEnum Parse(string name) =>
        Values.TryGetValue(name, out var value) ? value : throw new InvalidDataException($"'{name}' is not a {typeof(TEnum).Name}.");

    public static bool TryParse(string name, out TEnum value) => Values.TryGetValue(name, out value);
}
