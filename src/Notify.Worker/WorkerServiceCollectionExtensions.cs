using Notify.Aws;
using Notify.Aws.Channels;
using Notify.Core.Resources;
using Notify.Core.Stats;
using Notify.Core.Templates;
using Notify.Worker.DeadLetters;
using Notify.Worker.Delivery;
using Notify.Worker.Feedback;
using Notify.Worker.Lanes;
using Notify.Worker.Scheduling;

namespace Notify.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// Everything the worker runs: the stores and channel adapters, the lane consumer delivering events, the DLQ
    /// consumers recording dead letters, the SES feedback consumer, the due-event sweep and the delivery-stats flusher,
    /// with their options validated at start.
    /// </summary>
    public static IServiceCollection AddNotifyWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNotifyStores(configuration);
        services.AddNotifyChannels(configuration);
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SweepOptions>().Bind(configuration.GetSection(SweepOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeliveryStatsOptions>().Bind(configuration.GetSection(DeliveryStatsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(new TemplateRenderer());
        services.AddSingleton<TemplateCache>();
        services.AddSingleton<ChannelDispatcher>();
        services.AddSingleton<DeliveryStatsAggregator>();

        services.AddLaneConsumer<EventDeliveryHandler>(configuration);
        services.AddQueueConsumer<DeadLetterHandler>(configuration, NotifyResources.HighLaneDlq.Name);
        services.AddQueueConsumer<DeadLetterHandler>(configuration, NotifyResources.LowLaneDlq.Name);
        services.AddQueueConsumer<ProviderFeedbackHandler>(configuration, NotifyResources.Feedback.Name);
        services.AddHostedService<DueEventSweepService>();
        services.AddHostedService<QueueDepthSampler>();
        services.AddHostedService<ScheduledBacklogSampler>();
        services.AddSingleton<DeliveryStatsFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryStatsFlusher>());
        return services;
    }
}
