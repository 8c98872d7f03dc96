using System.Net;

namespace Notify.EndToEnd.Faults;

/// <summary>Signs in to the dashboard as its login form does, and hands back the session as a <c>Cookie</c> header value.</summary>
public static class DashboardSession
{
    public const string CookieName = "notify_dashboard";

    /// <summary>The session cookie (<c>notify_dashboard=…</c>), or null when the login was refused (no session set).</summary>
    public static async Task<string?> SignInAsync(HttpClient client, string key, CancellationToken cancellationToken)
    {
        var (token, formCookie) = await MalformedRequests.FormTokenAsync(client, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["__RequestVerificationToken"] = token }),
        };
        request.Headers.TryAddWithoutValidation("Cookie", formCookie);
        using var response = await client.SendAsync(request, cancellationToken);
        var session = response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Select(c => c.Split(';')[0]).FirstOrDefault(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal) && c.Length > CookieName.Length + 1)
            : null;
        Assert.True(session is null || response.StatusCode == HttpStatusCode.Redirect, $"A session cookie came with {(int)response.StatusCode}.");
        return session;
    }
}
