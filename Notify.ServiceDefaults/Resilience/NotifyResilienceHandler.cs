using Polly;
using Polly.Registry;

namespace Notify.ServiceDefaults.Resilience;

/// <summary>
/// Sends each request through the <c>notify-http</c> pipeline. A retry re-sends the same request message: fine for
/// the buffered content webhooks send (string, byte array), not for a one-shot stream.
/// </summary>
internal sealed class NotifyResilienceHandler(ResiliencePipelineRegistry<string> registry, bool perAuthority) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = perAuthority && request.RequestUri is { IsAbsoluteUri: true } uri
            ? $"{NotifyHttpResilience.PipelineName}/{uri.Authority}"
            : NotifyHttpResilience.PipelineName;
        var pipeline = registry.GetPipeline<HttpResponseMessage>(key);
        return await pipeline.ExecuteAsync(
            static (state, ct) => new ValueTask<HttpResponseMessage>(state.Handler.SendCoreAsync(state.Request, ct)),
            (Handler: this, Request: request),
            cancellationToken);
    }

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
