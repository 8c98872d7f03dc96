namespace Notify.Core;

/// <summary>
/// Every limit the ingestion API enforces, in one place so the parsers, the host's request-size limits, the OpenAPI
/// document and the README quote the same numbers. Sizes in bytes are UTF-8; lengths count UTF-16 characters (for
/// the ASCII-only identifiers they are the same).
/// </summary>
public static class IngestionLimits
{
    /// <summary>Largest request body for one event and for every other non-batch request: 256 KiB.</summary>
    public const int RequestBodyMaxBytes = 256 * 1024;

    /// <summary>Largest <c>POST /api/events/batch</c> body: 1 MiB.</summary>
    public const int BatchBodyMaxBytes = 1024 * 1024;

    /// <summary>Most events in one batch request.</summary>
    public const int BatchMaxEvents = 100;

    /// <summary><c>eventId</c>: 1–128 characters of <c>A–Z a–z 0–9 . _ : -</c>. It is the idempotency key and the FIFO deduplication id (SQS allows 128).</summary>
    public const string EventIdPattern = "^[A-Za-z0-9._:-]{1,128}$";

    public const int EventIdMaxLength = 128;

    /// <summary><c>eventType</c>: 1–64 characters of <c>A–Z a–z 0–9 . _ -</c>, starting with a letter or digit.</summary>
    public const string EventTypePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

    public const int EventTypeMaxLength = 64;

    /// <summary><c>userId</c>: 1–128 characters of <c>A–Z a–z 0–9 . _ : @ -</c>. It is the FIFO message group (SQS allows 128).</summary>
    public const string UserIdPattern = "^[A-Za-z0-9._:@-]{1,128}$";

    public const int UserIdMaxLength = 128;

    /// <summary>
    /// <c>payload</c>: a JSON object of at most 64 KiB once serialized compactly. The lane message carries the whole
    /// event, so this keeps it far below SQS's message size and the stored event below DynamoDB's 400 KB item size.
    /// </summary>
    public const int PayloadMaxBytes = 64 * 1024;

    /// <summary>Deepest payload nesting; the payload object itself is level 1.</summary>
    public const int PayloadMaxDepth = 32;

    /// <summary><c>channels</c>: 1–4 distinct of <c>email</c>, <c>sms</c>, <c>push</c>, <c>in_app</c>.</summary>
    public const int MaxChannels = 4;

    /// <summary>An RFC 5322 addr-spec (no display name, no quoted local part), at most 254 characters (RFC 5321 path limit).</summary>
    public const int EmailMaxLength = 254;

    /// <summary>E.164: a plus, a non-zero country code digit, 7–15 digits in all.</summary>
    public const string PhonePattern = "^\\+[1-9][0-9]{6,14}$";

    /// <summary>A BCP 47 tag: a 2–3 letter language and up to three subtags (<c>fr</c>, <c>fr-CA</c>, <c>zh-Hant-TW</c>).</summary>
    public const string LocalePattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$";

    /// <summary>An IANA time zone id (<c>Europe/Paris</c>); Windows ids are rejected.</summary>
    public const int TimeZoneMaxLength = 64;

    /// <summary><c>sendAt</c> at most this far ahead; a past <c>sendAt</c> means now.</summary>
    public static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(30);

    /// <summary>Timestamps are ISO 8601 with an explicit offset (<c>2026-05-01T09:30:00Z</c>, <c>2026-05-01T11:30:00+02:00</c>).</summary>
    public const string TimestampPattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,7})?)?([Zz]|[+-][0-9]{2}:[0-9]{2})$";

    /// <summary>Quiet hours bounds: <c>HH:mm</c>, 24-hour clock.</summary>
    public const string TimeOfDayPattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

    /// <summary>Most per-event-type overrides in one user's preferences.</summary>
    public const int MaxEventTypeOverrides = 100;

    public const int TemplateSubjectMaxLength = 256;

    public const int TemplateTitleMaxLength = 256;

    /// <summary>Ten concatenated SMS segments.</summary>
    public const int TemplateSmsBodyMaxLength = 1600;

    public const int TemplatePushBodyMaxLength = 2048;

    public const int TemplateInAppBodyMaxLength = 4096;

    /// <summary>Email text and HTML parts, each.</summary>
    public const int TemplateTextMaxBytes = 64 * 1024;

    /// <summary>API key names: 1–64 printable characters.</summary>
    public const int KeyNameMaxLength = 64;

    /// <summary><c>deviceId</c>: same alphabet as <c>eventId</c>.</summary>
    public const string DeviceIdPattern = "^[A-Za-z0-9._:-]{1,128}$";

    /// <summary>Push tokens: 1–4096 printable ASCII characters without spaces.</summary>
    public const int DeviceTokenMaxLength = 4096;
}
