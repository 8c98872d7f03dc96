using Amazon.DynamoDBv2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.Aws.DynamoDb;
using Notify.Aws.Http;
using Notify.Aws.Provisioning;
using Notify.Aws.Ses;
using Notify.Aws.Ses.V2;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Core.Resources;

namespace Notify.Aws;

public static class AwsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the AWS connection (from <c>Aws</c>, else the SDK resolution chain), the retry policy (<c>Aws:Retry</c>),
    /// one pooled client per service and the resource names (<c>Notify:Provisioning:Prefix</c>, overridden one by one from
    /// <c>Notify:Resources</c>), all validated at start.
    /// </summary>
    public static IServiceCollection AddNotifyAws(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.SectionName)).ValidateOnStart();
        services.AddOptions<AwsRetryOptions>().Bind(configuration.GetSection(AwsRetryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AwsOptions>>().Value.ToConnection());
        services.AddOptions<ResourceNamesOptions>()
            .Configure(o =>
            {
                foreach (var name in configuration.GetSection(ResourceNamesOptions.SectionName).GetChildren())
                {
                    o.Names[name.Key] = name.Value ?? "";
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton(sp => new ResourceNaming(
            sp.GetRequiredService<IOptions<ProvisioningOptions>>().Value.Prefix,
            sp.GetRequiredService<IOptions<ResourceNamesOptions>>().Value.Names));
        services.AddSingleton(sp => new SqsClient(sp.GetRequiredService<AwsConnection>(), Retry(sp)));
        services.AddSingleton(sp => new SnsClient(sp.GetRequiredService<AwsConnection>(), Retry(sp)));
        services.AddSingleton(sp => new SesV2Client(sp.GetRequiredService<AwsConnection>(), Retry(sp)));
        services.AddSingleton(sp => new SesClient(sp.GetRequiredService<AwsConnection>(), Retry(sp)));
        services.AddSingleton<IAmazonDynamoDB>(sp => DynamoDbClientFactory.Create(sp.GetRequiredService<AwsConnection>(), Retry(sp)));
        return services;
    }

    private static AwsRetryOptions Retry(IServiceProvider sp) => sp.GetRequiredService<IOptions<AwsRetryOptions>>().Value;
}
