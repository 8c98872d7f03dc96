using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Notify.Aws.Http;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// DynamoDB goes through the official AWSSDK.DynamoDBv2 (it restores here), configured with the same
/// connection and endpoint rules as Notify's own clients so all four services point at the same AWS.
/// </summary>
public static class DynamoDbClientFactory
{
    public static AmazonDynamoDBClient Create(AwsConnection connection, AwsRetryOptions? retry = null)
    {
        retry ??= new AwsRetryOptions();
        var endpoint = connection.ResolveEndpoint(AwsService.DynamoDb);
        var config = new AmazonDynamoDBConfig
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = Math.Max(0, retry.MaxAttempts - 1),
            Timeout = retry.AttemptTimeout,

            // Route the SDK's HTTP through a handler that counts and traces requests like Notify's own clients, so
            // "AWS requests per accepted event" and the traces include DynamoDB.
            HttpClientFactory = new CountingHttpClientFactory(),
        };

        if (endpoint.Host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) || endpoint.Host.EndsWith(".amazonaws.com.cn", StringComparison.OrdinalIgnoreCase))
        {
            config.RegionEndpoint = connection.Region;
        }
        else
        {
            // A custom endpoint (moto, LocalStack, a VPC endpoint) still signs for the connection's region.
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = connection.Region.SystemName;
        }

        return new AmazonDynamoDBClient(connection.Credentials, config);
    }

    private sealed class CountingHttpClientFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new TelemetryHandler { InnerHandler = AwsTransport.CreateHandler() }) { Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100) };

        // One client for the process, as the SDK's own factory would cache it.
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public override string GetConfigUniqueString(IClientConfig clientConfig) => "notify-dynamodb";
    }

    /// <summary>
    /// Counts each HTTP attempt on Notify's meter and traces it as a client span (<c>DynamoDB.{operation}</c>) beside the
    /// spans of Notify's own clients; the SDK retries inside, so a retried call shows one span per attempt.
    /// </summary>
    private sealed class TelemetryHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.FirstOrDefault() : null;
            var operation = target?[(target.IndexOf('.', StringComparison.Ordinal) + 1)..] ?? "unknown";
            AwsTelemetry.Requests.Add(
                1,
                new KeyValuePair<string, object?>("service", AwsService.DynamoDb.ServiceId),
                new KeyValuePair<string, object?>("operation", operation));
            using var activity = AwsTelemetry.Source.StartActivity($"{AwsService.DynamoDb.ServiceId}.{operation}", System.Diagnostics.ActivityKind.Client);
            activity?.SetTag("rpc.system", "aws-api").SetTag("rpc.service", AwsService.DynamoDb.ServiceId).SetTag("rpc.method", operation)
                .SetTag("server.address", request.RequestUri?.Host);
            var response = await base.SendAsync(request, cancellationToken);
            if (activity is not null)
            {
                activity.SetTag("http.response.status_code", (int)response.StatusCode);
                activity.SetTag("aws.request_id", response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null);
                if (!response.IsSuccessStatusCode)
                {
                    activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            return response;
        }
    }
}
