using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notify.Aws.Http;
using Notify.Aws.Local;
using Notify.Aws.Sns;

namespace Notify.AppHost;

/// <summary>
/// <c>--demo</c>: sample traffic so a fresh dashboard has something to show. It stores templates and a few users through the
/// API, as a client would, then sends one event a second from a fixed script that covers every channel and both priorities,
/// and outcomes other than <c>sent</c>: opted out, no device, a missing template, a hard bounce and the suppressed address
/// it leaves. Each event id is logged, so a reader of the log (or a test) can follow it through the API.
/// </summary>
internal sealed class DemoTraffic : IDisposable
{
    private const string Prefix = "demo";

    private static readonly TimeSpan MaxStateDumpTime = TimeSpan.FromSeconds(2);

    // Their events name channels but no recipient, so what each user stored decides: grace opted out of SMS, barbara has
    // neither phone nor device.
    private static readonly DemoUser[] Users =
    [
        new("demo-ada", "ada@example.com", "+15555550101", Device: true, SmsOptOut: false),
        new("demo-grace", "grace@example.com", "+15555550102", Device: true, SmsOptOut: true),
        new("demo-linus", "linus@example.com", "+15555550103", Device: true, SmsOptOut: false),
        new("demo-margaret", "margaret@example.com", "+15555550104", Device: true, SmsOptOut: false),
        new("demo-alan", "alan@example.com", "+15555550105", Device: true, SmsOptOut: false),
        new("demo-barbara", "barbara@example.com", null, Device: false, SmsOptOut: false),
    ];

    private static readonly (string EventType, string Channel, string Parts)[] Templates =
    [
        ("demo.welcome", "email", """{"subject":"Welcome, {{name}}","text":"Hello {{name}}, welcome to Notify.","html":"<p>Hello {{name}}, welcome to <b>Notify</b>.</p>"}"""),
        ("demo.login_code", "sms", """{"body":"Your Notify login code is {{code}}."}"""),
        ("demo.order_shipped", "push", """{"title":"Order {{orderId}} shipped","body":"{{carrier}} delivers it on {{eta}}."}"""),
        ("demo.new_message", "in_app", """{"body":"{{from}} sent you a message: {{preview}}"}"""),

        // Email only: the script asks for in-app too, and that channel fails with template_missing.
        ("demo.weekly_digest", "email", """{"subject":"Your week on Notify","text":"{{count}} things happened this week."}"""),
    ];

    private readonly HttpClient _api;
    private readonly HttpClient _moto = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly LocalAws? _aws;
    private readonly AwsConnection _connection;
    private readonly string _feedbackTopicArn;

    // Unique per run, so a persistent endpoint (LocalStack, real AWS) never sees an eventId twice.
    private readonly string _run = Guid.NewGuid().ToString("N")[..6];
    private readonly List<Task> _feedback = [];
    private volatile string? _bouncedAddress;
    private volatile bool _simulateBounces = true;

    public DemoTraffic(Uri api, string adminKey, LocalAws? aws, AwsConnection connection, string feedbackTopicArn)
    {
        _api = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        _aws = aws;
        _connection = connection;
        _feedbackTopicArn = feedbackTopicArn;
    }

    /// <summary>Sets up, then sends until <paramref name="cancellationToken"/> fires. Never throws but for that cancellation.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SetUpAsync(cancellationToken);
            Log("sending one sample event a second; each line names the event (GET /api/events/{eventId}) and what it should end as");
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            for (var n = 0; await timer.WaitForNextTickAsync(cancellationToken); n++)
            {
                await SendAsync(n, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Bounce reports in flight end with the demo; their own errors were logged where they happened.
            await Task.WhenAll(_feedback).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public void Dispose()
    {
        _api.Dispose();
        _moto.Dispose();
    }

    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        foreach (var (eventType, channel, parts) in Templates)
        {
            await CallAsync(HttpMethod.Put, $"/api/templates/{eventType}/{channel}/en", parts, cancellationToken);
        }

        foreach (var user in Users)
        {
            var contact = new JsonObject { ["email"] = user.Email, ["locale"] = "en", ["timeZone"] = "Europe/London" };
            if (user.Phone is not null)
            {
                contact["phone"] = user.Phone;
            }

            await CallAsync(HttpMethod.Put, $"/api/users/{user.Id}/contact", contact.ToJsonString(), cancellationToken);
            if (user.SmsOptOut)
            {
                await CallAsync(HttpMethod.Put, $"/api/users/{user.Id}/preferences", """{"channels":{"sms":false}}""", cancellationToken);
            }

            if (user.Device)
            {
                await CallAsync(HttpMethod.Post, $"/api/users/{user.Id}/devices", $$"""{"platform":"fcm","token":"demo-fcm-token-{{user.Id}}"}""", cancellationToken);
            }
        }

        Log($"stored {Templates.Length} templates (demo.*) and {Users.Length} users (demo-ada … demo-barbara)");
    }

    /// <summary>
    /// Event <paramref name="n"/> of the script: eight steps, each with both priorities over two rounds. The users take the
    /// four profile steps in turn, one step apart (the first round shows grace's opted-out SMS and barbara's missing device
    /// early), so each gets about five events a minute, half of them low priority: under the per-user rate limit (5 low a
    /// minute). Guests take the events that name their own recipient.
    /// </summary>
    private async Task SendAsync(int n, CancellationToken cancellationToken)
    {
        var step = n % 8;
        var round = n / 8;
        var high = (step % 2 == 0) == (round % 2 == 0);
        var user = Users[(round + step switch { 1 => 1, 2 => 5, 5 => 3, _ => 0 }) % Users.Length];
        var guest = $"demo-guest-{n % 25}";
        var eventId = $"{Prefix}-{_run}-{n:D5}";
        var smsOutcome = user.SmsOptOut ? "sms skipped (opted_out)" : user.Phone is null ? "sms skipped (no_address)" : null;
        var pushOutcome = user.Device ? "push sent" : "push skipped (no_device)";
        Planned plan = step switch
        {
            0 => new("demo.welcome", guest, "email", Payload("name", Name(guest)), $"{guest}@example.com", "email sent"),
            1 => new("demo.login_code", user.Id, "sms", Payload("code", (100000 + (n * 7919 % 900000)).ToString(CultureInfo.InvariantCulture)), null, smsOutcome ?? "sms sent"),
            2 => new("demo.order_shipped", user.Id, "push", OrderPayload(n), null, pushOutcome),
            3 => new("demo.new_message", guest, "in_app", Payload("from", "Ada", "preview", "Lunch at noon?"), null, "in_app sent"),
            4 when _simulateBounces && round % 2 == 0 => new("demo.welcome", guest, "email", Payload("name", "Bounce"), BounceAddress(n), "email sent, then bounced"),
            5 => new("demo.weekly_digest", user.Id, "email,in_app", Payload("count", (n % 17 + 3).ToString(CultureInfo.InvariantCulture)), null,
                "email sent, in_app failed (template_missing)"),
            6 when _bouncedAddress is { } bounced => new("demo.welcome", guest, "email", Payload("name", "Again"), bounced, "email suppressed"),
            4 or 6 => new("demo.welcome", guest, "email", Payload("name", Name(guest)), $"{guest}@example.com", "email sent"),
            _ => new("demo.order_shipped", user.Id, "push", OrderPayload(n), null, pushOutcome),
        };

        var priority = high ? "high" : "low";
        var body = new JsonObject
        {
            ["eventId"] = eventId,
            ["eventType"] = plan.EventType,
            ["userId"] = plan.UserId,
            ["payload"] = plan.Payload,
            ["priority"] = priority,
            ["channels"] = new JsonArray(plan.Channels.Split(',').Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
        };
        if (plan.Email is not null)
        {
            body["recipient"] = new JsonObject { ["email"] = plan.Email };
        }

        if (!await CallAsync(HttpMethod.Post, "/api/events", body.ToJsonString(), cancellationToken))
        {
            return;
        }

        Log($"event {eventId} ({plan.EventType}, {priority}, {plan.Channels}, user {plan.UserId}): expect {plan.Expect}");
        if (plan.Expect.EndsWith("bounced", StringComparison.Ordinal))
        {
            _feedback.RemoveAll(t => t.IsCompleted);
            _feedback.Add(BounceAsync(eventId, plan.Email!, cancellationToken));
        }
    }

    /// <summary>
    /// Real SES's mailbox simulator bounces this address (a label after '+' keeps each one a fresh bounce rather than a
    /// suppression). moto bounces nothing itself, except that it publishes a canned notification, which is not SES's
    /// format, for any recipient containing "bounce"; so locally the address is a plain one that <see cref="BounceAsync"/>
    /// reports as bounced.
    /// </summary>
    private string BounceAddress(int n) =>
        _aws is { IsMoto: true } ? $"unknown-user-{_run}-{n}@example.net" : $"bounce+{_run}-{n}@simulator.amazonses.com";

    /// <summary>
    /// On moto the demo plays SES's part: once the email is sent, it publishes SES's bounce notification for that message to
    /// the feedback topic, as SES does with the identity's notification topic. The worker then marks the email bounced and
    /// suppresses the address. Finding the message id takes moto's whole state dump, which grows with every request; when
    /// it gets slow the demo stops simulating bounces rather than load moto.
    /// </summary>
    private async Task BounceAsync(string eventId, string address, CancellationToken cancellationToken)
    {
        if (_aws is not { IsMoto: true })
        {
            // Real SES bounces the simulator address itself; other local endpoints never bounce.
            _bouncedAddress = _aws is null ? address : null;
            return;
        }

        try
        {
            if (!await EmailSentAsync(eventId, cancellationToken))
            {
                Log($"event {eventId}: the email was not sent within 60 s; no bounce reported");
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var messageId = await SentMessageIdAsync(address, cancellationToken);
            if (Stopwatch.GetElapsedTime(started) > MaxStateDumpTime)
            {
                _simulateBounces = false;
                Log($"moto's state dump took {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; no more simulated bounces in this run");
            }

            if (messageId is null)
            {
                Log($"event {eventId}: moto holds no email to {address}; no bounce reported");
                return;
            }

            using var sns = new SnsClient(_connection);
            await sns.PublishAsync(new PublishRequest { TopicArn = _feedbackTopicArn, Message = BounceNotification(messageId, address) }, cancellationToken);
            _bouncedAddress = address;
            Log($"event {eventId}: reported SES message {messageId} as a hard bounce (as SES would); {address} is suppressed from now on");
        }
        catch (Exception e) when (e is HttpRequestException or AwsServiceException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log($"event {eventId}: reporting the bounce failed: {e.Message}");
        }
    }

    /// <summary>Polls the event through the API until its email is sent (true) or final otherwise, or 60 s pass (false).</summary>
    private async Task<bool> EmailSentAsync(string eventId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            using var response = await _api.GetAsync($"/api/events/{eventId}", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                continue; // moto's non-atomic UpdateItem can make a read racing the worker answer 500; the next one is fine.
            }

            using var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var email = view.RootElement.GetProperty("notifications").EnumerateArray()
                .FirstOrDefault(r => r.GetProperty("channel").GetString() == "email");
            switch (email.ValueKind == JsonValueKind.Object ? email.GetProperty("status").GetString() : null)
            {
                case "sent":
                    return true;
                case "failed" or "suppressed" or "skipped" or "unknown":
                    return false;
            }
        }

        return false;
    }

    /// <summary>The id of the email moto accepted for <paramref name="address"/> (<c>ses.Message</c> in its state dump), if any.</summary>
    private async Task<string?> SentMessageIdAsync(string address, CancellationToken cancellationToken)
    {
        using var response = await _moto.GetAsync(new Uri(_aws!.Endpoint, "moto-api/data.json"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var state = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        if (!state.RootElement.TryGetProperty("ses", out var ses) || !ses.TryGetProperty("Message", out var messages))
        {
            return null;
        }

        foreach (var message in messages.EnumerateArray())
        {
            if (message.TryGetProperty("destinations", out var to) && to.GetRawText().Contains($"\"{address}\"", StringComparison.OrdinalIgnoreCase))
            {
                return message.GetProperty("id").GetString();
            }
        }

        return null;
    }

    /// <summary>An SES identity notification of a permanent bounce, shaped as the SES developer guide's example.</summary>
    private static string BounceNotification(string messageId, string address)
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["notificationType"] = "Bounce",
            ["bounce"] = new JsonObject
            {
                ["bounceType"] = "Permanent",
                ["bounceSubType"] = "General",
                ["bouncedRecipients"] = new JsonArray(new JsonObject
                {
                    ["emailAddress"] = address,
                    ["action"] = "failed",
                    ["status"] = "5.1.1",
                    ["diagnosticCode"] = "smtp; 550 5.1.1 user unknown",
                }),
                ["timestamp"] = now,
                ["feedbackId"] = Guid.NewGuid().ToString(),
            },
            ["mail"] = new JsonObject
            {
                ["timestamp"] = now,
                ["messageId"] = messageId,
                ["source"] = "notify@example.com",
                ["destination"] = new JsonArray(address),
            },
        }.ToJsonString();
    }

    /// <summary>Sends one API call; a failure is logged and the demo goes on (the API may be restarting, moto may be slow).</summary>
    private async Task<bool> CallAsync(HttpMethod method, string path, string json, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            using var response = await _api.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            Log($"{method} {path} answered {(int)response.StatusCode} {response.StatusCode}: {problem}");
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log($"{method} {path} failed: {e.Message}");
        }

        return false;
    }

    private static JsonObject Payload(params string[] pairs)
    {
        var payload = new JsonObject();
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            payload[pairs[i]] = pairs[i + 1];
        }

        return payload;
    }

    private static JsonObject OrderPayload(int n) =>
        Payload("orderId", (8400 + n).ToString(CultureInfo.InvariantCulture), "carrier", n % 3 == 0 ? "DHL" : "UPS", "eta", DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static string Name(string guest) => "Guest " + guest[(guest.LastIndexOf('-') + 1)..];

    private static void Log(string line) => ServiceProcess.Write(Prefix, line);

    private sealed record DemoUser(string Id, string Email, string? Phone, bool Device, bool SmsOptOut);

    /// <summary>One scripted event: <see cref="Email"/> is the recipient override, <see cref="Expect"/> the outcome it should reach.</summary>
    private sealed record Planned(string EventType, string UserId, string Channels, JsonObject Payload, string? Email, string Expect);
}
