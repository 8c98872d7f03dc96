using Notify.Core.Events;

namespace Notify.Core.Users;

/// <summary>Quiet hours in the user's IANA time zone; <c>Start</c> after <c>End</c> spans midnight (22:00–07:00).</summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End, string TimeZone);

/// <summary>Opt-in per channel, overridden per event type. Nothing stored means all enabled (<see cref="IsDefault"/>).</summary>
public sealed record Preferences(
    IReadOnlyDictionary<Channel, bool> Channels,
    IReadOnlyDictionary<string, IReadOnlyDictionary<Channel, bool>> EventTypes,
    QuietHours? QuietHours,
    bool IsDefault,
    DateTimeOffset? UpdatedAt)
{
    public static Preferences Default { get; } = new(
        Enum.GetValues<Channel>().ToDictionary(c => c, _ => true),
        new Dictionary<string, IReadOnlyDictionary<Channel, bool>>(),
        QuietHours: null,
        IsDefault: true,
        UpdatedAt: null);

    /// <summary>The event type's override wins over the channel default; a channel named nowhere is enabled.</summary>
    public bool Allows(string eventType, Channel channel) =>
        EventTypes.TryGetValue(eventType, out var overrides) && overrides.TryGetValue(channel, out var specific)
            ? specific
            : !Channels.TryGetValue(channel, out var general) || general;
}

/// <summary>How to reach a user. Phone is E.164; locale a BCP 47 tag; time zone an IANA id.</summary>
public sealed record Contact(string? Email, string? Phone, string? Locale, string? TimeZone, DateTimeOffset UpdatedAt);

public enum PushPlatform
{
    Fcm,
    Apns,
    ApnsSandbox,
}

/// <summary>A push token registered as an SNS platform endpoint.</summary>
public sealed record Device(string DeviceId, PushPlatform Platform, string Token, string EndpointArn, bool Enabled, DateTimeOffset CreatedAt);

/// <summary>Everything the worker needs about a user, read in one query.</summary>
public sealed record UserProfile(string UserId, Contact? Contact, Preferences Preferences, IReadOnlyList<Device> Devices, int UnreadCount);

public interface IUserStore
{
    Task<UserProfile> GetProfileAsync(string userId, CancellationToken cancellationToken);

    Task<Preferences> GetPreferencesAsync(string userId, CancellationToken cancellationToken);

    Task<Preferences> PutPreferencesAsync(string userId, Preferences preferences, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Contact?> GetContactAsync(string userId, CancellationToken cancellationToken);

    Task<Contact> PutContactAsync(string userId, Contact contact, CancellationToken cancellationToken);

    Task<bool> DeleteContactAsync(string userId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Device>> ListDevicesAsync(string userId, CancellationToken cancellationToken);

    Task PutDeviceAsync(string userId, Device device, CancellationToken cancellationToken);

    Task<Device?> DeleteDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken);

    /// <summary>Marks a device disabled (its endpoint was disabled or invalidated by the provider); false when it is gone.</summary>
    Task<bool> DisableDeviceAsync(string userId, string deviceId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Registers push tokens with the provider (SNS platform endpoints) and removes them.</summary>
public interface IPushEndpointRegistry
{
    Task<string> RegisterAsync(string userId, PushPlatform platform, string token, CancellationToken cancellationToken);

    Task RemoveAsync(string endpointArn, CancellationToken cancellationToken);
}
