using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Notify.ServiceDefaults.Telemetry;

/// <summary>
/// What OpenTelemetry.Instrumentation.AspNetCore would add to the server span and ASP.NET Core 10 does not (it sets
/// only method, scheme, host and path at creation): the route, the span name <c>{method} {route}</c>, the status
/// code and, for 5xx or an unhandled exception, <c>error.type</c> and an error status. Runs first in the pipeline.
/// </summary>
internal sealed class ServerSpanEnricher : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(EnrichAsync);
        next(app);
    };

    private static async Task EnrichAsync(HttpContext context, RequestDelegate next)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (activity is null || !activity.IsAllDataRequested)
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
            Complete(activity, context, context.Response.StatusCode, exception: null);
        }
        catch (Exception e)
        {
            Complete(activity, context, StatusCodes.Status500InternalServerError, e);
            throw;
        }
    }

    private static void Complete(Activity activity, HttpContext context, int statusCode, Exception? exception)
    {
        var method = context.Request.Method;
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        if (route is not null)
        {
            activity.SetTag("http.route", route);
            activity.DisplayName = $"{method} {route}";
        }
        else
        {
            activity.DisplayName = method;
        }

        activity.SetTag("http.response.status_code", statusCode);
        if (exception is not null)
        {
            activity.SetTag("error.type", exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        }
        else if (statusCode >= 500)
        {
            activity.SetTag("error.type", statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}
