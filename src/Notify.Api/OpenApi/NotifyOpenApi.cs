using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Notify.Api.Auth;
using Notify.Api.Inbox;

namespace Notify.Api.OpenApi;

/// <summary>An example request body, shown in the OpenAPI document for the endpoint that carries it.</summary>
internal sealed record RequestExample(string Json);

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: the bearer scheme, each operation's required scope, and the
/// request examples endpoints declare with <see cref="WithRequestExample{TBuilder}"/>.
/// </summary>
internal static class NotifyOpenApi
{
    public const string SecuritySchemeName = "apiKey";
    public const string InboxTokenSchemeName = "inboxToken";

    public static IServiceCollection AddNotifyOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<DocumentTransformer>();
            options.AddOperationTransformer<OperationTransformer>();
        });

    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, string json)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExample(json));

    private sealed class DocumentTransformer : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            document.Info.Title = "Notify API";
            document.Info.Description = "Ingests events and manages who gets what. Every /api operation takes 'Authorization: Bearer <API key>'.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "nfy_live_… / nfy_test_…",
                Description = "An API key. Scopes: send (ingest events, write user data), read (GETs), admin (templates, keys, dead letters; implies send and read).",
            };
            document.Components.SecuritySchemes[InboxTokenSchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A short-lived inbox token for one user (POST /api/users/{userId}/inbox-token), as a bearer or the access_token query parameter.",
            };
            return Task.CompletedTask;
        }
    }

    private sealed class OperationTransformer : IOpenApiOperationTransformer
    {
        public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<RequestExample>().LastOrDefault() is { } example && operation.RequestBody?.Content is { } content)
            {
                foreach (var media in content.Values)
                {
                    media.Example = JsonNode.Parse(example.Json);
                }
            }

            // A policy named "read|inbox" takes either: a key with the scope, or an inbox token (alternative requirements).
            var alternatives = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>()
                .SelectMany(p => p.Split(InboxPolicies.AlternativeSeparator)).Distinct().ToList();
            var scopes = alternatives.Where(a => a != InboxPolicies.Token).ToList();
            var token = alternatives.Contains(InboxPolicies.Token);
            var requires = new List<string>();
            operation.Security = [];
            if (scopes.Count > 0)
            {
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = scopes });
                requires.Add($"scope {string.Join(", ", scopes)}{(scopes.Contains(ApiPolicies.Admin) ? string.Empty : " (or admin)")}");
            }

            if (token)
            {
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(InboxTokenSchemeName, context.Document)] = [] });
                requires.Add("an inbox token for the user");
            }

            if (requires.Count > 0)
            {
                operation.Description = $"{operation.Description}{(string.IsNullOrEmpty(operation.Description) ? string.Empty : " ")}Requires {string.Join(", or ", requires)}.";
            }
            else
            {
                operation.Security = null;
            }

            return Task.CompletedTask;
        }
    }
}
