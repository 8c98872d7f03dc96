using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notify.EndToEnd.Fixtures;
using Notify.EndToEnd.Scenarios;

namespace Notify.EndToEnd.Faults;

/// <summary>
/// Every operation of the OpenAPI document and every dashboard API call, against the running API: without a key, with a
/// revoked or unknown key, with a key of the wrong scope, and (for the dashboard) without a live admin session. The
/// scope each operation needs is read from the document, which takes it from the endpoint's authorization policies, so
/// a new endpoint is checked the day it is mapped. Calls that get through authorization carry a body with an unknown
/// field, so validation refuses them and nothing changes.
/// </summary>
[Collection(FaultsCollection.Name)]
[Trait("Category", "Slow")]
public sealed class AuthMatrixTests(FaultsFixture system)
{
    private static readonly string[] Scopes = ["send", "read", "admin"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_answer_401_problem_with_a_bearer_challenge_to_every_operation_when_the_key_is_missing_unknown_or_revoked()
    {
        using var client = system.CreatePlainClient();
        var operations = await OperationsAsync(client);
        var failures = new List<string>();

        foreach (var operation in operations)
        {
            foreach (var (name, key) in new[] { ("no key", null), ("unknown key", "nfy_live_" + Guid.NewGuid().ToString("N")), ("revoked key", system.Keys.Revoked) })
            {
                using var request = Call(operation, key);
                using var response = await client.SendAsync(request, Ct);
                if (await ProblemAsync(response, HttpStatusCode.Unauthorized) is { } wrong)
                {
                    failures.Add($"{operation} with {name}: {wrong}");
                }
                else if (!response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"))
                {
                    failures.Add($"{operation} with {name}: 401 without 'WWW-Authenticate: Bearer'");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Should_answer_403_problem_to_every_operation_when_the_key_lacks_its_scope_and_let_a_key_with_it_through()
    {
        using var client = system.CreatePlainClient();
        var operations = await OperationsAsync(client);
        var keys = new Dictionary<string, string> { ["read"] = system.Keys.Read, ["send"] = system.Keys.Send, ["admin"] = EndToEndFixture.AdminKey };
        var failures = new List<string>();
        var refused = 0;

        foreach (var operation in operations)
        {
            foreach (var (scope, key) in keys)
            {
                using var request = Call(operation, key);
                using var response = await client.SendAsync(request, Ct);
                if (operation.Scopes.Count == 0)
                {
                    // No API key may call it (an inbox token's stream): a key of any scope is no credential there.
                    if (await ProblemAsync(response, HttpStatusCode.Unauthorized) is { } refusedKey)
                    {
                        failures.Add($"{operation} (needs {string.Join('|', operation.Schemes)}) with a {scope} key: {refusedKey}");
                    }

                    continue;
                }

                // admin implies send and read.
                var allowed = scope == "admin" || operation.Scopes.Contains(scope);
                if (!allowed)
                {
                    refused++;
                    if (await ProblemAsync(response, HttpStatusCode.Forbidden) is { } wrong)
                    {
                        failures.Add($"{operation} (needs {string.Join('|', operation.Scopes)}) with a {scope} key: {wrong}");
                    }
                }
                else if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    failures.Add($"{operation} (needs {string.Join('|', operation.Scopes)}) with a {scope} key: refused with {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(refused >= 20, $"Only {refused} wrong-scope calls: the matrix is too thin to mean much.");
    }

    [Fact]
    public async Task Should_refuse_every_dashboard_api_call_without_a_live_admin_session()
    {
        using var client = system.CreatePlainClient();
        var dashboard = await ApiSurface.DashboardOperationsAsync(client, await OperationsAsync(client), Ct);
        Assert.True(dashboard.Count >= 5, $"Only {dashboard.Count} dashboard operations found: {string.Join(", ", dashboard)}");
        Assert.Contains(dashboard, o => o.Path == ApiSurface.DashboardApi + "/lanes");

        var live = await DashboardSession.SignInAsync(client, EndToEndFixture.AdminKey, Ct);
        var (revokedId, revokedKey) = await system.CreateKeyAsync(["admin"]);
        var revoked = await DashboardSession.SignInAsync(client, revokedKey, Ct);
        Assert.NotNull(live);
        Assert.NotNull(revoked);
        using (var revoke = await system.Api.DeleteAsync($"/api/keys/{revokedId}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        // A key without the admin scope, or a revoked one, never gets a session.
        foreach (var (name, key) in new[] { ("read", system.Keys.Read), ("send", system.Keys.Send), ("revoked", system.Keys.Revoked), ("revoked since", revokedKey) })
        {
            Assert.True(await DashboardSession.SignInAsync(client, key, Ct) is null, $"The login form started a session for the {name} key.");
        }

        var failures = new List<string>();
        foreach (var operation in dashboard)
        {
            var cases = new (string Name, string? Cookie, string? Bearer, bool Header, HttpStatusCode? Expected)[]
            {
                ("no session", null, null, true, HttpStatusCode.Unauthorized),
                ("the admin key as a bearer", null, EndToEndFixture.AdminKey, true, HttpStatusCode.Unauthorized),
                ("the session of a revoked key", revoked, null, true, HttpStatusCode.Unauthorized),
                ("a live session without the dashboard header", live, null, false, HttpStatusCode.Forbidden),
                ("a live session", live, null, true, null),
            };
            foreach (var (name, cookie, bearer, header, expected) in cases)
            {
                using var request = Call(operation, bearer);
                if (cookie is not null)
                {
                    request.Headers.TryAddWithoutValidation("Cookie", cookie);
                }

                if (header)
                {
                    request.Headers.Add("X-Notify-Dashboard", "1");
                }

                using var response = await client.SendAsync(request, Ct);
                var wrong = expected is { } status
                    ? await ProblemAsync(response, status)
                    : response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? $"refused with {(int)response.StatusCode}" : null;
                if (wrong is not null)
                {
                    failures.Add($"{operation} with {name}: {wrong}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Should_reach_no_provider_for_a_test_key_batch_of_every_channel_while_the_same_batch_with_a_live_key_reaches_each()
    {
        var user = EndToEndFixture.NewId("u-mode");
        var type = EndToEndFixture.NewId("mode");
        var phone = DeliveryScenarios.NewPhone();
        await system.PutContactAsync(user, new { email = $"{user}@example.com", phone });
        var endpoint = await system.RegisterDeviceAsync(user, "fcm", "fcm-" + Guid.NewGuid().ToString("N"));
        string[] channels = ["email", "sms", "push", "in_app"];
        foreach (var channel in channels)
        {
            await system.PutTemplateAsync(type, channel, "en", channel switch
            {
                "email" => new { subject = "Mode {{marker}}", text = "Mode {{marker}}" },
                "sms" => new { body = "Mode {{marker}}" },
                _ => (object)new { title = "Mode", body = "Mode {{marker}}" },
            });
        }

        // One event per channel, so each channel's provider call is its own; high priority passes the per-user limit.
        object Batch(string marker) => new
        {
            events = channels.Select(channel => new
            {
                eventId = EndToEndFixture.NewId("evt"), eventType = type, userId = user, priority = "high",
                payload = new { marker = $"{marker}-{channel}" }, channels = new[] { channel },
            }).ToArray(),
        };

        var (testMarker, liveMarker) = (EndToEndFixture.NewId("test"), EndToEndFixture.NewId("live"));
        var testEvents = await PostBatchAsync(Batch(testMarker), system.Keys.Test);
        var liveEvents = await PostBatchAsync(Batch(liveMarker), EndToEndFixture.AdminKey);

        foreach (var (events, simulated) in new[] { (testEvents, true), (liveEvents, false) })
        {
            foreach (var eventId in events)
            {
                var done = await system.WaitForEventAsync(eventId);
                var row = Assert.Single(EndToEndFixture.Rows(done));
                Assert.True(EndToEndFixture.Status(row) == "sent" && row.GetProperty("simulated").GetBoolean() == simulated, done.ToString());
            }
        }

        var emails = (await system.SentEmailsAsync()).Select(m => (string?)m["subject"] ?? string.Empty).ToList();
        var sms = (await system.SentSmsAsync()).Where(m => (string?)m["phone_number"] == phone).Select(m => (string?)m["message"] ?? string.Empty).ToList();
        var pushes = await system.PushesToAsync(endpoint);
        Assert.Single(emails, s => s.Contains(liveMarker, StringComparison.Ordinal));
        Assert.Single(sms, s => s.Contains(liveMarker, StringComparison.Ordinal));
        Assert.Single(pushes, p => p.Contains(liveMarker, StringComparison.Ordinal));
        Assert.DoesNotContain(emails, s => s.Contains(testMarker, StringComparison.Ordinal));
        Assert.DoesNotContain(sms, s => s.Contains(testMarker, StringComparison.Ordinal));
        Assert.DoesNotContain(pushes, p => p.Contains(testMarker, StringComparison.Ordinal));
    }

    /// <summary>The operations of the OpenAPI document, checked to be a matrix worth the name: many, all behind a key, every scope used.</summary>
    private static async Task<IReadOnlyList<ApiOperation>> OperationsAsync(HttpClient client)
    {
        var operations = await ApiSurface.OperationsAsync(client, Ct);
        Assert.True(operations.Count >= 20, $"The OpenAPI document lists only {operations.Count} operations.");
        Assert.All(operations, o => Assert.True(o.Schemes.Count > 0, $"{o} needs no credential in the OpenAPI document."));
        foreach (var scope in Scopes)
        {
            Assert.True(operations.Count(o => o.Scopes.Contains(scope)) >= 3, $"Fewer than 3 operations need the {scope} scope.");
        }

        return operations;
    }

    /// <summary>The operation with ids nothing has, and (when it takes one) its example body plus an unknown field: whatever gets through authorization is refused by validation.</summary>
    private static HttpRequestMessage Call(ApiOperation operation, string? bearer)
    {
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), operation.Fill(name => name switch
        {
            "channel" => "email",
            "locale" => "en",
            "notificationId" => "fz-auth:in_app",
            _ => "fz-auth-" + Guid.NewGuid().ToString("N")[..12],
        }));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (operation.HasBody)
        {
            var body = operation.Example?.DeepClone() as JsonObject ?? [];
            body["fz_auth"] = 1;
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    private async Task<IReadOnlyList<string>> PostBatchAsync(object batch, string key)
    {
        using var client = system.CreateClient(key);
        using var response = await client.PostAsync(
            "/api/events/batch", new StringContent(JsonSerializer.Serialize(batch), Encoding.UTF8, "application/json"), Ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.OK && body.GetProperty("accepted").GetInt32() == body.GetProperty("results").GetArrayLength(), body.ToString());
        return [.. body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("eventId").GetString()!)];
    }

    /// <summary>Null when the answer is <paramref name="status"/> as RFC 9457 problem details; else what is wrong.</summary>
    private static async Task<string?> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        if (response.StatusCode != status)
        {
            return $"{(int)response.StatusCode} instead of {(int)status}: {text[..Math.Min(200, text.Length)]}";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"{(int)status} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not problem details";
        }

        using var problem = JsonDocument.Parse(text);
        return problem.RootElement.TryGetProperty("status", out var code) && code.GetInt32() == (int)status ? null : $"problem details with status {code}";
    }
}
