using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Notify.Api.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>. Challenges and forbids answer RFC 9457 problem details. Failure messages
/// never carry the presented key: they end up in logs.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyAuthenticator authenticator,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var value = header.Count == 1 ? header[0] ?? string.Empty : string.Empty;
        if (!value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <API key>'.");
        }

        // An inbox token is no API key: its own scheme checks it, without a key lookup here.
        if (Inbox.InboxTokens.LooksLikeToken(value[BearerPrefix.Length..].Trim()))
        {
            return AuthenticateResult.NoResult();
        }

        var caller = await authenticator.AuthenticateAsync(value[BearerPrefix.Length..].Trim(), Context.RequestAborted);
        return caller is null
            ? AuthenticateResult.Fail("The API key is unknown or revoked.")
            : AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        await WriteProblemAsync(
            "Unauthorized",
            result.Failure?.Message ?? "An API key is required: send 'Authorization: Bearer <API key>'.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync("Forbidden", "The API key lacks the scope this operation needs.");
    }

    private async Task WriteProblemAsync(string title, string detail)
    {
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = Response.StatusCode, Title = title, Detail = detail },
        });
    }
}
