using System.Net;
using System.Net.Http.Headers;
using Notify.Api.Tests.Fixtures;

namespace Notify.Api.Tests.Auth;

public sealed class AuthTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Should_answer_401_problem_with_a_bearer_challenge_when_no_key_is_sent()
    {
        using var client = api.CreateClient(apiKey: null);

        using var response = await client.PostJsonAsync("/api/events", HttpJson.Event(HttpJson.NewId()));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("Bearer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer nfy_live_notarealkeyatallnotarealkeyatallnotarealkey")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("nfy_live_missing_the_scheme")]
    public async Task Should_answer_401_without_echoing_the_key_when_the_key_is_unknown_or_malformed(string authorization)
    {
        using var client = api.CreateClient(apiKey: null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        using var response = await client.GetAsync("/api/keys");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("notarealkey", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_401_when_a_key_that_worked_is_revoked()
    {
        var (id, key) = await api.CreateKeyAsync(["send"]);
        using var client = api.CreateClient(key);
        using (var before = await client.PostJsonAsync("/api/events", HttpJson.Event(HttpJson.NewId())))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        using var admin = api.CreateClient();
        using var revoke = await admin.DeleteAsync($"/api/keys/{id}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        using var after = await client.PostJsonAsync("/api/events", HttpJson.Event(HttpJson.NewId()));
        await after.AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var listed = await admin.GetAsync("/api/keys");
        var row = (await listed.JsonAsync()).GetProperty("items").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.True(row.GetProperty("revoked").GetBoolean());
    }

    [Theory]
    [InlineData("read", "POST", "/api/events")]
    [InlineData("read", "PUT", "/api/users/u1/contact")]
    [InlineData("send", "GET", "/api/events/evt-1")]
    [InlineData("send", "GET", "/api/users/u1/preferences")]
    [InlineData("send", "GET", "/api/keys")]
    [InlineData("send", "PUT", "/api/templates/order.shipped/sms/en")]
    [InlineData("read", "GET", "/api/dead-letters")]
    [InlineData("read", "POST", "/api/keys")]
    public async Task Should_answer_403_problem_when_the_key_lacks_the_scope(string scope, string method, string path)
    {
        var (_, key) = await api.CreateKeyAsync([scope]);
        using var client = api.CreateClient(key);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = HttpJson.Json("{}");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Should_let_each_scope_do_what_it_names_and_admin_do_all()
    {
        var (_, send) = await api.CreateKeyAsync(["send"]);
        var (_, read) = await api.CreateKeyAsync(["read"]);
        var (_, admin) = await api.CreateKeyAsync(["admin"]);
        var eventId = HttpJson.NewId();

        using var sender = api.CreateClient(send);
        using var reader = api.CreateClient(read);
        using var administrator = api.CreateClient(admin);
        using var posted = await sender.PostJsonAsync("/api/events", HttpJson.Event(eventId));
        using var readBack = await reader.GetAsync($"/api/events/{eventId}");
        using var adminPost = await administrator.PostJsonAsync("/api/events", HttpJson.Event(HttpJson.NewId()));
        using var adminRead = await administrator.GetAsync($"/api/events/{eventId}");
        using var adminKeys = await administrator.GetAsync("/api/keys");

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readBack.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, adminPost.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminRead.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminKeys.StatusCode);
    }

    [Fact]
    public async Task Should_store_the_event_in_test_mode_when_a_test_key_sends_it()
    {
        var (keyId, key) = await api.CreateKeyAsync(["send", "read"], mode: "test");
        Assert.StartsWith("nfy_test_", key, StringComparison.Ordinal);
        using var client = api.CreateClient(key);
        var eventId = HttpJson.NewId();

        using var posted = await client.PostJsonAsync("/api/events", HttpJson.Event(eventId));
        using var stored = await client.GetAsync($"/api/events/{eventId}");

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal("test", (await stored.JsonAsync()).GetProperty("mode").GetString());
        var message = Assert.Single((await api.DrainEventAsync(eventId))[Notify.Core.Events.Priority.Low]);
        Assert.Contains("\"mode\":\"test\"", message.Body, StringComparison.Ordinal);
        Assert.Contains(keyId, message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_show_a_new_key_once_and_list_keys_without_secrets()
    {
        using var admin = api.CreateClient();

        using var created = await admin.PostJsonAsync("/api/keys", """{ "name":"checkout", "scopes":["send","read"], "mode":"live" }""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var id = body.GetProperty("id").GetString()!;
        var key = body.GetProperty("key").GetString()!;
        Assert.StartsWith("nfy_live_", key, StringComparison.Ordinal);
        Assert.Equal(9 + 43, key.Length);
        Assert.Equal(["send", "read"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal($"/api/keys/{id}", created.Headers.Location?.OriginalString);

        using var listed = await admin.GetAsync("/api/keys");
        var text = await listed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains(id, text, StringComparison.Ordinal);
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        Assert.DoesNotContain(key[9..], text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"key\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "scopes":["send"], "mode":"live" }""", "name")]
    [InlineData("""{ "name":"x", "scopes":["root"], "mode":"live" }""", "scopes[0]")]
    [InlineData("""{ "name":"x", "scopes":[], "mode":"live" }""", "scopes")]
    [InlineData("""{ "name":"x", "scopes":["send"], "mode":"prod" }""", "mode")]
    [InlineData("""{ "name":"x", "scopes":["send"], "mode":"live", "expires":"never" }""", "expires")]
    public async Task Should_answer_400_naming_the_field_when_a_key_request_is_invalid(string body, string field)
    {
        using var admin = api.CreateClient();

        using var response = await admin.PostJsonAsync("/api/keys", body);

        await response.AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task Should_answer_404_when_revoking_an_unknown_key()
    {
        using var admin = api.CreateClient();

        using var response = await admin.DeleteAsync("/api/keys/key_doesnotexist");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_serve_health_and_the_openapi_document_without_a_key()
    {
        using var client = api.CreateClient(apiKey: null);

        using var health = await client.GetAsync("/health");
        using var alive = await client.GetAsync("/alive");
        using var openApi = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    [Fact]
    public async Task Should_accept_the_bootstrap_key_case_insensitively_on_the_scheme_only()
    {
        using var client = api.CreateClient(apiKey: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("bearer", ApiFixture.AdminKey);
        using var other = api.CreateClient(apiKey: null);
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.AdminKey.ToUpperInvariant());

        using var ok = await client.GetAsync("/api/keys");
        using var refused = await other.GetAsync("/api/keys");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
