using System.Security.Claims;
using Notify.Core.Events;
using Notify.Core.Keys;

namespace Notify.Api.Auth;

/// <summary>Who is calling: the key's id, what it may do and whether its events reach providers.</summary>
internal sealed record ApiCaller(string KeyId, ApiScopes Scopes, KeyMode Mode)
{
    public const string BootstrapKeyId = "bootstrap";

    public const string ScopeClaim = "scope";
    public const string ModeClaim = "key_mode";

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, KeyId), new(ModeClaim, Mode == KeyMode.Test ? "test" : "live") };
        claims.AddRange(ApiScopeNames.Of(Scopes).Select(s => new Claim(ScopeClaim, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    public static ApiCaller From(ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier)
                 ?? throw new InvalidOperationException("The endpoint runs without an authenticated API key; it must require authorization.");
        var scopes = user.FindAll(ScopeClaim).Aggregate(ApiScopes.None, (all, c) => all | (ApiScopeNames.TryParse(c.Value, out var s) ? s : ApiScopes.None));
        return new ApiCaller(id, scopes, user.FindFirstValue(ModeClaim) == "test" ? KeyMode.Test : KeyMode.Live);
    }
}

/// <summary>The wire names of scopes; <c>admin</c> implies <c>send</c> and <c>read</c>.</summary>
internal static class ApiScopeNames
{
    public const string Send = "send";
    public const string Read = "read";
    public const string Admin = "admin";

    public static IEnumerable<string> Of(ApiScopes scopes)
    {
        if (scopes.HasFlag(ApiScopes.Send))
        {
            yield return Send;
        }

        if (scopes.HasFlag(ApiScopes.Read))
        {
            yield return Read;
        }

        if (scopes.HasFlag(ApiScopes.Admin))
        {
            yield return Admin;
        }
    }

    public static bool TryParse(string name, out ApiScopes scope)
    {
        scope = name switch
        {
            Send => ApiScopes.Send,
            Read => ApiScopes.Read,
            Admin => ApiScopes.Admin,
            _ => ApiScopes.None,
        };
        return scope != ApiScopes.None;
    }
}
