using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Notify.Core.Events;
using Notify.Core.Resources;
using Notify.Core.Users;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// Everything about a user lives in one partition (<c>USR#{userId}</c>): <c>CONTACT</c>, <c>PREFS</c>, <c>DEV#{deviceId}</c>
/// and the <c>INBOX</c> counter, so the worker's <see cref="GetProfileAsync"/> is a single query.
/// </summary>
public sealed class DynamoUserStore : IUserStore
{
    private const string TimeOfDayFormat = "HH':'mm':'ss";

    private readonly IAmazonDynamoDB _dynamo;
    private readonly string _table;

    public DynamoUserStore(IAmazonDynamoDB dynamo, ResourceNaming naming)
    {
        ArgumentNullException.ThrowIfNull(naming);
        _dynamo = dynamo ?? throw new ArgumentNullException(nameof(dynamo));
        _table = naming.Table(NotifyResources.MainTable);
    }

    /// <summary>One query of the user's partition (eventually consistent: the worker's read, not the API's).</summary>
    public async Task<UserProfile> GetProfileAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        Contact? contact = null;
        var preferences = Preferences.Default;
        var devices = new List<Device>();
        var unread = 0;
        foreach (var item in await QueryUserAsync(userId, prefix: null, consistent: false, cancellationToken))
        {
            var sk = item.String(DynamoKeys.Sk);
            switch (sk)
            {
                case DynamoKeys.ContactSk:
                    contact = ToContact(item);
                    break;
                case DynamoKeys.PreferencesSk:
                    preferences = ToPreferences(item);
                    break;
                case DynamoKeys.InboxSk:
                    unread = (int)Math.Max(0, item.Long(DynamoNotificationStore.Unread));
                    break;
                default:
                    if (sk.StartsWith(DynamoKeys.DeviceSkPrefix, StringComparison.Ordinal))
                    {
                        devices.Add(ToDevice(item));
                    }

                    break;
            }
        }

        return new UserProfile(userId, contact, preferences, devices, unread);
    }

    public async Task<Preferences> GetPreferencesAsync(string userId, CancellationToken cancellationToken)
    {
        var item = await GetAsync(userId, DynamoKeys.PreferencesSk, cancellationToken);
        return item is null ? Preferences.Default : ToPreferences(item);
    }

    /// <summary>Replaces the stored preferences; the result is what was stored (<c>IsDefault</c> false, stamped <paramref name="now"/>).</summary>
    public async Task<Preferences> PutPreferencesAsync(string userId, Preferences preferences, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(preferences);
        var stored = preferences with { IsDefault = false, UpdatedAt = now };
        var item = DynamoKeys.Of(DynamoKeys.User(userId), DynamoKeys.PreferencesSk);
        item["channels"] = new AttributeValue { M = ToChannelMap(stored.Channels) };
        item["eventTypes"] = new AttributeValue
        {
            M = stored.EventTypes.ToDictionary(kv => kv.Key, kv => new AttributeValue { M = ToChannelMap(kv.Value) }, StringComparer.Ordinal),
        };
        if (stored.QuietHours is { } quiet)
        {
            item["quietHours"] = new AttributeValue
            {
                M = new()
                {
                    ["start"] = DynamoAttributes.S(quiet.Start.ToString(TimeOfDayFormat, CultureInfo.InvariantCulture)),
                    ["end"] = DynamoAttributes.S(quiet.End.ToString(TimeOfDayFormat, CultureInfo.InvariantCulture)),
                    ["timeZone"] = DynamoAttributes.S(quiet.TimeZone),
                },
            };
        }

        item["updatedAt"] = DynamoAttributes.Time(now);
        await _dynamo.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, cancellationToken);
        return stored;
    }

    public async Task<Contact?> GetContactAsync(string userId, CancellationToken cancellationToken)
    {
        var item = await GetAsync(userId, DynamoKeys.ContactSk, cancellationToken);
        return item is null ? null : ToContact(item);
    }

    public async Task<Contact> PutContactAsync(string userId, Contact contact, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(contact);
        var item = DynamoKeys.Of(DynamoKeys.User(userId), DynamoKeys.ContactSk);
        item.SetIfPresent("email", contact.Email);
        item.SetIfPresent("phone", contact.Phone);
        item.SetIfPresent("locale", contact.Locale);
        item.SetIfPresent("timeZone", contact.TimeZone);
        item["updatedAt"] = DynamoAttributes.Time(contact.UpdatedAt);
        await _dynamo.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, cancellationToken);
        return contact;
    }

    /// <summary>True when there was a contact to delete.</summary>
    public async Task<bool> DeleteContactAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var response = await _dynamo.DeleteItemAsync(
            new DeleteItemRequest { TableName = _table, Key = DynamoKeys.Of(DynamoKeys.User(userId), DynamoKeys.ContactSk), ReturnValues = ReturnValue.ALL_OLD },
            cancellationToken);
        return response.Attributes is { Count: > 0 };
    }

    public async Task<IReadOnlyList<Device>> ListDevicesAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var devices = new List<Device>();
        foreach (var item in await QueryUserAsync(userId, DynamoKeys.DeviceSkPrefix, consistent: true, cancellationToken))
        {
            devices.Add(ToDevice(item));
        }

        return devices;
    }

    /// <summary>Creates or replaces the device (keyed by its id within the user).</summary>
    public async Task PutDeviceAsync(string userId, Device device, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(device);
        var item = DynamoKeys.Of(DynamoKeys.User(userId), DynamoKeys.Device(device.DeviceId));
        item["deviceId"] = DynamoAttributes.S(device.DeviceId);
        item["platform"] = DynamoAttributes.S(SnakeCase<PushPlatform>.Name(device.Platform));
        item["token"] = DynamoAttributes.S(device.Token);
        item["endpointArn"] = DynamoAttributes.S(device.EndpointArn);
        item["enabled"] = DynamoAttributes.Bool(device.Enabled);
        item["createdAt"] = DynamoAttributes.Time(device.CreatedAt);
        await _dynamo.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, cancellationToken);
    }

    /// <summary>The deleted device (its endpoint ARN is for the caller to remove from SNS), or null when there was none.</summary>
    public async Task<Device?> DeleteDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        var response = await _dynamo.DeleteItemAsync(
            new DeleteItemRequest { TableName = _table, Key = DynamoKeys.Of(DynamoKeys.User(userId), DynamoKeys.Device(deviceId)), ReturnValues = ReturnValue.ALL_OLD },
            cancellationToken);
        return response.Attributes is { Count: > 0 } old ? ToDevice(old) : null;
    }

    /// <summary>Conditional on the device still existing, so a concurrent delete is not turned back into a half item.</summary>
    public async Task<bool> DisableDeviceAsync(string userId, string deviceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        var update = new DynamoUpdate().Set("enabled", DynamoAttributes.Bool(false)).Set("disabledAt", DynamoAttributes.Time(now));
        try
        {
            await _dynamo.UpdateItemAsync(
                update.ToRequest(_table, DynamoKeys.Of(DynamoKeys.User(userId), DynamoKeys.Device(deviceId)), $"attribute_exists({update.Name(DynamoKeys.Pk)})"),
                cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(string userId, string sk, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var response = await _dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = DynamoKeys.Of(DynamoKeys.User(userId), sk), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private Task<List<Dictionary<string, AttributeValue>>> QueryUserAsync(
        string userId, string? prefix, bool consistent, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":pk"] = DynamoAttributes.S(DynamoKeys.User(userId)) };
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#pk"] = DynamoKeys.Pk };
        var condition = "#pk = :pk";
        if (prefix is not null)
        {
            names["#sk"] = DynamoKeys.Sk;
            values[":prefix"] = DynamoAttributes.S(prefix);
            condition += " AND begins_with(#sk, :prefix)";
        }

        return _dynamo.QueryAllAsync(
            new QueryRequest
            {
                TableName = _table,
                KeyConditionExpression = condition,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
                ConsistentRead = consistent,
            },
            limit: null,
            cancellationToken);
    }

    private static Dictionary<string, AttributeValue> ToChannelMap(IReadOnlyDictionary<Channel, bool> channels) =>
        channels.ToDictionary(kv => SnakeCase<Channel>.Name(kv.Key), kv => DynamoAttributes.Bool(kv.Value), StringComparer.Ordinal);

    private static Dictionary<Channel, bool> FromChannelMap(Dictionary<string, AttributeValue>? map)
    {
        var channels = new Dictionary<Channel, bool>();
        foreach (var (name, value) in map ?? [])
        {
            if (SnakeCase<Channel>.TryParse(name, out var channel) && value.BOOL is { } enabled)
            {
                channels[channel] = enabled;
            }
        }

        return channels;
    }

    private static Preferences ToPreferences(Dictionary<string, AttributeValue> item)
    {
        QuietHours? quiet = null;
        if (item.Map("quietHours") is { } q)
        {
            quiet = new QuietHours(
                TimeOnly.ParseExact(q.String("start"), TimeOfDayFormat, CultureInfo.InvariantCulture),
                TimeOnly.ParseExact(q.String("end"), TimeOfDayFormat, CultureInfo.InvariantCulture),
                q.String("timeZone"));
        }

        var eventTypes = (item.Map("eventTypes") ?? []).ToDictionary(
            kv => kv.Key, kv => (IReadOnlyDictionary<Channel, bool>)FromChannelMap(kv.Value.M), StringComparer.Ordinal);
        return new Preferences(FromChannelMap(item.Map("channels")), eventTypes, quiet, IsDefault: false, item.OptionalTime("updatedAt"));
    }

    private static Contact ToContact(Dictionary<string, AttributeValue> item) =>
        new(item.OptionalString("email"), item.OptionalString("phone"), item.OptionalString("locale"), item.OptionalString("timeZone"), item.TimeOf("updatedAt"));

    private static Device ToDevice(Dictionary<string, AttributeValue> item) =>
        new(
            item.String("deviceId"),
            SnakeCase<PushPlatform>.Parse(item.String("platform")),
            item.String("token"),
            item.String("endpointArn"),
            item.Boolean("enabled"),
            item.TimeOf("createdAt"));
}
