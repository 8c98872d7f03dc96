using System.Net;
using Notify.Api.Tests.Fixtures;

namespace Notify.Api.Tests.Dashboard;

/// <summary>A dashboard session lasts no longer than the key it was started with (found by the end-to-end auth matrix).</summary>
public sealed class SessionRevocationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Should_end_the_session_when_its_key_is_revoked()
    {
        var (id, key) = await api.CreateKeyAsync(["admin"]);
        using var browser = await DashboardBrowser.SignedInAsync(api, key);
        using (var before = await browser.GetJsonAsync("/dashboard/api/lanes"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var admin = api.CreateClient())
        using (var revoke = await admin.DeleteAsync($"/api/keys/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using var after = await browser.GetJsonAsync("/dashboard/api/lanes");
        await after.AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var page = await browser.Client.GetAsync("/dashboard", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task Should_keep_the_session_of_a_key_that_is_not_revoked()
    {
        var (_, key) = await api.CreateKeyAsync(["admin"]);
        using var browser = await DashboardBrowser.SignedInAsync(api, key);

        for (var i = 0; i < 3; i++)
        {
            using var response = await browser.GetJsonAsync("/dashboard/api/lanes");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
