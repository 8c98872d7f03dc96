using System.Net;
using Notify.Api.Tests.Fixtures;

namespace Notify.Api.Tests.Dashboard;

public sealed class DashboardSessionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Should_show_the_form_again_with_an_error_and_set_no_session_cookie_when_the_key_is_wrong()
    {
        using var browser = DashboardBrowser.Open(api);

        using var response = await browser.LoginAsync("nfy_live_not-a-key-at-all-not-a-key-at-all-0000");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("data-testid=\"login-error\"", html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\" action=\"/dashboard/login\"", html, StringComparison.Ordinal);
        Assert.Null(browser.SessionSetCookie);
        using var page = await browser.Client.GetAsync("/dashboard", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_an_api_key_without_the_admin_scope()
    {
        var (_, readKey) = await api.CreateKeyAsync(["read", "send"]);
        using var browser = DashboardBrowser.Open(api);

        using var response = await browser.LoginAsync(readKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no admin scope", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Null(browser.SessionSetCookie);
    }

    [Fact]
    public async Task Should_start_an_httponly_samesite_strict_session_scoped_to_the_dashboard_when_the_admin_key_is_right()
    {
        using var browser = DashboardBrowser.Open(api);

        using var response = await browser.LoginAsync(ApiFixture.AdminKey);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard", response.Headers.Location?.OriginalString);
        var cookie = browser.SessionSetCookie;
        Assert.NotNull(cookie);
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/dashboard", attributes);
        // Over plain HTTP the cookie cannot be Secure (the browser would drop it); over HTTPS it must be: see the next test.
        Assert.DoesNotContain("secure", attributes);
        Assert.DoesNotContain(ApiFixture.AdminKey, cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_mark_the_session_cookie_secure_when_the_dashboard_is_reached_over_https()
    {
        using var browser = DashboardBrowser.Open(api, new Uri("https://localhost"));

        using var response = await browser.LoginAsync(ApiFixture.AdminKey);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("secure", browser.SessionSetCookie!.Split(';', StringSplitOptions.TrimEntries).Select(a => a.ToLowerInvariant()));
    }

    [Fact]
    public async Task Should_accept_an_admin_scoped_api_key_as_well_as_the_bootstrap_key()
    {
        var (_, adminKey) = await api.CreateKeyAsync(["admin"]);
        using var browser = DashboardBrowser.Open(api);

        using var response = await browser.LoginAsync(adminKey);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.NotNull(browser.SessionSetCookie);
    }

    [Fact]
    public async Task Should_refuse_a_login_post_without_its_antiforgery_token()
    {
        using var browser = DashboardBrowser.Open(api);

        using var response = await browser.LoginAsync(ApiFixture.AdminKey, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(browser.SessionSetCookie);
    }

    [Fact]
    public async Task Should_redirect_to_the_login_form_when_the_dashboard_is_opened_without_a_session()
    {
        using var browser = DashboardBrowser.Open(api);

        using var page = await browser.Client.GetAsync("/dashboard", TestContext.Current.CancellationToken);
        using var file = await browser.Client.GetAsync("/dashboard/index.html", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/dashboard/login", page.Headers.Location?.OriginalString);
        // The page is not reachable as a static file either.
        Assert.NotEqual(HttpStatusCode.OK, file.StatusCode);
    }

    [Fact]
    public async Task Should_serve_the_page_with_its_test_ids_and_a_script_only_from_self_policy_once_signed_in()
    {
        using var browser = await DashboardBrowser.SignedInAsync(api);

        using var page = await browser.Client.GetAsync("/dashboard", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        foreach (var id in (string[])["lane-high", "lane-low", "event-detail", "redrive-all", "deliveries-chart"])
        {
            Assert.Contains($"data-testid=\"{id}\"", html, StringComparison.Ordinal);
        }

        Assert.Contains("src=\"/dashboard/vendor/chart.umd.min.js\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_serve_the_vendored_chart_library_and_the_page_script_without_a_session()
    {
        using var browser = DashboardBrowser.Open(api);

        using var chart = await browser.Client.GetAsync("/dashboard/vendor/chart.umd.min.js", TestContext.Current.CancellationToken);
        using var script = await browser.Client.GetAsync("/dashboard/app/dashboard.js", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.StartsWith("/*!\n * Chart.js v4.", await chart.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("/dashboard/api", await script.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_not_authorize_the_api_with_the_dashboard_cookie()
    {
        using var browser = await DashboardBrowser.SignedInAsync(api);
        var cookie = browser.SessionSetCookie!.Split(';')[0];
        using var bare = api.CreateClient(apiKey: null);

        // The browser would not even send it to /api (its path is /dashboard); sent anyway, it is not a credential there.
        using var apiRequest = new HttpRequestMessage(HttpMethod.Get, "/api/keys");
        apiRequest.Headers.Add("Cookie", cookie);
        apiRequest.Headers.Add(DashboardBrowser.DashboardHeader, "1");
        using var refused = await bare.SendAsync(apiRequest, TestContext.Current.CancellationToken);
        using var dashboardRequest = new HttpRequestMessage(HttpMethod.Get, "/dashboard/api/keys");
        dashboardRequest.Headers.Add("Cookie", cookie);
        dashboardRequest.Headers.Add(DashboardBrowser.DashboardHeader, "1");
        using var accepted = await bare.SendAsync(dashboardRequest, TestContext.Current.CancellationToken);

        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Should_not_accept_an_api_key_on_the_dashboard_endpoints()
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Add(DashboardBrowser.DashboardHeader, "1");

        using var response = await client.GetAsync("/dashboard/api/keys", TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_end_the_session_on_logout()
    {
        using var browser = await DashboardBrowser.SignedInAsync(api);
        using (var before = await browser.GetJsonAsync("/dashboard/api/keys"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var logout = await browser.CallAsync(HttpMethod.Post, "/dashboard/logout");

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var after = await browser.GetJsonAsync("/dashboard/api/keys");
        await after.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_send_a_signed_in_browser_from_the_login_form_to_the_dashboard()
    {
        using var browser = await DashboardBrowser.SignedInAsync(api);

        using var form = await browser.Client.GetAsync("/dashboard/login", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, form.StatusCode);
        Assert.Equal("/dashboard", form.Headers.Location?.OriginalString);
    }
}
