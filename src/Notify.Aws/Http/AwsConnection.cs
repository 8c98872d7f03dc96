using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace Notify.Aws.Http;

/// <summary>
/// Where and as whom Notify talks to AWS. Credentials and region come from AWSSDK.Core's resolution chain
/// (environment, shared profiles, SSO, web identity, ECS and EC2 roles); endpoints are resolved the way the
/// official SDKs do, so one binary talks to moto, LocalStack or AWS.
/// </summary>
public sealed class AwsConnection
{
    public required RegionEndpoint Region { get; init; }

    public required AWSCredentials Credentials { get; init; }

    /// <summary>An explicit endpoint for every service (a local AWS); wins over the environment.</summary>
    public Uri? EndpointUrl { get; init; }

    /// <summary>Resolves credentials and region from the environment, optionally from a named profile.</summary>
    public static AwsConnection FromEnvironment(string? region = null, string? profile = null, Uri? endpointUrl = null)
    {
        AWSCredentials credentials;
        RegionEndpoint? profileRegion = null;
        if (!string.IsNullOrEmpty(profile))
        {
            var chain = new CredentialProfileStoreChain();
            if (!chain.TryGetAWSCredentials(profile, out credentials))
            {
                throw new InvalidOperationException($"AWS profile '{profile}' was not found in the shared config or credentials files.");
            }

            if (chain.TryGetProfile(profile, out var p))
            {
                profileRegion = p.Region;
            }
        }
        else
        {
            try
            {
                credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials();
            }
            catch (AmazonClientException) when (endpointUrl is { IsLoopback: true })
            {
                // A local emulator (moto, LocalStack) accepts any signature; a developer should not need fake keys for it.
                credentials = new BasicAWSCredentials("test", "test");
            }
        }

        var resolvedRegion = !string.IsNullOrEmpty(region) ? RegionEndpoint.GetBySystemName(region)
            : profileRegion ?? FallbackRegionFactory.GetRegionEndpoint()
            ?? throw new InvalidOperationException("No AWS region: set AWS_REGION (or AWS_DEFAULT_REGION), a profile region, or the Aws:Region setting.");

        return new AwsConnection { Region = resolvedRegion, Credentials = credentials, EndpointUrl = endpointUrl };
    }

    /// <summary>A connection to a local AWS emulator (moto, LocalStack): fixed dummy credentials, one endpoint.</summary>
    public static AwsConnection ForLocal(Uri endpointUrl, string region = "us-east-1") => new()
    {
        Region = RegionEndpoint.GetBySystemName(region),
        Credentials = new BasicAWSCredentials("test", "test"),
        EndpointUrl = endpointUrl,
    };

    /// <summary>
    /// Resolution order of the official SDKs: service-specific <c>AWS_ENDPOINT_URL_{SERVICE}</c>, then the
    /// global <c>AWS_ENDPOINT_URL</c> (both ignored when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c>),
    /// then the regional endpoint. An explicit <see cref="EndpointUrl"/> wins over all of them.
    /// </summary>
    public Uri ResolveEndpoint(AwsService service) => ResolveEndpoint(service, Region, EndpointUrl, Environment.GetEnvironmentVariable);

    internal static Uri ResolveEndpoint(AwsService service, RegionEndpoint region, Uri? explicitUrl, Func<string, string?> env)
    {
        if (explicitUrl is not null)
        {
            return explicitUrl;
        }

        if (!string.Equals(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var key in service.EndpointEnvironmentKeys)
            {
                if (env("AWS_ENDPOINT_URL_" + key) is { Length: > 0 } specific)
                {
                    return new Uri(specific);
                }
            }

            if (env("AWS_ENDPOINT_URL") is { Length: > 0 } global)
            {
                return new Uri(global);
            }
        }

        var dnsSuffix = region.PartitionDnsSuffix ?? "amazonaws.com";
        return new Uri($"https://{service.EndpointPrefix}.{region.SystemName}.{dnsSuffix}/");
    }
}
