using System.Diagnostics;
using Amazon.Runtime.Signing;
using Polly;

namespace Notify.Aws.Http;

/// <summary>
/// Sends one AWS operation: resolves the endpoint, signs every attempt afresh with AWSSDK.Core's SigV4 signer
/// (a retried request needs a new X-Amz-Date), retries through the resilience pipeline and turns error
/// responses into <see cref="AwsServiceException"/>. One pooled <see cref="HttpClient"/> per service.
/// </summary>
public sealed class AwsTransport : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _pipeline;
    private readonly IAwsErrorReader _errors;

    public AwsTransport(AwsService service, AwsConnection connection, IAwsErrorReader errors, AwsRetryOptions? retry = null, HttpMessageHandler? handler = null)
    {
        Service = service;
        Connection = connection;
        Endpoint = connection.ResolveEndpoint(service);
        _errors = errors;
        _pipeline = AwsResilience.CreatePipeline(retry ?? new AwsRetryOptions());
        _http = new HttpClient(handler ?? CreateHandler(), disposeHandler: true)
        {
            // Per-attempt timeouts come from the pipeline; the client's own would fire across retries.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public AwsService Service { get; }

    public AwsConnection Connection { get; }

    public Uri Endpoint { get; }

    /// <summary>
    /// Pooled connections recycled every few minutes so DNS changes of AWS endpoints are picked up.
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50),
        MaxConnectionsPerServer = 256,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    public async Task<AwsResponse> SendAsync(AwsHttpRequest request, CancellationToken cancellationToken)
    {
        using var activity = AwsTelemetry.Source.StartActivity($"{Service.ServiceId}.{request.Operation}", ActivityKind.Client);
        activity?.SetTag("rpc.system", "aws-api");
        activity?.SetTag("rpc.service", Service.ServiceId);
        activity?.SetTag("rpc.method", request.Operation);
        activity?.SetTag("server.address", Endpoint.Host);
        if (activity is not null)
        {
            foreach (var (name, value) in request.SpanTags)
            {
                activity.SetTag(name, value);
            }
        }

        var started = Stopwatch.GetTimestamp();
        var attempts = 0;
        var outcome = "ok";
        try
        {
            var response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    return await SendOnceAsync(request, attempts, token);
                },
                cancellationToken);
            activity?.SetTag("aws.request_id", response.RequestId);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            return response with { Attempts = attempts };
        }
        catch (AwsServiceException e)
        {
            outcome = e.ErrorCode;
            activity?.SetTag("aws.request_id", e.RequestId);
            activity?.SetTag("aws.error_code", e.ErrorCode);
            activity?.SetTag("http.response.status_code", (int)e.StatusCode);
            activity?.SetStatus(ActivityStatusCode.Error, e.ErrorCode);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            outcome = e.GetType().Name;
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            activity?.SetTag("aws.attempts", attempts);
            AwsTelemetry.Duration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("service", Service.ServiceId),
                new KeyValuePair<string, object?>("operation", request.Operation),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private async ValueTask<AwsResponse> SendOnceAsync(AwsHttpRequest request, int attempt, CancellationToken cancellationToken)
    {
        using var message = Sign(request);
        AwsTelemetry.Requests.Add(
            1,
            new KeyValuePair<string, object?>("service", Service.ServiceId),
            new KeyValuePair<string, object?>("operation", request.Operation));

        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return new AwsResponse(response.StatusCode, body, JsonErrorReader.RequestIdOf(response.Headers), attempt);
        }

        var error = _errors.Read(response.Headers, body);
        throw new AwsServiceException(Service.ServiceId, request.Operation, error.Code, error.Message, response.StatusCode, error.RequestId, error.QueryErrorCode);
    }

    /// <summary>Builds the HTTP message and signs it. Internal so the benchmark can measure sign + serialize alone.</summary>
    internal HttpRequestMessage Sign(AwsHttpRequest request)
    {
        var uri = new Uri(Endpoint, request.PathAndQuery);
        var body = request.Body.ToArray();
        var signing = new AWSSigningRequest { HttpMethod = request.Method, RequestUri = uri, Content = body };
        if (request.ContentType is not null)
        {
            signing.Headers["Content-Type"] = request.ContentType;
        }

        foreach (var (name, value) in request.Headers)
        {
            signing.Headers[name] = value;
        }

        var signed = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
        {
            Credentials = Connection.Credentials,
            Region = Connection.Region,
            Service = Service.SigningName,
            SignPayload = true,
        });

        var message = new HttpRequestMessage(request.Method, uri);
        if (request.Method != HttpMethod.Get || body.Length > 0)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.Remove("Content-Type");
        }

        foreach (var (name, value) in signing.Headers.Concat(signed.Headers))
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                // The signed value must go out byte for byte, so skip header validation and normalisation.
                message.Content?.Headers.TryAddWithoutValidation("Content-Type", value);
            }
            else if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    public void Dispose()
    {
        _http.Dispose();
    }
}
