using Notify.Core.Events;
using Notify.Core.Keys;
using Notify.Core.Users;

namespace Notify.Core.Validation;

/// <summary>The JSON spellings of Notify's enums (snake_case, as <see cref="NotifyJson"/> writes them), parsed strictly.</summary>
public static class WireNames
{
    public const string ChannelList = "email, sms, push, in_app";

    public static string ToWire(this Channel channel) => channel switch
    {
        Channel.Email => "email",
        Channel.Sms => "sms",
        Channel.Push => "push",
        Channel.InApp => "in_app",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    public static bool TryParseChannel(string? value, out Channel channel)
    {
        (var ok, channel) = value switch
        {
            "email" => (true, Channel.Email),
            "sms" => (true, Channel.Sms),
            "push" => (true, Channel.Push),
            "in_app" => (true, Channel.InApp),
            _ => (false, default),
        };
        return ok;
    }

    public static bool TryParsePriority(string? value, out Priority priority)
    {
        (var ok, priority) = value switch
        {
            "high" => (true, Priority.High),
            "low" => (true, Priority.Low),
            _ => (false, default),
        };
        return ok;
    }

    public static bool TryParsePlatform(string? value, out PushPlatform platform)
    {
        (var ok, platform) = value switch
        {
            "fcm" => (true, PushPlatform.Fcm),
            "apns" => (true, PushPlatform.Apns),
            "apns_sandbox" => (true, PushPlatform.ApnsSandbox),
            _ => (false, default),
        };
        return ok;
    }

    public static bool TryParseKeyMode(string? value, out KeyMode mode)
    {
        (var ok, mode) = value switch
        {
            "live" => (true, KeyMode.Live),
            "test" => (true, KeyMode.Test),
            _ => (false, default),
        };
        return ok;
    }

    /// <summary>One scope name: <c>send</c>, <c>read</c> or <c>admin</c>.</summary>
    public static bool TryParseScope(string? value, out ApiScopes scope)
    {
        scope = value switch
        {
            "send" => ApiScopes.Send,
            "read" => ApiScopes.Read,
            "admin" => ApiScopes.Admin,
            _ => ApiScopes.None,
        };
        return scope != ApiScopes.None;
    }
}
