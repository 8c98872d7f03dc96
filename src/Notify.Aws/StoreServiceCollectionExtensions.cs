using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.Aws.DynamoDb;
using Notify.Aws.Http;
using Notify.Aws.Lanes;
using Notify.Aws.Sns;
using Notify.Core.DeadLetters;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Keys;
using Notify.Core.Notifications;
using Notify.Core.Stats;
using Notify.Core.Templates;
using Notify.Core.Users;

namespace Notify.Aws;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the DynamoDB stores behind the Core ports, the FIFO lane publisher, the push endpoint registry and the
    /// due-event sweeper, all singletons, with their options (<c>Notify:Store</c>, <c>Notify:Lanes</c>, <c>Notify:Push</c>)
    /// validated at start. Adds <see cref="AwsServiceCollectionExtensions.AddNotifyAws"/> when it is not there yet.
    /// Each concrete type is registered too (e.g. <see cref="DynamoNotificationStore"/> for the worker's writes).
    /// </summary>
    public static IServiceCollection AddNotifyStores(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.Any(d => d.ServiceType == typeof(AwsConnection)))
        {
            services.AddNotifyAws(configuration);
        }

        services.AddOptions<DynamoStoreOptions>().Bind(configuration.GetSection(DynamoStoreOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LanePublisherOptions>().Bind(configuration.GetSection(LanePublisherOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PushOptions>().Bind(configuration.GetSection(PushOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddPort<IEventStore, DynamoEventStore>();
        services.AddPort<INotificationStore, DynamoNotificationStore>();
        services.AddPort<IUserStore, DynamoUserStore>();
        services.AddPort<ITemplateStore, DynamoTemplateStore>();
        services.AddPort<IApiKeyStore, DynamoApiKeyStore>();
        services.AddPort<IDeadLetterStore, DynamoDeadLetterStore>();
        services.AddPort<IDeliveryStore, DynamoDeliveryStore>();
        services.AddPort<ISuppressionStore, DynamoSuppressionStore>();
        services.AddPort<IDeliveryStatsStore, DynamoDeliveryStatsStore>();
        services.AddPort<ILanePublisher, FifoLanePublisher>();
        services.AddPort<IPushEndpointRegistry, SnsPushEndpointRegistry>();
        services.AddSingleton<DueEventSweeper>();
        return services;
    }

    private static void AddPort<TPort, TImplementation>(this IServiceCollection services)
        where TPort : class
        where TImplementation : class, TPort
    {
        services.AddSingleton<TImplementation>();
        services.AddSingleton<TPort>(sp => sp.GetRequiredService<TImplementation>());
    }
}
