using System.Net;
using Microsoft.AspNetCore.Antiforgery;

namespace Notify.Api.Dashboard;

/// <summary>The dashboard's HTML answers: the login form (rendered here, it carries the anti-forgery token) and the headers every page gets.</summary>
internal static class DashboardPages
{
    /// <summary>
    /// Scripts and styles only from Notify itself (no inline code, no CDN); data only from Notify's own endpoints; never
    /// framed. The event detail shows a rendered email in a sandboxed <c>srcdoc</c> frame, which inherits this policy, so
    /// the email's remote images and scripts stay off too.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    public static void SetSecurityHeaders(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    /// <summary>A static HTML page from <c>wwwroot</c> with the security headers, or 404 problem details when it is not deployed.</summary>
    public static IResult StaticPage(HttpContext context, IWebHostEnvironment environment, string path, string what)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(environment);
        var file = environment.WebRootFileProvider.GetFileInfo(path);
        if (!file.Exists)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: $"The {what} (wwwroot/{path}) is not deployed.");
        }

        SetSecurityHeaders(context.Response);
        return TypedResults.Stream(file.CreateReadStream(), "text/html; charset=utf-8");
    }

    public static IResult Login(HttpContext context, IAntiforgery antiforgery, string? error, int statusCode = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        SetSecurityHeaders(context.Response);
        var errorHtml = error is null
            ? string.Empty
            : $"""<p class="error" role="alert" data-testid="login-error">{WebUtility.HtmlEncode(error)}</p>""";
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Notify dashboard · sign in</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="{{DashboardEndpoints.AppAssetsPath}}/dashboard.css">
            </head>
            <body class="login">
            <main>
            <h1>Notify</h1>
            <form method="post" action="{{DashboardAuthentication.LoginPath}}" data-testid="login-form">
            <label for="key">Admin key</label>
            <input id="key" name="key" type="password" autocomplete="off" required autofocus data-testid="login-key"{{(error is null ? string.Empty : " aria-invalid=\"true\"")}}>
            <input type="hidden" name="{{WebUtility.HtmlEncode(tokens.FormFieldName)}}" value="{{WebUtility.HtmlEncode(tokens.RequestToken)}}">
            {{errorHtml}}
            <button type="submit" data-testid="login-submit">Sign in</button>
            <p class="hint">The bootstrap key (<code>NOTIFY_ADMIN_KEY</code>) or any API key with the <code>admin</code> scope.
            It is checked once; a cookie keeps the session for {{(int)DashboardAuthentication.IdleTimeout.TotalMinutes}} idle minutes.</p>
            </form>
            </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: statusCode);
    }
}
