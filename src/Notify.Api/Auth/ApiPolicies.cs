using Microsoft.AspNetCore.Authentication;

namespace Notify.Api.Auth;

/// <summary>Authorization policies, one per scope; an admin key carries all three scope claims.</summary>
internal static class ApiPolicies
{
    public const string Send = ApiScopeNames.Send;
    public const string Read = ApiScopeNames.Read;
    public const string Admin = ApiScopeNames.Admin;

    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Send, p => p.RequireAuthenticatedUser().RequireClaim(ApiCaller.ScopeClaim, ApiScopeNames.Send))
            .AddPolicy(Read, p => p.RequireAuthenticatedUser().RequireClaim(ApiCaller.ScopeClaim, ApiScopeNames.Read))
            .AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireClaim(ApiCaller.ScopeClaim, ApiScopeNames.Admin));
        return services;
    }
}
