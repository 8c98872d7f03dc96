using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Notify.Api.Tests.Fixtures;

namespace Notify.Api.Tests.Dashboard;

/// <summary>
/// A client that behaves like the dashboard's browser tab: keeps cookies, does not follow redirects (so tests see
/// them), posts the login form with its anti-forgery token, and sends the page's header on JSON calls.
/// </summary>
public sealed partial class DashboardBrowser : IDisposable
{
    public const string DashboardHeader = "X-Notify-Dashboard";
    public const string SessionCookie = "notify_dashboard";

    private DashboardBrowser(HttpClient client) => Client = client;

    public HttpClient Client { get; }

    /// <summary>The raw <c>Set-Cookie</c> of the session, as the last successful login answered it.</summary>
    public string? SessionSetCookie { get; private set; }

    public static DashboardBrowser Open(ApiFixture api, Uri? baseAddress = null) =>
        new(api.Factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = baseAddress ?? new Uri("http://localhost"),
        }));

    /// <summary>Opens a browser already signed in with <paramref name="key"/>; fails the test if the login is refused.</summary>
    public static async Task<DashboardBrowser> SignedInAsync(ApiFixture api, string key = ApiFixture.AdminKey)
    {
        var browser = Open(api);
        using var response = await browser.LoginAsync(key);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Login answered {(int)response.StatusCode}");
        return browser;
    }

    /// <summary>Loads the login form for its token, then posts <paramref name="key"/> with it.</summary>
    public async Task<HttpResponseMessage> LoginAsync(string key, bool withToken = true)
    {
        var token = await FormTokenAsync();
        var fields = new Dictionary<string, string> { ["key"] = key };
        if (withToken)
        {
            fields["__RequestVerificationToken"] = token;
        }

        using var form = new FormUrlEncodedContent(fields);
        var response = await Client.PostAsync("/dashboard/login", form, TestContext.Current.CancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            SessionSetCookie = cookies.FirstOrDefault(c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal)) ?? SessionSetCookie;
        }

        return response;
    }

    public async Task<string> FormTokenAsync()
    {
        var html = await Client.GetStringAsync("/dashboard/login", TestContext.Current.CancellationToken);
        var match = TokenField().Match(html);
        Assert.True(match.Success, "The login form carries no anti-forgery token.");
        return WebUtility.HtmlDecode(match.Groups["token"].Value);
    }

    /// <summary>A call the way the page's script makes it: with the dashboard header.</summary>
    public Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, HttpContent? content = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(DashboardHeader, "1");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public Task<HttpResponseMessage> GetJsonAsync(string path) => CallAsync(HttpMethod.Get, path);

    public void Dispose() => Client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"")]
    internal static partial Regex TokenField();
}
