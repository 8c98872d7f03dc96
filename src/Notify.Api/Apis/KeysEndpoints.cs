using Microsoft.AspNetCore.Http.HttpResults;
using Notify.Api.Auth;
using Notify.Api.Http;
using Notify.Api.OpenApi;
using Notify.Core;
using Notify.Core.Events;
using Notify.Core.Keys;

namespace Notify.Api.Apis;

/// <summary><c>/api/keys</c>: API keys, created with their secret shown once, listed without it, revoked.</summary>
internal static class KeysEndpoints
{
    public static IEndpointRouteBuilder MapKeysEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").WithTags("API keys").RequireAuthorization(ApiPolicies.Admin);
        group.MapPost("", CreateAsync)
            .WithName("CreateKey")
            .Accepts<ApiKeyRequest>("application/json")
            .WithRequestExample("""{ "name": "checkout service", "scopes": ["send"], "mode": "live" }""");
        group.MapGet("", ListAsync).WithName("ListKeys");
        group.MapDelete("/{id}", RevokeAsync).WithName("RevokeKey");
        return app;
    }

    public static async Task<Results<Created<CreatedKeyResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext context, IApiKeyStore keys, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(context, IngestionLimits.RequestBodyMaxBytes, cancellationToken);
        if (body.Failed)
        {
            return body.Problem!;
        }

        var parsed = ApiKeyRequestParser.Parse(body.Root);
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors.ToDictionary());
        }

        var request = parsed.Value;
        var secret = ApiKeySecret.Generate(request.Mode);
        var key = new ApiKey(ApiKeySecret.NewId(), request.Name, request.Scopes, request.Mode, time.GetUtcNow(), RevokedAt: null);
        await keys.CreateAsync(key, ApiKeySecret.Hash(secret), cancellationToken);
        return TypedResults.Created($"/api/keys/{key.Id}", new CreatedKeyResponse(key.Id, secret, key.Name, ApiScopeNames.Of(key.Scopes).ToList(), key.Mode, key.CreatedAt));
    }

    public static async Task<Ok<KeyList>> ListAsync(IApiKeyStore keys, CancellationToken cancellationToken)
    {
        var all = await keys.ListAsync(cancellationToken);
        return TypedResults.Ok(new KeyList(all.Select(KeyView.From).ToList()));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string id, IApiKeyStore keys, ApiKeyAuthenticator authenticator, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!await keys.RevokeAsync(id, time.GetUtcNow(), cancellationToken))
        {
            return Problems.NotFound(id == ApiCaller.BootstrapKeyId
                ? "The bootstrap key comes from configuration (NOTIFY_ADMIN_KEY); remove it there."
                : $"No API key '{id}'.");
        }

        authenticator.Forget(id);
        return TypedResults.NoContent();
    }
}

/// <summary>The only answer that ever carries a key's secret.</summary>
internal sealed record CreatedKeyResponse(string Id, string Key, string Name, IReadOnlyList<string> Scopes, KeyMode Mode, DateTimeOffset CreatedAt);

internal sealed record KeyList(IReadOnlyList<KeyView> Items);

internal sealed record KeyView(string Id, string Name, IReadOnlyList<string> Scopes, KeyMode Mode, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool Revoked)
{
    public static KeyView From(ApiKey k) => new(k.Id, k.Name, ApiScopeNames.Of(k.Scopes).ToList(), k.Mode, k.CreatedAt, k.RevokedAt, k.IsRevoked);
}
