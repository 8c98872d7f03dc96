using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Notify.Api.Tests.Fixtures;
using Notify.Aws.DynamoDb;
using Notify.Aws.Sns;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Api.Tests.Users;

public sealed class UsersEndpointsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Should_answer_all_enabled_defaults_when_a_user_has_no_preferences()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync($"/api/users/{HttpJson.NewId("user")}/preferences");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("isDefault").GetBoolean());
        var channels = body.GetProperty("channels");
        Assert.All(["email", "sms", "push", "in_app"], c => Assert.True(channels.GetProperty(c).GetBoolean()));
    }

    [Fact]
    public async Task Should_store_and_return_preferences_when_they_are_put()
    {
        using var client = api.CreateClient();
        var path = $"/api/users/{HttpJson.NewId("user")}/preferences";

        using var put = await client.PutJsonAsync(path, """
            {
              "channels": { "sms": false },
              "eventTypes": { "marketing.newsletter": { "email": false } },
              "quietHours": { "start": "22:00", "end": "07:00", "timeZone": "Europe/Paris" }
            }
            """);
        using var get = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var body = await get.JsonAsync();
        Assert.False(body.GetProperty("isDefault").GetBoolean());
        Assert.False(body.GetProperty("channels").GetProperty("sms").GetBoolean());
        Assert.False(body.GetProperty("eventTypes").GetProperty("marketing.newsletter").GetProperty("email").GetBoolean());
        var quiet = body.GetProperty("quietHours");
        Assert.Equal("22:00", quiet.GetProperty("start").GetString());
        Assert.Equal("07:00", quiet.GetProperty("end").GetString());
        Assert.Equal("Europe/Paris", quiet.GetProperty("timeZone").GetString());
    }

    [Theory]
    [InlineData("""{ "quietHours": { "start": "22:00", "end": "07:00", "timeZone": "Mars/Olympus_Mons" } }""", "quietHours.timeZone")]
    [InlineData("""{ "quietHours": { "start": "25:00", "end": "07:00", "timeZone": "Europe/Paris" } }""", "quietHours.start")]
    [InlineData("""{ "channels": { "fax": true } }""", "channels.fax")]
    [InlineData("""{ "channels": { "email": "yes" } }""", "channels.email")]
    [InlineData("""{ "volume": 11 }""", "volume")]
    public async Task Should_answer_400_naming_the_field_and_keep_the_defaults_when_preferences_are_invalid(string body, string field)
    {
        using var client = api.CreateClient();
        var path = $"/api/users/{HttpJson.NewId("user")}/preferences";

        using var response = await client.PutJsonAsync(path, body);

        await response.AssertFieldErrorAsync(field);
        using var get = await client.GetAsync(path);
        Assert.True((await get.JsonAsync()).GetProperty("isDefault").GetBoolean());
    }

    [Fact]
    public async Task Should_put_get_and_delete_a_contact()
    {
        using var client = api.CreateClient();
        var path = $"/api/users/{HttpJson.NewId("user")}/contact";

        using var missing = await client.GetAsync(path);
        using var put = await client.PutJsonAsync(path, """{ "email": "ada@example.com", "phone": "+33612345678", "locale": "fr-fr", "timeZone": "Europe/Paris" }""");
        using var get = await client.GetAsync(path);
        using var deleted = await client.DeleteAsync(path);
        using var gone = await client.GetAsync(path);
        using var deletedAgain = await client.DeleteAsync(path);

        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var contact = await get.JsonAsync();
        Assert.Equal("ada@example.com", contact.GetProperty("email").GetString());
        Assert.Equal("+33612345678", contact.GetProperty("phone").GetString());
        Assert.Equal("fr-FR", contact.GetProperty("locale").GetString());
        Assert.Equal("Europe/Paris", contact.GetProperty("timeZone").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        await deletedAgain.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{ "email": "not an email" }""", "email")]
    [InlineData("""{ "phone": "06 12 34 56 78" }""", "phone")]
    [InlineData("""{ "timeZone": "Nowhere/Special" }""", "timeZone")]
    [InlineData("""{ "timeZone": "W. Europe Standard Time" }""", "timeZone")]
    [InlineData("""{ "locale": "french" }""", "locale")]
    [InlineData("""{}""", "$")]
    [InlineData("""{ "email": 12 }""", "email")]
    public async Task Should_answer_400_naming_the_field_and_store_nothing_when_a_contact_is_invalid(string body, string field)
    {
        using var client = api.CreateClient();
        var path = $"/api/users/{HttpJson.NewId("user")}/contact";

        using var response = await client.PutJsonAsync(path, body);

        await response.AssertFieldErrorAsync(field);
        using var get = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Should_answer_400_when_the_user_id_is_not_valid()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/api/users/has%20space/contact");

        await response.AssertFieldErrorAsync("userId");
    }

    [Fact]
    public async Task Should_register_a_device_as_an_sns_platform_endpoint_and_remove_it_on_delete()
    {
        using var client = api.CreateClient();
        var userId = HttpJson.NewId("user");
        var token = "fcm-token-" + Guid.NewGuid().ToString("N");
        var sns = api.Services.GetRequiredService<SnsClient>();

        using var created = await client.PostJsonAsync($"/api/users/{userId}/devices", $$"""{ "platform": "fcm", "token": "{{token}}" }""");
        using var again = await client.PostJsonAsync($"/api/users/{userId}/devices", $$"""{ "platform": "fcm", "token": "{{token}}" }""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var device = await created.JsonAsync();
        var deviceId = device.GetProperty("deviceId").GetString()!;
        var arn = device.GetProperty("endpointArn").GetString()!;
        Assert.StartsWith("arn:aws:sns:", arn, StringComparison.Ordinal);
        Assert.Equal("fcm", device.GetProperty("platform").GetString());
        Assert.DoesNotContain(token, (await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), StringComparison.Ordinal);
        var attributes = await sns.GetEndpointAttributesAsync(new GetEndpointAttributesRequest { EndpointArn = arn }, TestContext.Current.CancellationToken);
        Assert.Equal(token, attributes.Attributes["Token"]);

        using var listed = await client.GetAsync($"/api/users/{userId}/devices");
        var items = (await listed.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(deviceId, Assert.Single(items).GetProperty("deviceId").GetString());

        using var deleted = await client.DeleteAsync($"/api/users/{userId}/devices/{deviceId}");
        using var deletedAgain = await client.DeleteAsync($"/api/users/{userId}/devices/{deviceId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await deletedAgain.AssertProblemAsync(HttpStatusCode.NotFound);
        await Assert.ThrowsAsync<Notify.Aws.Http.AwsServiceException>(() =>
            sns.GetEndpointAttributesAsync(new GetEndpointAttributesRequest { EndpointArn = arn }, TestContext.Current.CancellationToken));
        using var empty = await client.GetAsync($"/api/users/{userId}/devices");
        Assert.Empty((await empty.JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("""{ "platform": "blackberry", "token": "abc" }""", "platform")]
    [InlineData("""{ "platform": "fcm" }""", "token")]
    [InlineData("""{ "platform": "apns", "token": "has spaces in it" }""", "token")]
    [InlineData("""{ "platform": "fcm", "token": "abc", "deviceId": "bad/id" }""", "deviceId")]
    public async Task Should_answer_400_naming_the_field_and_register_nothing_when_a_device_is_invalid(string body, string field)
    {
        using var client = api.CreateClient();
        var userId = HttpJson.NewId("user");

        using var response = await client.PostJsonAsync($"/api/users/{userId}/devices", body);

        await response.AssertFieldErrorAsync(field);
        using var listed = await client.GetAsync($"/api/users/{userId}/devices");
        Assert.Empty((await listed.JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Should_list_notifications_newest_first_with_filters_cursor_and_unread_count_and_mark_one_read()
    {
        using var client = api.CreateClient();
        var userId = HttpJson.NewId("user");
        var store = api.Services.GetRequiredService<DynamoNotificationStore>();
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var events = Enumerable.Range(0, 3).Select(i => $"evt-{i}-{Guid.NewGuid():N}").ToList();
        for (var i = 0; i < events.Count; i++)
        {
            foreach (var channel in (Channel[])[Channel.Email, Channel.InApp])
            {
                var at = start.AddMinutes(i);
                await store.UpsertAsync(
                    new NotificationRecord(events[i], channel, userId, "order.shipped", NotificationStatus.Sent, 1, null, null, false, at, at, null,
                        new Dictionary<string, DateTimeOffset> { ["sent"] = at }, new RenderedContent(null, null, null, "Title", $"Body {i}")),
                    TestContext.Current.CancellationToken);
            }
        }

        using var all = await client.GetAsync($"/api/users/{userId}/notifications");
        var allBody = await all.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal(6, allBody.GetProperty("items").GetArrayLength());
        Assert.Equal(3, allBody.GetProperty("unreadCount").GetInt32());
        Assert.Equal(events[2], allBody.GetProperty("items")[0].GetProperty("eventId").GetString());

        var pages = new List<string>();
        string? cursor = null;
        do
        {
            using var page = await client.GetAsync($"/api/users/{userId}/notifications?channel=in_app&limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            var body = await page.JsonAsync();
            pages.AddRange(body.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("eventId").GetString()!));
            Assert.All(body.GetProperty("items").EnumerateArray(), n => Assert.Equal("in_app", n.GetProperty("channel").GetString()));
            cursor = body.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal([events[2], events[1], events[0]], pages);

        using var one = await client.GetAsync($"/api/users/{userId}/notifications?eventId={events[1]}");
        Assert.Equal(2, (await one.JsonAsync()).GetProperty("items").GetArrayLength());

        var inboxId = $"{events[0]}:in_app";
        using var marked = await client.PatchJsonAsync($"/api/users/{userId}/notifications/{inboxId}", """{ "read": true }""");
        using var markedAgain = await client.PatchJsonAsync($"/api/users/{userId}/notifications/{inboxId}", """{ "read": true }""");
        using var unknown = await client.PatchJsonAsync($"/api/users/{userId}/notifications/nope:in_app", """{ "read": true }""");
        Assert.Equal(HttpStatusCode.NoContent, marked.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, markedAgain.StatusCode);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);

        using var after = await client.GetAsync($"/api/users/{userId}/notifications?channel=in_app&eventId={events[0]}");
        var afterBody = await after.JsonAsync();
        Assert.Equal(2, afterBody.GetProperty("unreadCount").GetInt32());
        var item = Assert.Single(afterBody.GetProperty("items").EnumerateArray());
        Assert.True(item.GetProperty("read").GetBoolean());
        Assert.Equal(inboxId, item.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("channel=fax", "channel")]
    [InlineData("status=lost", "status")]
    [InlineData("eventId=a%2Fb", "eventId")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Should_answer_400_naming_the_parameter_when_a_notification_filter_is_invalid(string query, string field)
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync($"/api/users/{HttpJson.NewId("user")}/notifications?{query}");

        await response.AssertFieldErrorAsync(field);
    }

    [Theory]
    [InlineData("""{ "read": false }""", "read", "must be true")]
    [InlineData("""{ "read": "yes" }""", "read", "Expected")]
    [InlineData("""{ "read": true, "pinned": true }""", "pinned", "Unknown field")]
    // A body that is not JSON is named as the body, as on every endpoint that reads JSON.
    [InlineData("""{ "read": tru""", "$", "not valid JSON")]
    public async Task Should_answer_400_naming_the_field_when_a_mark_read_body_is_invalid(string body, string field, string says)
    {
        using var client = api.CreateClient();

        using var response = await client.PatchJsonAsync($"/api/users/{HttpJson.NewId("user")}/notifications/x:in_app", body);

        var messages = await response.AssertFieldErrorAsync(field);
        Assert.Contains(says, messages[0], StringComparison.Ordinal);
        Assert.DoesNotContain("System.", messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_415_problem_when_a_typed_body_is_not_json()
    {
        using var client = api.CreateClient();
        using var content = new StringContent("read=true", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await client.PatchAsync($"/api/users/{HttpJson.NewId("user")}/notifications/x:in_app", content, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }
}
