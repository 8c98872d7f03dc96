using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Notify.Api.Auth;
using Notify.Api.Http;
using Notify.Api.Inbox;
using Notify.Api.OpenApi;
using Notify.Aws.DynamoDb;
using Notify.Core;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Users;
using Notify.Core.Validation;

namespace Notify.Api.Apis;

/// <summary><c>/api/users/{userId}</c>: preferences, contact, push devices and the notifications (in-app inbox).</summary>
internal static class UsersEndpoints
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users/{userId}").WithTags("Users");

        group.MapGet("/preferences", GetPreferencesAsync).WithName("GetPreferences").RequireAuthorization(ApiPolicies.Read);
        group.MapPut("/preferences", PutPreferencesAsync)
            .WithName("PutPreferences")
            .RequireAuthorization(ApiPolicies.Send)
            .Accepts<PreferencesView>("application/json")
            .WithRequestExample("""
                {
                  "channels": { "email": true, "sms": false, "push": true, "in_app": true },
                  "eventTypes": { "marketing.newsletter": { "email": false } },
                  "quietHours": { "start": "22:00", "end": "07:00", "timeZone": "Europe/Paris" }
                }
                """);

        group.MapGet("/contact", GetContactAsync).WithName("GetContact").RequireAuthorization(ApiPolicies.Read);
        group.MapPut("/contact", PutContactAsync)
            .WithName("PutContact")
            .RequireAuthorization(ApiPolicies.Send)
            .Accepts<Contact>("application/json")
            .WithRequestExample("""{ "email": "ada@example.com", "phone": "+33612345678", "locale": "fr-FR", "timeZone": "Europe/Paris" }""");
        group.MapDelete("/contact", DeleteContactAsync).WithName("DeleteContact").RequireAuthorization(ApiPolicies.Send);

        group.MapPost("/devices", RegisterDeviceAsync)
            .WithName("RegisterDevice")
            .RequireAuthorization(ApiPolicies.Send)
            .Accepts<DeviceRegistration>("application/json")
            .WithRequestExample("""{ "platform": "fcm", "token": "dQw4w9WgXcQ:APA91bH-example-token" }""");
        group.MapGet("/devices", ListDevicesAsync).WithName("ListDevices").RequireAuthorization(ApiPolicies.Read);
        group.MapDelete("/devices/{deviceId}", DeleteDeviceAsync).WithName("DeleteDevice").RequireAuthorization(ApiPolicies.Send);

        // The browser's inbox token (for this user only) lists and marks its in-app items too: the page holds no API key.
        group.MapGet("/notifications", ListNotificationsAsync).WithName("ListNotifications").RequireAuthorization(InboxPolicies.ReadOrToken);
        group.MapPatch("/notifications/{notificationId}", MarkReadAsync)
            .WithName("MarkNotificationRead")
            .RequireAuthorization(InboxPolicies.SendOrToken)
            .Accepts<MarkReadRequest>("application/json")
            .WithRequestExample("""{ "read": true }""");
        return app;
    }

    public static async Task<Results<Ok<PreferencesView>, ProblemHttpResult>> GetPreferencesAsync(
        string userId, IUserStore users, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(PreferencesView.From(await users.GetPreferencesAsync(userId, cancellationToken)));
    }

    public static async Task<Results<Ok<PreferencesView>, ValidationProblem, ProblemHttpResult>> PutPreferencesAsync(
        string userId, HttpContext context, IUserStore users, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(context, IngestionLimits.RequestBodyMaxBytes, cancellationToken);
        if (body.Failed)
        {
            return body.Problem!;
        }

        var now = time.GetUtcNow();
        var parsed = PreferencesParser.Parse(body.Root, now);
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors.ToDictionary());
        }

        return TypedResults.Ok(PreferencesView.From(await users.PutPreferencesAsync(userId, parsed.Value, now, cancellationToken)));
    }

    public static async Task<Results<Ok<Contact>, ProblemHttpResult>> GetContactAsync(string userId, IUserStore users, CancellationToken cancellationToken)
    {
        return await users.GetContactAsync(userId, cancellationToken) is { } contact
            ? TypedResults.Ok(contact)
            : Problems.NotFound($"User '{userId}' has no contact.");
    }

    public static async Task<Results<Ok<Contact>, ValidationProblem, ProblemHttpResult>> PutContactAsync(
        string userId, HttpContext context, IUserStore users, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(context, IngestionLimits.RequestBodyMaxBytes, cancellationToken);
        if (body.Failed)
        {
            return body.Problem!;
        }

        var parsed = ContactParser.Parse(body.Root, time.GetUtcNow());
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors.ToDictionary());
        }

        return TypedResults.Ok(await users.PutContactAsync(userId, parsed.Value, cancellationToken));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteContactAsync(string userId, IUserStore users, CancellationToken cancellationToken)
    {
        return await users.DeleteContactAsync(userId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"User '{userId}' has no contact.");
    }

    public static async Task<Results<Created<DeviceView>, Ok<DeviceView>, ValidationProblem, ProblemHttpResult>> RegisterDeviceAsync(
        string userId,
        HttpContext context,
        IUserStore users,
        IPushEndpointRegistry push,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(context, IngestionLimits.RequestBodyMaxBytes, cancellationToken);
        if (body.Failed)
        {
            return body.Problem!;
        }

        var parsed = DeviceRegistrationParser.Parse(body.Root);
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors.ToDictionary());
        }

        var registration = parsed.Value;
        var deviceId = registration.ResolvedDeviceId;
        var previous = (await users.ListDevicesAsync(userId, cancellationToken)).FirstOrDefault(d => d.DeviceId == deviceId);

        var endpointArn = await push.RegisterAsync(userId, registration.Platform, registration.Token, cancellationToken);
        var device = new Device(deviceId, registration.Platform, registration.Token, endpointArn, Enabled: true, previous?.CreatedAt ?? time.GetUtcNow());
        await users.PutDeviceAsync(userId, device, cancellationToken);

        if (previous is not null && previous.EndpointArn != endpointArn)
        {
            // The device's token rotated: its old endpoint would only collect failures.
            await push.RemoveAsync(previous.EndpointArn, cancellationToken);
        }

        var view = DeviceView.From(device);
        return previous is null
            ? TypedResults.Created($"/api/users/{userId}/devices/{deviceId}", view)
            : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<DeviceList>, ProblemHttpResult>> ListDevicesAsync(string userId, IUserStore users, CancellationToken cancellationToken)
    {
        var devices = await users.ListDevicesAsync(userId, cancellationToken);
        return TypedResults.Ok(new DeviceList(devices.Select(DeviceView.From).ToList()));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteDeviceAsync(
        string userId, string deviceId, IUserStore users, IPushEndpointRegistry push, CancellationToken cancellationToken)
    {
        var removed = await users.DeleteDeviceAsync(userId, deviceId, cancellationToken);
        if (removed is null)
        {
            return Problems.NotFound($"User '{userId}' has no device '{deviceId}'.");
        }

        await push.RemoveAsync(removed.EndpointArn, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<NotificationList>, ProblemHttpResult>> ListNotificationsAsync(
        string userId,
        string? channel,
        string? status,
        string? eventId,
        int? limit,
        string? cursor,
        string? since,
        ClaimsPrincipal user,
        INotificationStore notifications,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        // An inbox token reads the in-app inbox only (the other channels' rows carry addresses and provider errors).
        var inboxToken = InboxPolicies.TokenUser(user) is not null;
        Channel? channelFilter = inboxToken ? Channel.InApp : null;
        if (channel is not null)
        {
            if (WireNames.TryParseChannel(channel, out var parsed) && (!inboxToken || parsed == Channel.InApp))
            {
                channelFilter = parsed;
            }
            else if (inboxToken)
            {
                errors["channel"] = ["must be in_app with an inbox token"];
            }
            else
            {
                errors["channel"] = ["must be one of " + WireNames.ChannelList];
            }
        }

        NotificationStatus? statusFilter = null;
        if (status is not null)
        {
            if (NotificationStatusNames.TryParse(status, out var parsed))
            {
                statusFilter = parsed;
            }
            else
            {
                errors["status"] = ["must be one of " + NotificationStatusNames.List];
            }
        }

        if (eventId is not null && !FieldFormats.IsEventId(eventId))
        {
            errors["eventId"] = ["must be 1-128 characters of A-Z a-z 0-9 . _ : -"];
        }

        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"must be between 1 and {MaxPageSize}"];
        }

        if (cursor is { Length: 0 or > 2048 })
        {
            errors["cursor"] = ["must be a cursor from a previous page's nextCursor"];
        }

        DateTimeOffset? sinceTime = null;
        if (since is not null)
        {
            if (FieldFormats.TryParseTimestamp(since, out var parsedSince))
            {
                sinceTime = parsedSince;
            }
            else
            {
                errors["since"] = ["must be an ISO 8601 date and time with an offset, e.g. 2026-11-21T10:00:00Z"];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var query = new NotificationQuery(userId, channelFilter, statusFilter, eventId, limit ?? DefaultPageSize, cursor, sinceTime);
        NotificationPage page;
        try
        {
            page = await notifications.ListAsync(query, cancellationToken);
        }
        catch (InvalidCursorException)
        {
            return Problems.Invalid("cursor", "must be a cursor from a previous page's nextCursor");
        }

        var unread = await notifications.UnreadCountAsync(userId, cancellationToken);
        return TypedResults.Ok(new NotificationList(page.Items.Select(NotificationView.From).ToList(), page.NextCursor, unread));
    }

    /// <summary>
    /// Marks an in-app item read. A newly read item is announced on the inbox topic with the unread count after it, so
    /// every tab of the user, on every instance, updates; the announcement is best effort and never fails the request.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> MarkReadAsync(
        string userId,
        string notificationId,
        HttpContext context,
        INotificationStore notifications,
        InboxReadAnnouncer announcer,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<MarkReadRequest>(context, IngestionLimits.RequestBodyMaxBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (request?.Read is not true)
        {
            return Problems.Invalid("read", "must be true: an inbox item can be marked read, not unread");
        }

        var now = time.GetUtcNow();
        switch (await notifications.MarkReadAsync(userId, notificationId, now, cancellationToken))
        {
            case MarkReadOutcome.Marked:
                await announcer.AnnounceAsync(userId, notificationId, now, cancellationToken);
                return TypedResults.NoContent();
            case MarkReadOutcome.AlreadyRead:
                return TypedResults.NoContent();
            default:
                return Problems.NotFound($"User '{userId}' has no in-app notification '{notificationId}'.");
        }
    }
}

internal static class NotificationStatusNames
{
    private static readonly Dictionary<string, NotificationStatus> ByName =
        Enum.GetValues<NotificationStatus>().ToDictionary(s => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()), StringComparer.Ordinal);

    public static string List { get; } = string.Join(", ", ByName.Keys);

    public static bool TryParse(string value, out NotificationStatus status) => ByName.TryGetValue(value, out status);
}

/// <summary>Preferences on the wire: channels and overrides keyed by channel name, quiet hours as HH:mm.</summary>
internal sealed record PreferencesView(
    IReadOnlyDictionary<string, bool> Channels,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>> EventTypes,
    QuietHoursView? QuietHours,
    bool IsDefault,
    DateTimeOffset? UpdatedAt)
{
    public static PreferencesView From(Preferences p) => new(
        Wire(p.Channels),
        p.EventTypes.ToDictionary(e => e.Key, e => Wire(e.Value), StringComparer.Ordinal),
        p.QuietHours is { } q ? new QuietHoursView(FieldFormats.FormatTimeOfDay(q.Start), FieldFormats.FormatTimeOfDay(q.End), q.TimeZone) : null,
        p.IsDefault,
        p.UpdatedAt);

    private static IReadOnlyDictionary<string, bool> Wire(IReadOnlyDictionary<Channel, bool> switches) =>
        switches.OrderBy(s => s.Key).ToDictionary(s => s.Key.ToWire(), s => s.Value, StringComparer.Ordinal);
}

internal sealed record QuietHoursView(string Start, string End, string TimeZone);

/// <summary>A device without its token (a push credential): only its last characters, to tell devices apart.</summary>
internal sealed record DeviceView(string DeviceId, PushPlatform Platform, string TokenSuffix, string EndpointArn, bool Enabled, DateTimeOffset CreatedAt)
{
    public static DeviceView From(Device d) =>
        new(d.DeviceId, d.Platform, d.Token.Length > 8 ? d.Token[^8..] : d.Token, d.EndpointArn, d.Enabled, d.CreatedAt);
}

internal sealed record DeviceList(IReadOnlyList<DeviceView> Items);

internal sealed record NotificationList(IReadOnlyList<NotificationView> Items, string? NextCursor, int UnreadCount);

internal sealed record NotificationView(
    string Id,
    string EventId,
    string EventType,
    Channel Channel,
    NotificationStatus Status,
    int Attempts,
    string? LastError,
    string? Reason,
    bool Simulated,
    bool Read,
    DateTimeOffset? ReadAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    RenderedContent? Content)
{
    public static NotificationView From(NotificationRecord n) => new(
        NotificationId.Of(n), n.EventId, n.EventType, n.Channel, n.Status, n.Attempts, n.LastError, n.Reason, n.Simulated,
        n.ReadAt is not null, n.ReadAt, n.CreatedAt, n.UpdatedAt, n.Content);
}

internal sealed record MarkReadRequest(bool? Read);
