using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Notify.Core.Validation;

namespace Notify.Core.Users;

/// <summary>A <c>POST /api/users/{userId}/devices</c> body.</summary>
public sealed record DeviceRegistration(string? DeviceId, PushPlatform Platform, string Token)
{
    /// <summary>
    /// The given device id, else one derived from platform and token, so registering the same token again updates
    /// one device instead of adding another.
    /// </summary>
    public string ResolvedDeviceId => DeviceId ?? "t-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Platform}:{Token}")))[..32];
}

/// <summary>Parses <c>{deviceId?, platform: fcm|apns|apns_sandbox, token}</c>.</summary>
public static class DeviceRegistrationParser
{
    private static readonly string[] Members = ["deviceId", "platform", "token"];

    public static ParseResult<DeviceRegistration> Parse(JsonElement body)
    {
        var reader = new FieldReader();
        if (reader.Object(body, "", Members) is not { } m)
        {
            return reader.Result<DeviceRegistration>(null);
        }

        var deviceId = reader.String(m[0], "deviceId", required: false, FieldFormats.IsDeviceId, "must be 1-128 characters of A-Z a-z 0-9 . _ : -");
        var platformName = reader.String(m[1], "platform", required: true);
        var platform = default(PushPlatform);
        if (platformName is not null && !WireNames.TryParsePlatform(platformName, out platform))
        {
            reader.Error("platform", "must be one of fcm, apns, apns_sandbox");
        }

        var token = reader.String(m[2], "token", required: true, FieldFormats.IsDeviceToken,
            $"must be 1-{IngestionLimits.DeviceTokenMaxLength} printable ASCII characters without spaces");

        return reader.Result(reader.HasErrors ? null : new DeviceRegistration(deviceId, platform, token!));
    }
}
