using Microsoft.Extensions.Primitives;

namespace Notify.Api.Http;

/// <summary>
/// Problem details in JSON whatever the request's <c>Accept</c> says. ASP.NET Core's writer declines a request that
/// accepts neither JSON nor problem+json (<c>Accept: application/xml</c>, <c>text/html</c>), and then a 401 from the key
/// handler or a 400 from the exception handler became a bare 500. RFC 9110 lets a server disregard <c>Accept</c>; an
/// error answer matters more than the negotiation. Registered after the default writer, so it only takes what that one
/// declines, and it hands the problem back to it with the <c>Accept</c> set aside: the same body, type, title and traceId.
/// </summary>
internal sealed class AnyAcceptProblemWriter(IServiceProvider services) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.HttpContext.Request.Headers;
        var accept = headers.Accept;
        headers.Accept = StringValues.Empty;
        try
        {
            // Resolved here: the problem details service itself holds this writer.
            await services.GetRequiredService<IProblemDetailsService>().WriteAsync(context);
        }
        finally
        {
            headers.Accept = accept;
        }
    }
}
