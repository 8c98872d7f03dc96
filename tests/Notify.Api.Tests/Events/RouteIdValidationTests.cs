using System.Net;
using Notify.Api.Tests.Fixtures;

namespace Notify.Api.Tests.Events;

/// <summary>Identifiers in URL paths are checked before any store call: an over-long one would overflow DynamoDB's 2,048-byte key on AWS.</summary>
public sealed class RouteIdValidationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string Long = new('a', 3000);

    public static TheoryData<string, string, string> BadPaths => new()
    {
        { "GET", $"/api/events/{Long}", "eventId" },
        { "DELETE", "/api/events/bad%20id", "eventId" },
        { "GET", $"/api/users/{Long}/contact", "userId" },
        { "DELETE", $"/api/users/u-1/devices/{Long}", "deviceId" },
        { "PATCH", $"/api/users/u-1/notifications/{Long}:in_app", "notificationId" },
        { "PATCH", "/api/users/u-1/notifications/no-channel", "notificationId" },
        { "GET", $"/api/templates/{Long}/email/en", "eventType" },
        { "DELETE", "/api/templates/order.shipped/email/not_a_locale", "locale" },
        { "DELETE", $"/api/keys/{Long}", "id" },
        { "POST", $"/api/users/{Long}/inbox-token", "userId" },
    };

    [Theory]
    [MemberData(nameof(BadPaths))]
    public async Task Should_answer_400_naming_the_path_id_when_it_breaks_its_format(string method, string path, string field)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "PATCH" or "POST" ? HttpJson.Json("""{"read":true}""") : null };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var messages = await response.AssertFieldErrorAsync(field);
        Assert.StartsWith("must be", messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_401_not_400_when_a_caller_without_a_key_sends_a_bad_path_id()
    {
        using var client = api.CreateClient(apiKey: null);

        using var response = await client.GetAsync($"/api/events/{Long}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Should_answer_404_not_400_when_a_well_formed_id_is_unknown()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync($"/api/events/{HttpJson.NewId()}", TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
