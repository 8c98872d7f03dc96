using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Notify.Api.Auth;

namespace Notify.Api.Dashboard;

/// <summary>
/// The dashboard's session: an admin key is checked once, at login, then an ASP.NET Core authentication cookie carries
/// the session. The cookie is scoped to <c>/dashboard</c> (the browser never sends it to <c>/api</c>) and only the
/// <see cref="Policy"/> of the dashboard's own endpoints reads it: <c>/api</c> keeps the bearer API key as its one
/// scheme, so the cookie can never stand in for a key there.
/// </summary>
internal static class DashboardAuthentication
{
    public const string Scheme = "DashboardCookie";
    public const string Policy = "dashboard";

    public const string BasePath = "/dashboard";
    public const string LoginPath = BasePath + "/login";
    public const string ApiPath = BasePath + "/api";

    /// <summary>Idle time after which the session ends; any dashboard call in the second half of it renews it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    public static IServiceCollection AddDashboardAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddCookie(Scheme, o =>
            {
                o.Cookie.Name = "notify_dashboard";
                o.Cookie.Path = BasePath;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.IsEssential = true;
                o.ExpireTimeSpan = IdleTimeout;
                o.SlidingExpiration = true;
                o.LoginPath = LoginPath;
                o.Events.OnValidatePrincipal = EndIfKeyRevokedAsync;
                o.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden);
            });

        // Only the login form posts a form: its token lives in a cookie of the dashboard's path, HttpOnly, SameSite=Strict.
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "notify_dashboard_form";
            o.Cookie.Path = BasePath;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p
                .AddAuthenticationSchemes(Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiCaller.ScopeClaim, ApiScopeNames.Admin));
        return services;
    }

    /// <summary>
    /// A session lasts no longer than its key: once the key is revoked, the next request finds no session (401, or the
    /// login form for the page) and the cookie is removed.
    /// </summary>
    private static async Task EndIfKeyRevokedAsync(CookieValidatePrincipalContext context)
    {
        var keyId = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var authenticator = context.HttpContext.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
        if (keyId is null || !await authenticator.IsActiveAsync(keyId, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    /// <summary>
    /// A page without a session goes to the login form (without a return URL: the dashboard is one page); a JSON call
    /// answers the bare status, which the status code pages turn into problem details.
    /// </summary>
    private static Task Refuse(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        if (context.Request.Path.StartsWithSegments(ApiPath, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = apiStatus;
        }
        else
        {
            context.Response.Redirect(LoginPath);
        }

        return Task.CompletedTask;
    }
}
