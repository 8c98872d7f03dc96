namespace Notify.Api.Dashboard;

/// <summary>
/// Cross-site request protection of the dashboard's JSON calls (and logout). The page calls them with <c>fetch</c>, so
/// instead of anti-forgery tokens (which a static page would first have to fetch and echo) they must carry
/// <see cref="HeaderName"/>: a cross-site page can only send a custom header after a CORS preflight, which Notify never
/// grants. On top of that the session cookie is SameSite=Strict (a cross-site request does not carry it at all), and a
/// request whose <c>Origin</c> or <c>Sec-Fetch-Site</c> says it comes from another site is refused outright.
/// </summary>
internal sealed class SameOriginFilter : IEndpointFilter
{
    public const string HeaderName = "X-Notify-Dashboard";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (RefusalOf(context.HttpContext.Request) is { } reason)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused.", detail: reason);
        }

        return await next(context);
    }

    internal static string? RefusalOf(HttpRequest request)
    {
        if (request.Headers[HeaderName].Count == 0)
        {
            return $"Dashboard calls carry the '{HeaderName}' header; a cross-site page cannot send it.";
        }

        var origin = request.Headers.Origin;
        if (origin.Count > 1 || (origin.Count == 1 && !IsSameHost(origin[0], request)))
        {
            return "The request comes from another origin.";
        }

        var site = request.Headers["Sec-Fetch-Site"];
        if (site.Count > 0 && site[0] is not ("same-origin" or "none"))
        {
            return "The request comes from another site.";
        }

        return null;
    }

    /// <summary>
    /// Compares hosts and ports only: behind a TLS-terminating proxy the request's scheme is http while the page's origin
    /// is https, and a different site cannot have this host anyway.
    /// </summary>
    private static bool IsSameHost(string? origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
