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

            // Route the SDK's HTTP through a handler that counts requests on the same meter as Notify's own clients,
            // so "AWS requests per accepted event" includes DynamoDB.
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
            new(new CountingHandler { InnerHandler = AwsTransport.CreateHandler() }) { Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100) };

        // One client for the process, as the SDK's own factory would cache it.
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public override string GetConfigUniqueString(IClientConfig clientConfig) => "notify-dynamodb";
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.FirstOrDefault() : null;
            AwsTelemetry.Requests.Add(
                1,
                new KeyValuePair<string, object?>("service", AwsService.DynamoDb.ServiceId),
                new KeyValuePair<string, object?>("operation", target?[(target.IndexOf('.', StringComparison.Ordinal) + 1)..] ?? "unknown"));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
