using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.Api.Inbox;
using Notify.Api.Tests.Fixtures;
using Notify.Aws.DynamoDb;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.ServiceDefaults.Tests.Fixtures;

namespace Notify.Api.Tests.Inbox;

/// <summary>
/// Who gets into a live inbox, through the real HTTP pipeline: minting needs a <c>send</c> key; the hub (its negotiate
/// request, where a SignalR client authenticates) and the event stream refuse a missing, expired, tampered or foreign
/// token with 401, and a token for another user with 403; a token reads and marks only its own user's in-app items and
/// is no API key.
/// </summary>
public sealed class InboxAccessTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Negotiate = "/hubs/inbox/negotiate?negotiateVersion=1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_mint_a_token_only_for_a_send_key_and_within_the_lifetime_limits()
    {
        var user = HttpJson.NewId("user");
        var (_, readKey) = await api.CreateKeyAsync(["read"]);
        var (_, sendKey) = await api.CreateKeyAsync(["send"]);
        using var anonymous = api.CreateClient(apiKey: null);
        using var reader = api.CreateClient(readKey);
        using var sender = api.CreateClient(sendKey);
        var before = DateTimeOffset.UtcNow;

        using var noKey = await anonymous.PostAsync($"/api/users/{user}/inbox-token", null, Ct);
        using var readOnly = await reader.PostAsync($"/api/users/{user}/inbox-token", null, Ct);
        using var minted = await sender.PostAsync($"/api/users/{user}/inbox-token", null, Ct);
        using var shortLived = await sender.PostJsonAsync($"/api/users/{user}/inbox-token", """{"lifetimeSeconds":60}""");
        using var tooShort = await sender.PostJsonAsync($"/api/users/{user}/inbox-token", """{"lifetimeSeconds":5}""");
        using var tooLong = await sender.PostJsonAsync($"/api/users/{user}/inbox-token", """{"lifetimeSeconds":7200}""");
        using var unknownField = await sender.PostJsonAsync($"/api/users/{user}/inbox-token", """{"lifetime":60}""");
        using var badUser = await sender.PostAsync("/api/users/not%20a%20user/inbox-token", null, Ct);

        await noKey.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await readOnly.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        Assert.Equal("no-store", minted.Headers.CacheControl?.ToString());
        var body = await minted.JsonAsync();
        Assert.True(InboxTokens.LooksLikeToken(body.GetProperty("token").GetString()), body.ToString());
        Assert.InRange(body.GetProperty("expiresAt").GetDateTimeOffset(), before.AddMinutes(15).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(15).AddSeconds(1));
        Assert.InRange((await shortLived.JsonAsync()).GetProperty("expiresAt").GetDateTimeOffset(), before.AddSeconds(59), DateTimeOffset.UtcNow.AddSeconds(61));
        await tooShort.AssertFieldErrorAsync("lifetimeSeconds");
        await tooLong.AssertFieldErrorAsync("lifetimeSeconds");
        await unknownField.AssertFieldErrorAsync("lifetime");
        await badUser.AssertFieldErrorAsync("userId");
    }

    [Fact]
    public async Task Should_refuse_the_hub_and_the_stream_with_401_when_the_token_is_missing_expired_tampered_or_signed_with_another_key()
    {
        var user = HttpJson.NewId("ada");
        var valid = await MintAsync(user);
        var someoneElses = await MintAsync(HttpJson.NewId("mallory"));
        var refused = new Dictionary<string, string?>
        {
            ["missing"] = null,
            ["expired"] = Tokens(ApiFixture.InboxSigningKey, new ManualTimeProvider()).Mint(user).Token,
            ["another key"] = Tokens("another-signing-key-that-nobody-configured-0123456789", TimeProvider.System).Mint(user).Token,
            ["longer-lived"] = WithPayload(valid, Claims(user, DateTimeOffset.UtcNow.AddDays(30))),
            ["re-addressed"] = WithPayload(someoneElses, Claims(user, DateTimeOffset.UtcNow.AddMinutes(10))),
            ["unsigned (alg none)"] = $"{Base64Url.EncodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8)}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Claims(user, DateTimeOffset.UtcNow.AddMinutes(10))))}.",
            ["tampered signature"] = valid[..^2] + (valid[^2] == 'A' ? "BB" : "AA"),
            ["malformed"] = "eyJub3QiOiJhIGhlYWRlciJ9.e30.AAAA",
            ["an API key"] = ApiFixture.AdminKey,
        };

        foreach (var (name, token) in refused)
        {
            using var client = api.CreateClient(apiKey: null);
            using var stream = await client.GetAsync($"/api/users/{user}/inbox/stream{Query(token)}", HttpCompletionOption.ResponseHeadersRead, Ct);
            using var hubByQuery = await client.PostAsync(Negotiate + Query(token, "&"), null, Ct);
            using var hubByHeader = await SendAsync(client, HttpMethod.Post, Negotiate, token);

            foreach (var (what, response) in new[] { ("stream", stream), ("hub (query)", hubByQuery), ("hub (header)", hubByHeader) })
            {
                var text = await response.Content.ReadAsStringAsync(Ct);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what} with {name} token: {(int)response.StatusCode} {text}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Should_refuse_a_token_for_another_user_everywhere_and_grant_its_own_user_the_hub_stream_listing_and_mark_read()
    {
        var ada = HttpJson.NewId("ada");
        var bob = HttpJson.NewId("bob");
        var adaItem = await SeedInAppAsync(ada, DateTimeOffset.UtcNow.AddMinutes(-1));
        var bobItem = await SeedInAppAsync(bob, DateTimeOffset.UtcNow.AddMinutes(-1));
        var bobsToken = await MintAsync(bob);
        using var client = api.CreateClient(apiKey: null);

        using var stream = await client.GetAsync($"/api/users/{ada}/inbox/stream{Query(bobsToken)}", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var hub = await SendAsync(client, HttpMethod.Post, $"{Negotiate}&userId={ada}", bobsToken);
        using var listing = await SendAsync(client, HttpMethod.Get, $"/api/users/{ada}/notifications", bobsToken);
        using var markRead = await SendAsync(client, HttpMethod.Patch, $"/api/users/{ada}/notifications/{adaItem}", bobsToken, """{"read":true}""");
        await stream.AssertProblemAsync(HttpStatusCode.Forbidden);
        await hub.AssertProblemAsync(HttpStatusCode.Forbidden);
        await listing.AssertProblemAsync(HttpStatusCode.Forbidden);
        await markRead.AssertProblemAsync(HttpStatusCode.Forbidden);

        using var ownHub = await SendAsync(client, HttpMethod.Post, $"{Negotiate}&userId={bob}", bobsToken);
        using var anyHub = await SendAsync(client, HttpMethod.Post, Negotiate, bobsToken);
        Assert.Equal(HttpStatusCode.OK, ownHub.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anyHub.StatusCode);
        Assert.False(string.IsNullOrEmpty((await ownHub.JsonAsync()).GetProperty("connectionToken").GetString()));

        using var ownList = await SendAsync(client, HttpMethod.Get, $"/api/users/{bob}/notifications", bobsToken);
        var listed = await ownList.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, ownList.StatusCode);
        Assert.Equal(bobItem, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(1, listed.GetProperty("unreadCount").GetInt32());

        // The stream answers at once with the unread count, then stays open.
        using (var own = await client.GetAsync($"/api/users/{bob}/inbox/stream{Query(bobsToken)}", HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Equal("text/event-stream", own.Content.Headers.ContentType?.MediaType);
            await using var body = await own.Content.ReadAsStreamAsync(Ct);
            await using var events = SseParser.Create(body).EnumerateAsync(Ct).GetAsyncEnumerator(Ct);
            Assert.True(await events.MoveNextAsync());
            Assert.Equal("unread", events.Current.EventType);
            Assert.Equal(1, JsonDocument.Parse(events.Current.Data).RootElement.GetProperty("count").GetInt32());
        }

        using var ownMark = await SendAsync(client, HttpMethod.Patch, $"/api/users/{bob}/notifications/{bobItem}", bobsToken, """{"read":true}""");
        Assert.Equal(HttpStatusCode.NoContent, ownMark.StatusCode);
        using var adaStill = api.CreateClient();
        using var adaListed = await adaStill.GetAsync($"/api/users/{ada}/notifications?channel=in_app");
        Assert.Equal(1, (await adaListed.JsonAsync()).GetProperty("unreadCount").GetInt32());
    }

    [Fact]
    public async Task Should_read_only_the_in_app_inbox_with_a_token_and_catch_up_with_since()
    {
        var user = HttpJson.NewId("user");
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var older = await SeedInAppAsync(user, start);
        var newer = await SeedInAppAsync(user, start.AddMinutes(5));
        var token = await MintAsync(user);
        using var client = api.CreateClient(apiKey: null);

        using var all = await SendAsync(client, HttpMethod.Get, $"/api/users/{user}/notifications", token);
        using var since = await SendAsync(client, HttpMethod.Get, $"/api/users/{user}/notifications?since={Uri.EscapeDataString(start.AddMinutes(1).ToString("O"))}", token);
        using var email = await SendAsync(client, HttpMethod.Get, $"/api/users/{user}/notifications?channel=email", token);
        using var badSince = await SendAsync(client, HttpMethod.Get, $"/api/users/{user}/notifications?since=yesterday", token);

        // The seeded events have an email row too; the token sees only the in-app ones.
        Assert.Equal([newer, older], (await all.JsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal([newer], (await since.JsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        await email.AssertFieldErrorAsync("channel");
        await badSince.AssertFieldErrorAsync("since");
        using var admin = api.CreateClient();
        using var withKey = await admin.GetAsync($"/api/users/{user}/notifications");
        Assert.Equal(4, (await withKey.JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Should_not_take_an_inbox_token_for_an_api_key()
    {
        var user = HttpJson.NewId("user");
        var token = await MintAsync(user);
        using var client = api.CreateClient(apiKey: null);

        using var events = await SendAsync(client, HttpMethod.Post, "/api/events", token, HttpJson.Event(HttpJson.NewId(), userId: user));
        using var preferences = await SendAsync(client, HttpMethod.Get, $"/api/users/{user}/preferences", token);
        using var mint = await SendAsync(client, HttpMethod.Post, $"/api/users/{user}/inbox-token", token);

        await events.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await preferences.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await mint.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Production", "Notify:Inbox:TokenSigningKey", "", "TokenSigningKey is required")]
    [InlineData("Development", "Notify:Inbox:TokenSigningKey", "too-short", "at least 32 characters")]
    [InlineData("Development", "Notify:Inbox:TokenLifetime", "02:00:00", "TokenLifetime")]
    [InlineData("Development", "Notify:Inbox:FanOut:StaleAfter", "00:00:30", "StaleAfter")]
    public void Should_refuse_to_start_when_an_inbox_option_is_invalid(string environment, string key, string value, string says)
    {
        using var factory = api.Factory.WithWebHostBuilder(web => web.UseEnvironment(environment).UseSetting(key, value));

        var e = Assert.ThrowsAny<Exception>(() => factory.Server);

        Assert.Contains(says, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_document_the_token_endpoint_and_that_the_inbox_listing_takes_a_key_or_a_token()
    {
        using var client = api.CreateClient(apiKey: null);

        using var response = await client.GetAsync("/openapi/v1.json");

        var document = await response.JsonAsync();
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("inboxToken").GetProperty("scheme").GetString());
        var paths = document.GetProperty("paths");
        Assert.Equal("send", paths.GetProperty("/api/users/{userId}/inbox-token").GetProperty("post").GetProperty("security")[0].GetProperty("apiKey")[0].GetString());
        var listing = paths.GetProperty("/api/users/{userId}/notifications").GetProperty("get").GetProperty("security");
        Assert.Equal("read", listing[0].GetProperty("apiKey")[0].GetString());
        Assert.True(listing[1].TryGetProperty("inboxToken", out _));
    }

    private async Task<string> MintAsync(string userId)
    {
        using var admin = api.CreateClient();
        using var response = await admin.PostAsync($"/api/users/{userId}/inbox-token", null, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("token").GetString()!;
    }

    /// <summary>An event with an email row and an in-app row in the user's inbox (sent, unread); returns the in-app item's id.</summary>
    private async Task<string> SeedInAppAsync(string userId, DateTimeOffset at)
    {
        var store = api.Services.GetRequiredService<DynamoNotificationStore>();
        var eventId = HttpJson.NewId();
        foreach (var channel in (Channel[])[Channel.Email, Channel.InApp])
        {
            await store.UpsertAsync(
                new NotificationRecord(eventId, channel, userId, "order.shipped", NotificationStatus.Sent, 1, null, null, false, at, at, null,
                    new Dictionary<string, DateTimeOffset> { ["sent"] = at }, new RenderedContent(null, null, null, null, "Shipped")),
                Ct);
        }

        return NotificationId.Format(eventId, Channel.InApp);
    }

    private InboxTokens Tokens(string key, TimeProvider time) => new(
        Microsoft.Extensions.Options.Options.Create(new InboxOptions { TokenSigningKey = key }), api.Services.GetRequiredService<IHostEnvironment>(), time, NullLogger<InboxTokens>.Instance);

    /// <summary>The token with its payload replaced and its signature kept.</summary>
    private static string WithPayload(string token, string json)
    {
        var parts = token.Split('.');
        return $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json))}.{parts[2]}";
    }

    /// <summary>What a minted token's payload holds, for forgeries.</summary>
    private static string Claims(string user, DateTimeOffset expires) =>
        $$"""{"sub":"{{user}}","iss":"{{InboxTokens.Issuer}}","aud":"{{InboxTokens.Audience}}","nbf":{{DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds()}},"exp":{{expires.ToUnixTimeSeconds()}}}""";

    private static string Query(string? token, string separator = "?") => token is null ? string.Empty : $"{separator}access_token={Uri.EscapeDataString(token)}";

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? token, string? json = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = json is null ? null : HttpJson.Json(json) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client.SendAsync(request, Ct);
    }
}
