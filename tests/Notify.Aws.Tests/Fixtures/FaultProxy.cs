using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Notify.Aws.Tests.Fixtures;

/// <summary>What a request looks like to a fault rule: enough to tell the AWS operation apart in every protocol.</summary>
public sealed record ProxiedRequest(string Method, string Path, string? Target, string? Action);

/// <summary>What to do to a matched request instead of (or before) forwarding it.</summary>
public abstract record Fault
{
    /// <summary>An error answer in the request's protocol (JSON <c>__type</c>, Query XML or REST JSON <c>x-amzn-ErrorType</c>).</summary>
    public sealed record Error(int StatusCode, string Code) : Fault;

    /// <summary>A 400 throttling error with the protocol's code: <c>ThrottlingException</c> in JSON, <c>Throttling</c> in Query.</summary>
    public sealed record Throttling : Fault;

    /// <summary>Waits, then forwards the request as usual.</summary>
    public sealed record Latency(TimeSpan Delay) : Fault;

    /// <summary>Resets the connection before the request reaches the target.</summary>
    public sealed record Abort : Fault;

    /// <summary>Forwards the request, then resets the connection: the call took effect but its answer is lost.</summary>
    public sealed record DropResponse : Fault;

    /// <summary>
    /// Holds the request until its caller goes away (or the proxy stops) and never forwards it: a call in flight when
    /// the calling process dies, which therefore never took effect.
    /// </summary>
    public sealed record Hold : Fault;

    public static Fault ServerError(int statusCode = 500) => new Error(statusCode, statusCode == 503 ? "ServiceUnavailable" : "InternalFailure");
}

/// <summary>
/// A fault that applies to matching requests: the next N of them, each with a seeded probability, or always.
/// Rules are evaluated in order; the first that fires wins.
/// </summary>
public sealed class FaultRule
{
    private readonly Lock _gate = new();
    private readonly Random? _random;
    private int _remaining;
    private int _injected;

    private FaultRule(Fault fault, Func<ProxiedRequest, bool>? match, int remaining, double probability, int seed)
    {
        Fault = fault;
        Match = match ?? (_ => true);
        _remaining = remaining;
        Probability = probability;
        _random = probability < 1 ? new Random(seed) : null;
    }

    public Fault Fault { get; }

    public Func<ProxiedRequest, bool> Match { get; }

    public double Probability { get; }

    public int Injected => Volatile.Read(ref _injected);

    public static FaultRule Next(int count, Fault fault, Func<ProxiedRequest, bool>? match = null) => new(fault, match, count, 1, 0);

    public static FaultRule Always(Fault fault, Func<ProxiedRequest, bool>? match = null) => new(fault, match, int.MaxValue, 1, 0);

    public static FaultRule WithProbability(double probability, int seed, Fault fault, Func<ProxiedRequest, bool>? match = null) =>
        new(fault, match, int.MaxValue, probability, seed);

    /// <summary>Matches an AWS JSON operation by its <c>X-Amz-Target</c> (<c>AmazonSQS.SendMessage</c>) or just the operation name.</summary>
    public static Func<ProxiedRequest, bool> Target(string target) =>
        r => r.Target is { } t && (t == target || t.EndsWith("." + target, StringComparison.Ordinal));

    /// <summary>Matches a Query operation by its <c>Action</c> form field (<c>Publish</c>).</summary>
    public static Func<ProxiedRequest, bool> Action(string action) => r => r.Action == action;

    /// <summary>Matches a REST operation by a path prefix (<c>/v2/email/outbound-emails</c>).</summary>
    public static Func<ProxiedRequest, bool> PathStartsWith(string prefix) => r => r.Path.StartsWith(prefix, StringComparison.Ordinal);

    internal bool TryFire(ProxiedRequest request)
    {
        lock (_gate)
        {
            if (_remaining <= 0 || !Match(request) || (_random is not null && _random.NextDouble() >= Probability))
            {
                return false;
            }

            if (_remaining != int.MaxValue)
            {
                _remaining--;
            }

            _injected++;
            return true;
        }
    }
}

/// <summary>
/// A loopback reverse proxy in front of a local AWS (moto) that injects faults by rule, for retry and
/// end-to-end fault tests. The Host header is forwarded unchanged, so signatures stay valid and moto builds
/// URLs (queue URLs) that point back at the proxy. Counts every request seen and every fault injected.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly List<FaultRule> _rules = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private WebApplication? _app;
    private int _seen;
    private int _faults;

    private FaultProxy(Uri target) => TargetEndpoint = target;

    public Uri TargetEndpoint { get; }

    public Uri Endpoint { get; private set; } = null!;

    public int RequestsSeen => Volatile.Read(ref _seen);

    public int FaultsInjected => Volatile.Read(ref _faults);

    /// <summary>Raised after a fault has been applied (for an error, once the answer is written).</summary>
    public event Action<ProxiedRequest, Fault>? FaultInjected;

    public static async Task<FaultProxy> StartAsync(Uri target)
    {
        var proxy = new FaultProxy(target);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        proxy._app = builder.Build();
        proxy._app.Run(proxy.HandleAsync);
        await proxy._app.StartAsync();
        proxy.Endpoint = new Uri(proxy._app.Urls.First() + "/");
        return proxy;
    }

    public FaultRule Add(FaultRule rule)
    {
        lock (_rules)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>Removes every rule and zeroes the counters, for the next test of a shared proxy.</summary>
    public void Reset()
    {
        lock (_rules)
        {
            _rules.Clear();
        }

        Interlocked.Exchange(ref _seen, 0);
        Interlocked.Exchange(ref _faults, 0);
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _seen);
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.ToArray();
        var proxied = new ProxiedRequest(request.Method, request.Path.Value ?? "/", request.Headers["X-Amz-Target"].FirstOrDefault(), ActionOf(request, bytes));

        FaultRule? rule;
        lock (_rules)
        {
            rule = _rules.FirstOrDefault(r => r.TryFire(proxied));
        }

        if (rule is not null)
        {
            Interlocked.Increment(ref _faults);
        }

        switch (rule?.Fault)
        {
            case Fault.Error error:
                await WriteErrorAsync(context, error.StatusCode, error.Code, error.Code);
                break;
            case Fault.Throttling:
                await WriteErrorAsync(context, 400, "ThrottlingException", "Throttling");
                break;
            case Fault.Abort:
                context.Abort();
                break;
            case Fault.Hold:
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The caller is gone; nothing was forwarded.
                }

                break;
            case Fault.Latency latency:
                await Task.Delay(latency.Delay, context.RequestAborted);
                await ForwardAsync(context, bytes);
                break;
            case Fault.DropResponse:
                using (await SendUpstreamAsync(context, bytes))
                {
                    context.Abort();
                }

                break;
            default:
                await ForwardAsync(context, bytes);
                break;
        }

        if (rule is not null)
        {
            FaultInjected?.Invoke(proxied, rule.Fault);
        }
    }

    private static string? ActionOf(HttpRequest request, byte[] body)
    {
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        var form = System.Text.Encoding.UTF8.GetString(body);
        return form.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(kv => kv[0] == "Action") is [_, var action] ? Uri.UnescapeDataString(action) : null;
    }

    /// <summary>The error in the shape the client's error reader expects for the request's protocol.</summary>
    private static async Task WriteErrorAsync(HttpContext context, int statusCode, string jsonCode, string queryCode)
    {
        var requestId = "fault-" + Guid.NewGuid().ToString("N");
        var response = context.Response;
        response.StatusCode = statusCode;
        response.Headers["x-amzn-RequestId"] = requestId;
        var contentType = context.Request.ContentType ?? string.Empty;
        if (contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            response.ContentType = "text/xml";
            await response.WriteAsync(
                $"<ErrorResponse><Error><Type>{(statusCode >= 500 ? "Receiver" : "Sender")}</Type><Code>{queryCode}</Code>" +
                $"<Message>injected by FaultProxy</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>");
        }
        else if (contentType.StartsWith("application/x-amz-json", StringComparison.OrdinalIgnoreCase))
        {
            response.ContentType = contentType;
            await response.WriteAsync($$"""{"__type":"com.amazonaws.fault#{{jsonCode}}","message":"injected by FaultProxy"}""");
        }
        else
        {
            // REST JSON names the error in a header.
            response.ContentType = "application/json";
            response.Headers["x-amzn-ErrorType"] = jsonCode;
            await response.WriteAsync("""{"message":"injected by FaultProxy"}""");
        }
    }

    private async Task ForwardAsync(HttpContext context, byte[] body)
    {
        using var upstream = await SendUpstreamAsync(context, body);
        context.Response.StatusCode = (int)upstream.StatusCode;
        foreach (var (name, values) in upstream.Headers.Concat(upstream.Content.Headers))
        {
            // Kestrel frames the response itself.
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await upstream.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private async Task<HttpResponseMessage> SendUpstreamAsync(HttpContext context, byte[] body)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        using var message = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(TargetEndpoint, rawTarget));
        if (body.Length > 0 || !HttpMethods.IsGet(context.Request.Method))
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Host included: it is signed, and moto derives URLs from it.
            if (!message.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        return await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _http.Dispose();
    }
}
