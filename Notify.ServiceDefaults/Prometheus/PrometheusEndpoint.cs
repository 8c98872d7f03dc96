using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Notify.ServiceDefaults.Prometheus;

/// <summary><c>GET /metrics</c>: content negotiation between the text format 0.0.4 and OpenMetrics 1.0.</summary>
internal static class PrometheusEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        var scraper = context.RequestServices.GetRequiredService<PrometheusScraper>();
        var scrape = await scraper.ScrapeAsync(context.RequestAborted);
        if (scrape is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var format = Negotiate(context.Request.Headers.Accept.ToString());
        var body = scrape.Body(format);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = PrometheusScrape.ContentType(format);
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>OpenMetrics when the scraper ranks it at least as high as the text format (Prometheus does).</summary>
    internal static PrometheusFormat Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept) || !MediaTypeHeaderValue.TryParseList([accept], out var types))
        {
            return PrometheusFormat.Text004;
        }

        double openMetrics = -1, text = -1;
        foreach (var type in types)
        {
            var q = type.Quality ?? 1.0;
            if (type.MediaType.Equals("application/openmetrics-text", StringComparison.OrdinalIgnoreCase))
            {
                openMetrics = Math.Max(openMetrics, q);
            }
            else if (type.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
            {
                text = Math.Max(text, q);
            }
        }

        return openMetrics > 0 && openMetrics >= text ? PrometheusFormat.OpenMetrics100 : PrometheusFormat.Text004;
    }
}
