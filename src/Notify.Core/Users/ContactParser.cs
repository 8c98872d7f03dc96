using System.Text.Json;
using Notify.Core.Events;
using Notify.Core.Validation;

namespace Notify.Core.Users;

/// <summary>Parses <c>PUT /api/users/{userId}/contact</c>: <c>{email?, phone?, locale?, timeZone?}</c>, at least one; a PUT replaces the contact.</summary>
public static class ContactParser
{
    private static readonly string[] Members = ["email", "phone", "locale", "timeZone"];

    internal const string LocaleRule = FieldFormats.LocaleRule;

    public static ParseResult<Contact> Parse(JsonElement body, DateTimeOffset now)
    {
        var reader = new FieldReader();
        if (reader.Object(body, "", Members) is not { } m)
        {
            return reader.Result<Contact>(null);
        }

        var email = reader.String(m[0], "email", required: false, FieldFormats.IsEmail, EventSubmissionParser.EmailRule);
        var phone = reader.String(m[1], "phone", required: false, FieldFormats.IsPhone, EventSubmissionParser.PhoneRule);
        var locale = reader.String(m[2], "locale", required: false, FieldFormats.IsLocale, LocaleRule);
        var timeZone = reader.String(m[3], "timeZone", required: false, FieldFormats.IsTimeZone, PreferencesParser.TimeZoneRule);
        if (m.All(FieldReader.IsAbsent))
        {
            reader.Error("", "must contain at least one of email, phone, locale, timeZone");
        }

        return reader.Result(reader.HasErrors
            ? null
            : new Contact(email, phone, locale is null ? null : FieldFormats.NormalizeLocale(locale), timeZone, now));
    }
}
