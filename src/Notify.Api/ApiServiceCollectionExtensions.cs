using System.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.Api.Apis;
using Notify.Api.Auth;
using Notify.Api.Dashboard;
using Notify.Api.Http;
using Notify.Api.OpenApi;
using Notify.Api.Options;
using Notify.Core;
using Notify.Core.Templates;

namespace Notify.Api;

internal static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// The API's own services: options (validated at start), API key authentication and scope policies, the dashboard's
    /// cookie session, RFC 9457 problem details for every error, Notify's JSON conventions and the OpenAPI document.
    /// </summary>
    public static TBuilder AddNotifyApi<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<IngestionOptions>().Bind(configuration.GetSection(IngestionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ApiKeyOptions>()
            .Bind(configuration.GetSection(ApiKeyOptions.SectionName))
            .Configure(o => o.AdminKey = configuration[ApiKeyOptions.AdminKeyVariable] is { Length: > 0 } key ? key : o.AdminKey)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new TemplateRenderer());
        services.AddSingleton<EventIngestion>();
        services.AddSingleton<LaneDepthReader>();
        services.AddApiKeyAuthentication();
        services.AddDashboardAuthentication();

        services.ConfigureHttpJsonOptions(o => NotifyJson.Configure(o.SerializerOptions));
        // Typed bodies that fail to bind throw, so the exception handler can name the field instead of a bare 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // The global ceiling; each endpoint enforces its own, smaller limit while reading.
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = 2 * 1024 * 1024);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
        });
        services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddNotifyOpenApi();
        return builder;
    }

    /// <summary>Problem details for exceptions and bare status codes, authentication, and the OpenAPI document.</summary>
    public static WebApplication UseNotifyApi(this WebApplication app)
    {
        // Before authentication, so a key lookup that fails on DynamoDB answers 503 as problem details too.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRouteIdValidation();
        app.MapOpenApi();
        return app;
    }
}
