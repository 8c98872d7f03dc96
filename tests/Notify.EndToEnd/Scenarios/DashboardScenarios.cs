using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Scenarios;

/// <summary>The dashboard as a browser reaches it on the running API: the login page, the session cookie, and its JSON API.</summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class DashboardScenarios(EndToEndFixture system)
{
    private static readonly string[] ReadPaths =
        ["/dashboard/api/lanes", "/dashboard/api/events", "/dashboard/api/dead-letters", "/dashboard/api/suppressions", "/dashboard/api/keys", "/dashboard/api/stats/deliveries"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_serve_the_login_page_then_the_dashboard_and_its_api_with_the_session_when_signed_in_with_the_admin_key()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = system.ApiUrl };

        using (var page = await browser.GetAsync("/dashboard", Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        }

        using (var lanes = await CallAsync(browser, "/dashboard/api/lanes"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, lanes.StatusCode);
        }

        using var login = await browser.GetAsync("/dashboard/login", Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("text/html", login.Content.Headers.ContentType?.MediaType);
        var token = TokenField().Match(await login.Content.ReadAsStringAsync(Ct));
        Assert.True(token.Success, "the login form carries no anti-forgery token");

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = EndToEndFixture.AdminKey, ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups["token"].Value) });
        using (var signIn = await browser.PostAsync("/dashboard/login", form, Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Equal("/dashboard", signIn.Headers.Location?.OriginalString);
        }

        using (var dashboard = await browser.GetAsync("/dashboard", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        }

        foreach (var path in ReadPaths)
        {
            using var response = await CallAsync(browser, path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).Dispose();
        }

        using (var lanes = await CallAsync(browser, "/dashboard/api/lanes"))
        {
            var queues = JsonDocument.Parse(await lanes.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("name").GetString());
            Assert.Equal(["high", "low", "high-dlq", "low-dlq", "feedback"], queues);
        }

        // The cookie is no credential for a call a cross-site page could make (no dashboard header).
        using var crossSite = await browser.GetAsync("/dashboard/api/lanes", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
    }

    /// <summary>A call as the page's script makes it: with the dashboard header.</summary>
    private static async Task<HttpResponseMessage> CallAsync(HttpClient browser, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Notify-Dashboard", "1");
        return await browser.SendAsync(request, Ct);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex TokenField();
}
