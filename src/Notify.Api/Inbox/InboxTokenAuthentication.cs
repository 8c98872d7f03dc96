using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Notify.Api.Auth;

namespace Notify.Api.Inbox;

/// <summary>
/// Authenticates an inbox token from the <c>access_token</c> query parameter (how browsers' EventSource and the SignalR
/// client's WebSocket send it) or <c>Authorization: Bearer &lt;JWT&gt;</c>. The ticket expires with the token, so SignalR closes
/// the connection then (<c>CloseOnAuthenticationExpiration</c>). Refusals answer 401 / 403 problem details.
/// </summary>
internal sealed class InboxTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    InboxTokens tokens,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "InboxToken";

    /// <summary>Either an API key or an inbox token, chosen by what the request presents (see <see cref="InboxPolicies"/>).</summary>
    public const string KeyOrTokenScheme = "ApiKeyOrInboxToken";

    public const string UserClaim = "inbox_user";

    /// <summary>The token's expiry in Unix seconds, so the event stream can end with it.</summary>
    public const string ExpiryClaim = "inbox_exp";

    public const string QueryParameter = "access_token";

    private const string BearerPrefix = "Bearer ";

    /// <summary>The token the request presents, if any: the query parameter, else a bearer value shaped like a token.</summary>
    public static string? PresentedToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query.TryGetValue(QueryParameter, out var query) && query.Count > 0)
        {
            return query.Count == 1 ? query[0] ?? string.Empty : string.Empty;
        }

        var header = request.Headers.Authorization;
        return header.Count == 1 && header[0] is { } value && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
                                 && InboxTokens.LooksLikeToken(value[BearerPrefix.Length..].Trim())
            ? value[BearerPrefix.Length..].Trim()
            : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedToken(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        var check = await tokens.VerifyAsync(token);
        if (!check.IsValid)
        {
            return AuthenticateResult.Fail(check.Failure!);
        }

        var expiry = check.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var identity = new ClaimsIdentity([new Claim(UserClaim, check.UserId!), new Claim(ExpiryClaim, expiry, ClaimValueTypes.Integer64)], SchemeName, UserClaim, null);
        var properties = new AuthenticationProperties { ExpiresUtc = check.ExpiresAt };
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers[HeaderNames.WWWAuthenticate] = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await WriteProblemAsync(
            "Unauthorized",
            result.Failure?.Message ?? $"An inbox token is required: '{QueryParameter}' in the query or 'Authorization: Bearer <token>' (POST /api/users/{{userId}}/inbox-token mints one).");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync("Forbidden", "The inbox token is for another user, or does not grant this operation.");
    }

    private async Task WriteProblemAsync(string title, string detail) =>
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = Response.StatusCode, Title = title, Detail = detail },
        });
}

/// <summary>
/// Who may use the inbox: <see cref="Token"/> (the hub, the event stream) takes an inbox token only; <see cref="ReadOrToken"/>
/// and <see cref="SendOrToken"/> (the listing, marking read) take an API key with the scope, or an inbox token. A token
/// only ever grants its own user: the route's (or the query's) <c>userId</c> must be the token's.
/// </summary>
internal static class InboxPolicies
{
    public const string Token = "inbox";
    public const string ReadOrToken = ApiPolicies.Read + "|" + Token;
    public const string SendOrToken = ApiPolicies.Send + "|" + Token;

    /// <summary>Separates the alternatives of a policy's name, which the OpenAPI document lists as alternative requirements.</summary>
    public const char AlternativeSeparator = '|';

    public static IServiceCollection AddInboxAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<InboxTokens>();
        services.AddSingleton<IAuthorizationHandler, InboxOwnerHandler>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, InboxTokenAuthenticationHandler>(InboxTokenAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(InboxTokenAuthenticationHandler.KeyOrTokenScheme, null, o => o.ForwardDefaultSelector = context =>
                InboxTokenAuthenticationHandler.PresentedToken(context.Request) is null ? ApiKeyAuthenticationHandler.SchemeName : InboxTokenAuthenticationHandler.SchemeName);
        services.AddAuthorizationBuilder()
            .AddPolicy(Token, p => p.AddAuthenticationSchemes(InboxTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().AddRequirements(new InboxOwnerRequirement(null)))
            .AddPolicy(ReadOrToken, p => p.AddAuthenticationSchemes(InboxTokenAuthenticationHandler.KeyOrTokenScheme).RequireAuthenticatedUser()
                .AddRequirements(new InboxOwnerRequirement(ApiScopeNames.Read)))
            .AddPolicy(SendOrToken, p => p.AddAuthenticationSchemes(InboxTokenAuthenticationHandler.KeyOrTokenScheme).RequireAuthenticatedUser()
                .AddRequirements(new InboxOwnerRequirement(ApiScopeNames.Send)));
        return services;
    }

    /// <summary>The user an inbox token grants, or null for any other caller (an API key).</summary>
    public static string? TokenUser(ClaimsPrincipal user) => user?.FindFirst(InboxTokenAuthenticationHandler.UserClaim)?.Value;

    public static DateTimeOffset? TokenExpiry(ClaimsPrincipal user) =>
        long.TryParse(user?.FindFirst(InboxTokenAuthenticationHandler.ExpiryClaim)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}

/// <summary>Met by an API key with <see cref="KeyScope"/> (when one is named), or by an inbox token for the requested user.</summary>
internal sealed record InboxOwnerRequirement(string? KeyScope) : IAuthorizationRequirement;

internal sealed class InboxOwnerHandler : AuthorizationHandler<InboxOwnerRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, InboxOwnerRequirement requirement)
    {
        if (InboxPolicies.TokenUser(context.User) is { } tokenUser)
        {
            // The hub's connection has no userId in its route; a client may still name one, and then it must be its own.
            var requested = context.Resource is HttpContext http
                ? http.GetRouteValue("userId") as string ?? http.Request.Query["userId"].FirstOrDefault()
                : null;
            if (requested is null || string.Equals(requested, tokenUser, StringComparison.Ordinal))
            {
                context.Succeed(requirement);
            }
        }
        else if (requirement.KeyScope is { } scope && context.User.HasClaim(ApiCaller.ScopeClaim, scope))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
