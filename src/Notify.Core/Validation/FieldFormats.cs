using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Notify.Core.Validation;

/// <summary>The format checks behind <see cref="IngestionLimits"/>; also for route values (<c>{userId}</c>, <c>{eventId}</c>).</summary>
public static partial class FieldFormats
{
    /// <summary>The rules as the API states them in its problem details, next to the checks they describe.</summary>
    public const string EventIdRule = "must be 1-128 characters of A-Z a-z 0-9 . _ : -";

    public const string EventTypeRule = "must be 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit";

    public const string UserIdRule = "must be 1-128 characters of A-Z a-z 0-9 . _ : @ -";

    public const string DeviceIdRule = "must be 1-128 characters of A-Z a-z 0-9 . _ : -";

    public const string LocaleRule = "must be a BCP 47 language tag, e.g. fr or fr-CA";

    public static bool IsEventId(string value) => Whole(EventIdRegex(), value);

    public static bool IsEventType(string value) => Whole(EventTypeRegex(), value);

    public static bool IsUserId(string value) => Whole(UserIdRegex(), value);

    public static bool IsDeviceId(string value) => Whole(DeviceIdRegex(), value);

    public static bool IsPhone(string value) => Whole(PhoneRegex(), value);

    public static bool IsLocale(string value) => Whole(LocaleRegex(), value);

    /// <summary>Printable ASCII without spaces: FCM and APNs tokens never need more, and it keeps them safe to log-redact and store.</summary>
    public static bool IsDeviceToken(string value) =>
        value.Length is > 0 and <= IngestionLimits.DeviceTokenMaxLength && value.AsSpan().IndexOfAnyExceptInRange('!', '~') < 0;

    /// <summary>Key names are labels for humans: any text without control characters, not blank.</summary>
    public static bool IsKeyName(string value) =>
        value.Length is > 0 and <= IngestionLimits.KeyNameMaxLength && !string.IsNullOrWhiteSpace(value) && !value.Any(char.IsControl);

    /// <summary>
    /// An RFC 5322 addr-spec as mail providers accept it: a dot-atom local part (no quoted strings, no comments), one
    /// <c>@</c>, a DNS domain with at least one dot and a non-numeric top-level label; no display name, no spaces.
    /// </summary>
    public static bool IsEmail(string value)
    {
        if (value.Length is 0 or > IngestionLimits.EmailMaxLength)
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at is <= 0 or > 64 || at != value.LastIndexOf('@') || value.Length - at - 1 > 253)
        {
            return false;
        }

        if (!Whole(EmailLocalPartRegex(), value.AsSpan(0, at)) || !Whole(DomainRegex(), value.AsSpan(at + 1)))
        {
            return false;
        }

        // The regexes are the rule; MailAddress is the second opinion the SMTP stack will apply later.
        return MailAddress.TryCreate(value, out var parsed)
            && parsed.DisplayName.Length == 0
            && string.Equals(parsed.Address, value, StringComparison.Ordinal);
    }

    /// <summary>Canonical BCP 47 casing (<c>fr-ca</c> → <c>fr-CA</c>, <c>zh-hant</c> → <c>zh-Hant</c>) so template keys match.</summary>
    public static string NormalizeLocale(string locale)
    {
        var parts = locale.Split('-');
        parts[0] = parts[0].ToLowerInvariant();
        for (var i = 1; i < parts.Length; i++)
        {
            parts[i] = parts[i].Length switch
            {
                2 when char.IsAsciiLetter(parts[i][0]) => parts[i].ToUpperInvariant(),
                4 => char.ToUpperInvariant(parts[i][0]) + parts[i][1..].ToLowerInvariant(),
                _ => parts[i].ToLowerInvariant(),
            };
        }

        return string.Join('-', parts);
    }

    public static bool IsTimeZone(string value) => TryGetTimeZone(value, out _);

    /// <summary>Resolves an IANA id. Windows ids are refused although .NET maps them, so stored ids mean the same everywhere.</summary>
    public static bool TryGetTimeZone(string id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (id.Length is 0 or > IngestionLimits.TimeZoneMaxLength || !Whole(TimeZoneIdRegex(), id) || id.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        // The zone cache is case-insensitive once a zone is loaded, the files on disk are not: only exact ids are stable.
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) || !string.Equals(found.Id, id, StringComparison.Ordinal))
        {
            return false;
        }

        if (!TimeZoneInfo.TryConvertIanaIdToWindowsId(id, out _) && TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out _))
        {
            return false;
        }

        zone = found;
        return true;
    }

    /// <summary>ISO 8601 date and time with an explicit offset; a local time without offset is ambiguous and refused.</summary>
    public static bool TryParseTimestamp(string value, out DateTimeOffset timestamp)
    {
        timestamp = default;
        return Whole(TimestampRegex(), value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp);
    }

    /// <summary><c>HH:mm</c> on a 24-hour clock.</summary>
    public static bool TryParseTimeOfDay(string value, out TimeOnly time)
    {
        time = default;
        return Whole(TimeOfDayRegex(), value)
            && TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    public static string FormatTimeOfDay(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    // .NET's '$' also matches before a final '\n'; every alphabet here excludes '\n', so refusing it restores a full match.
    private static bool Whole(Regex regex, ReadOnlySpan<char> value) => !value.EndsWith("\n") && regex.IsMatch(value);

    [GeneratedRegex(IngestionLimits.EventIdPattern)]
    private static partial Regex EventIdRegex();

    [GeneratedRegex(IngestionLimits.EventTypePattern)]
    private static partial Regex EventTypeRegex();

    [GeneratedRegex(IngestionLimits.UserIdPattern)]
    private static partial Regex UserIdRegex();

    [GeneratedRegex(IngestionLimits.DeviceIdPattern)]
    private static partial Regex DeviceIdRegex();

    [GeneratedRegex(IngestionLimits.PhonePattern)]
    private static partial Regex PhoneRegex();

    [GeneratedRegex(IngestionLimits.LocalePattern)]
    private static partial Regex LocaleRegex();

    [GeneratedRegex(IngestionLimits.TimestampPattern)]
    private static partial Regex TimestampRegex();

    [GeneratedRegex(IngestionLimits.TimeOfDayPattern)]
    private static partial Regex TimeOfDayRegex();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_+/-]*$")]
    private static partial Regex TimeZoneIdRegex();

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")]
    private static partial Regex EmailLocalPartRegex();

    [GeneratedRegex("^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex DomainRegex();
}
