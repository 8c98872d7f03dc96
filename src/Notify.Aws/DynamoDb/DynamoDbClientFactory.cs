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
}
