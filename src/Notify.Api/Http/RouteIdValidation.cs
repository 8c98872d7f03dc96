using Notify.Core.Notifications;
using Notify.Core.Validation;

namespace Notify.Api.Http;

/// <summary>
/// Every identifier taken from a URL path (<c>{userId}</c>, <c>{eventId}</c>, …) is checked against its documented format
/// in one place, before any handler runs: a store key built from an unchecked id can exceed DynamoDB's key size (2,048
/// bytes) and fail on AWS as a server error instead of the caller's 400. It runs after authorization, so a caller without
/// a valid key still gets 401 or 403 whatever the path holds.
/// </summary>
internal static class RouteIdValidation
{
    private const string KeyIdRule = "must be 1-64 characters of A-Z a-z 0-9 _ -";
    private const string NotificationIdRule = "must be '{eventId}:{channel}', an event id then a channel, e.g. order-42:in_app";

    private static readonly Dictionary<string, (Func<string, bool> IsValid, string Rule)> Rules = new(StringComparer.OrdinalIgnoreCase)
    {
        ["userId"] = (FieldFormats.IsUserId, FieldFormats.UserIdRule),
        ["eventId"] = (FieldFormats.IsEventId, FieldFormats.EventIdRule),
        ["deviceId"] = (FieldFormats.IsDeviceId, FieldFormats.DeviceIdRule),
        ["eventType"] = (FieldFormats.IsEventType, FieldFormats.EventTypeRule),
        ["locale"] = (FieldFormats.IsLocale, FieldFormats.LocaleRule),
        ["notificationId"] = (id => NotificationId.TryParse(id, out var eventId, out _) && FieldFormats.IsEventId(eventId), NotificationIdRule),
        ["id"] = (id => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'), KeyIdRule),
    };

    public static IApplicationBuilder UseRouteIdValidation(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (Check(context.Request.RouteValues) is { } problem)
            {
                await problem.ExecuteAsync(context);
                return;
            }

            await next(context);
        });

    /// <summary>A 400 naming every path identifier that breaks its rule, or null when all hold.</summary>
    internal static IResult? Check(RouteValueDictionary values)
    {
        Dictionary<string, string[]>? errors = null;
        foreach (var (name, value) in values)
        {
            if (value is string text && Rules.TryGetValue(name, out var rule) && !rule.IsValid(text))
            {
                (errors ??= new(StringComparer.Ordinal))[name] = [rule.Rule];
            }
        }

        return errors is null ? null : Problems.Invalid(errors);
    }
}
