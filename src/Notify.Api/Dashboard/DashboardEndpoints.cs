using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Notify.Api.Apis;
using Notify.Api.Auth;
using Notify.Api.Http;
using Notify.Core.Keys;

namespace Notify.Api.Dashboard;

/// <summary>
/// <c>/dashboard</c>: the login form, the page (one static HTML page and its script over JSON, behind the session
/// cookie), and <c>/dashboard/api/*</c>, the JSON the page reads. Those map the very handlers of the <c>/api</c>
/// endpoints under the dashboard's cookie policy, so the page and API clients see the same answers from the same code
/// while each side keeps its own authentication.
/// </summary>
internal static partial class DashboardEndpoints
{
    /// <summary>The page's own script and style, public (they hold no data).</summary>
    public const string AppAssetsPath = DashboardAuthentication.BasePath + "/app";

    /// <summary>Third-party files vendored with their licence (Chart.js), public.</summary>
    public const string VendorAssetsPath = DashboardAuthentication.BasePath + "/vendor";

    /// <summary>The login form holds a key and a token; Kestrel refuses a larger body before it is read.</summary>
    public const int LoginFormMaxBytes = 16 * 1024;

    private const string PageFile = "dashboard/index.html";

    /// <summary>Maps the dashboard, and serves its static assets from <c>wwwroot</c>: only those two folders, never the page itself.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(AppAssetsPath, StringComparison.OrdinalIgnoreCase)
                       || context.Request.Path.StartsWithSegments(VendorAssetsPath, StringComparison.OrdinalIgnoreCase),
            assets => assets.UseStaticFiles());

        var dashboard = app.MapGroup(DashboardAuthentication.BasePath).ExcludeFromDescription();
        dashboard.MapGet("", Page).RequireAuthorization(DashboardAuthentication.Policy);
        dashboard.MapGet("/login", LoginFormAsync);
        dashboard.MapPost("/login", LoginAsync).WithMetadata(new RequestSizeLimitAttribute(LoginFormMaxBytes));
        dashboard.MapPost("/logout", LogoutAsync).AddEndpointFilter<SameOriginFilter>();

        var api = dashboard.MapGroup("/api").RequireAuthorization(DashboardAuthentication.Policy).AddEndpointFilter<SameOriginFilter>();
        api.MapGet("/lanes", OperationsEndpoints.GetLanesAsync);
        api.MapGet("/stats/deliveries", StatsEndpoints.GetDeliveriesAsync);
        api.MapGet("/events", EventsEndpoints.ListRecentAsync);
        api.MapGet("/events/{eventId}", EventsEndpoints.GetAsync);
        api.MapGet("/dead-letters", DeadLettersEndpoints.ListAsync);
        api.MapPost("/dead-letters/redrive", DeadLettersEndpoints.RedriveAsync);
        api.MapGet("/suppressions", OperationsEndpoints.ListSuppressionsAsync);
        api.MapGet("/keys", KeysEndpoints.ListAsync);
        api.MapDelete("/keys/{id}", KeysEndpoints.RevokeAsync);
        return app;
    }

    private static IResult Page(HttpContext context, IWebHostEnvironment environment) => DashboardPages.StaticPage(context, environment, PageFile, "dashboard page");

    private static async Task<IResult> LoginFormAsync(HttpContext context, IAntiforgery antiforgery)
    {
        var session = await context.AuthenticateAsync(DashboardAuthentication.Scheme);
        return session.Succeeded ? TypedResults.Redirect(DashboardAuthentication.BasePath) : DashboardPages.Login(context, antiforgery, error: null);
    }

    /// <summary>
    /// Checks the key once, the way <c>/api</c> checks a bearer key (the bootstrap key compared in constant time, else
    /// the key row found by its hash); an admin key starts a session. A refused key shows the form again, and sets no cookie.
    /// </summary>
    private static async Task<IResult> LoginAsync(
        HttpContext context, IAntiforgery antiforgery, ApiKeyAuthenticator authenticator, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType)
        {
            return DashboardPages.Login(context, antiforgery, "The form expired. Enter the key again.", StatusCodes.Status400BadRequest);
        }

        try
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return DashboardPages.Login(context, antiforgery, "The form expired. Enter the key again.", StatusCodes.Status400BadRequest);
            }
        }
        catch (AntiforgeryValidationException e)
        {
            // The form itself could not be read (too large, a broken multipart body): no browser posts that.
            return e.InnerException is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                ? Problems.TooLarge(LoginFormMaxBytes)
                : Problems.Invalid("$", "The login form could not be read.");
        }

        var form = await context.Request.ReadFormAsync(cancellationToken);
        var key = form["key"].ToString().Trim();
        var caller = key.Length == 0 ? null : await authenticator.AuthenticateAsync(key, cancellationToken);
        var logger = loggers.CreateLogger(typeof(DashboardEndpoints));
        if (caller is null || !caller.Scopes.HasFlag(ApiScopes.Admin))
        {
            LogLoginRefused(logger, caller?.KeyId);
            return DashboardPages.Login(context, antiforgery, caller is null ? "Unknown or revoked key." : "This key has no admin scope.");
        }

        await context.SignInAsync(
            DashboardAuthentication.Scheme,
            caller.ToPrincipal(DashboardAuthentication.Scheme),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        LogSignedIn(logger, caller.KeyId);
        return TypedResults.Redirect(DashboardAuthentication.BasePath);
    }

    private static async Task<NoContent> LogoutAsync(HttpContext context, ILoggerFactory loggers)
    {
        var session = await context.AuthenticateAsync(DashboardAuthentication.Scheme);
        await context.SignOutAsync(DashboardAuthentication.Scheme);
        if (session.Principal is { } principal && principal.FindFirstValue(ClaimTypes.NameIdentifier) is { } keyId)
        {
            LogSignedOut(loggers.CreateLogger(typeof(DashboardEndpoints)), keyId);
        }

        return TypedResults.NoContent();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard sign-in refused (key id: {KeyId})")]
    private static partial void LogLoginRefused(ILogger logger, string? keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard session started with key {KeyId}")]
    private static partial void LogSignedIn(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard session of key {KeyId} ended")]
    private static partial void LogSignedOut(ILogger logger, string keyId);
}
