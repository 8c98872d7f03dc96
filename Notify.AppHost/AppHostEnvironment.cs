using Notify.Aws.Http;
using Notify.Aws.Local;
using Notify.Aws.Provisioning;

namespace Notify.AppHost;

/// <summary>What the AppHost hands its children and prints once they are ready.</summary>
internal static class AppHostEnvironment
{
    /// <summary>The environment of a child: AWS endpoint and region, admin key, resource prefix and the OTEL_* variables.</summary>
    public static Func<string, IReadOnlyDictionary<string, string?>> For(
        AppHostOptions options, AwsConnection connection, LocalAws? aws, string adminKey, string inboxSigningKey, ProvisioningReport report) =>
        serviceName =>
        {
            var env = new Dictionary<string, string?>
            {
                ["AWS_REGION"] = connection.Region.SystemName,
                ["NOTIFY_ADMIN_KEY"] = adminKey,
                ["Notify__Inbox__TokenSigningKey"] = inboxSigningKey,
                ["Notify__Provisioning__Prefix"] = options.ResourcePrefix,
                ["OTEL_SERVICE_NAME"] = serviceName,
            };
            // Platform applications exist locally only; on AWS their ARNs come from the deployment's configuration.
            foreach (var (key, platform) in new[] { ("FcmApplicationArn", "fcm"), ("ApnsApplicationArn", "apns"), ("ApnsSandboxApplicationArn", "apns-sandbox") })
            {
                var app = report.Resources.FirstOrDefault(r => r.Kind == "platform-application" && r.Name == $"{options.ResourcePrefix}-{platform}");
                if (app is not null)
                {
                    env[$"Notify__Push__{key}"] = app.Id;
                }
            }

            if (aws is not null)
            {
                env["AWS_ENDPOINT_URL"] = aws.Endpoint.ToString().TrimEnd('/');
                env["AWS_ACCESS_KEY_ID"] = "test";
                env["AWS_SECRET_ACCESS_KEY"] = "test";

                // A stopping worker lets its long polls finish (abandoning one hides the messages it picks): 5 s instead
                // of SQS's 20 s keeps Ctrl+C quick, and a local endpoint does not charge for the extra empty receives.
                foreach (var section in new[] { "Lanes", "Queues:high-dlq", "Queues:low-dlq", "Queues:feedback" })
                {
                    env[$"Notify__Worker__{section.Replace(":", "__", StringComparison.Ordinal)}__WaitTimeSeconds"] = "5";
                }
            }
            else
            {
                env["AWS_PROFILE"] = options.AwsProfile;
            }

            if (options.Otlp is not null)
            {
                env["OTEL_EXPORTER_OTLP_ENDPOINT"] = options.Otlp.ToString();
            }

            return env;
        };

    /// <summary>The demo user whose live inbox the printed link opens.</summary>
    public const string InboxDemoUser = "user-1";

    /// <summary>
    /// A link that opens <c>/inbox-demo</c> for <see cref="InboxDemoUser"/> with a token minted now (valid 1 h), in the URL
    /// fragment so it reaches no server log; null when minting failed (the page then asks for a token).
    /// </summary>
    public static async Task<string?> InboxDemoLinkAsync(Uri api, string adminKey, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/users/{InboxDemoUser}/inbox-token")
        {
            Content = new StringContent("""{"lifetimeSeconds":3600}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var token = body.RootElement.GetProperty("token").GetString();
            return $"{api.ToString().TrimEnd('/')}/inbox-demo#user={InboxDemoUser}&token={Uri.EscapeDataString(token!)}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            return null;
        }
    }

    public static void PrintReady(ProvisioningReport report, IReadOnlyList<ServiceProcess> services, LocalAws? aws, string adminKey, bool generatedKey, string? inboxDemo)
    {
        var api = services[0].Url.ToString().TrimEnd('/');
        var lines = new List<string> { string.Empty, "Notify is running.", string.Empty };
        lines.Add($"  {"AWS",-22} {(aws is null ? "real AWS (profile)" : aws.Endpoint.ToString())}");
        foreach (var r in report.Resources)
        {
            lines.Add($"  {r.Kind,-22} {r.Name}  [{r.Action}]");
        }

        lines.Add(string.Empty);
        lines.Add($"  {"API",-22} {api}");
        lines.Add($"  {"OpenAPI",-22} {api}/openapi/v1.json");
        lines.Add($"  {"Dashboard",-22} {api}/dashboard");
        foreach (var s in services)
        {
            lines.Add($"  {s.Name + " health",-22} {s.Url}health   metrics: {s.Url}metrics   (pid {s.Id})");
        }

        lines.Add(string.Empty);
        lines.Add($"  Admin key{(generatedKey ? " (generated; set NOTIFY_ADMIN_KEY or --admin-key to fix it)" : string.Empty)}: {adminKey}");
        lines.Add(string.Empty);
        lines.Add("  Send a first event:");
        lines.Add($"    curl -s -X POST {api}/api/events -H 'Authorization: Bearer {adminKey}' -H 'Content-Type: application/json' \\");
        lines.Add("      -d '{\"eventId\":\"hello-1\",\"eventType\":\"welcome\",\"userId\":\"user-1\",\"payload\":{\"name\":\"Ada\"},\"recipient\":{\"email\":\"ada@example.com\"}}'");
        lines.Add(string.Empty);
        lines.Add($"  Live inbox of {InboxDemoUser} (token valid 1 h): {inboxDemo ?? $"{api}/inbox-demo (minting a token failed; paste one from POST /api/users/{InboxDemoUser}/inbox-token)"}");
        lines.Add("  Give it an in-app item (a template, then an event) and watch the item and the badge appear:");
        lines.Add($"    curl -s -X PUT {api}/api/templates/welcome/in_app/en -H 'Authorization: Bearer {adminKey}' -H 'Content-Type: application/json' -d '{{\"body\":\"Hello {{{{name}}}}, welcome to Notify.\"}}'");
        lines.Add($"    curl -s -X POST {api}/api/events -H 'Authorization: Bearer {adminKey}' -H 'Content-Type: application/json' \\");
        lines.Add($"      -d '{{\"eventId\":\"hello-inbox-'$RANDOM'\",\"eventType\":\"welcome\",\"userId\":\"{InboxDemoUser}\",\"channels\":[\"in_app\"],\"payload\":{{\"name\":\"Ada\"}}}}'");
        lines.Add(string.Empty);
        lines.Add("  Ctrl+C stops everything.");
        foreach (var line in lines)
        {
            ServiceProcess.Write("apphost", line);
        }
    }
}
