using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Notify.Aws;
using Notify.Aws.Http;
using Notify.Aws.Sqs;
using Notify.Core.Resources;

namespace Notify.Worker.Lanes;

public static class LaneServiceCollectionExtensions
{
    /// <summary>
    /// Consumes the high and low lanes into <typeparamref name="THandler"/> (a singleton, resolved from the container):
    /// registers <see cref="LaneConsumer"/> as a hosted service (and as itself), its options from
    /// <see cref="LaneConsumerOptions.SectionName"/> validated at start, and host options that let it drain on shutdown
    /// (see <see cref="LeaveTimeToDrain"/>). Adds <see cref="AwsServiceCollectionExtensions.AddNotifyAws"/> when it is not
    /// there yet. Call once.
    /// </summary>
    public static IServiceCollection AddLaneConsumer<THandler>(this IServiceCollection services, IConfiguration configuration)
        where THandler : class, ILaneMessageHandler
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddConsumerServices(services, configuration);
        services.AddOptions<LaneConsumerOptions>().Bind(configuration.GetSection(LaneConsumerOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<THandler>();
        services.AddSingleton(sp => new LaneConsumer(
            sp.GetRequiredService<SqsClient>(),
            sp.GetRequiredService<ResourceNaming>(),
            sp.GetRequiredService<THandler>(),
            sp.GetRequiredService<IOptions<LaneConsumerOptions>>(),
            sp.GetRequiredService<LaneMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LaneConsumer>>()));
        services.AddHostedService(sp => sp.GetRequiredService<LaneConsumer>());
        services.AddOptions<HostOptions>().Configure<IEnumerable<IConfigureOptions<LaneConsumerOptions>>, IEnumerable<IPostConfigureOptions<LaneConsumerOptions>>>(
            (host, setups, postSetups) => LeaveTimeToDrain(host, Unvalidated(setups, postSetups, Options.DefaultName)));
        return services;
    }

    /// <summary>
    /// Consumes the queue whose logical name is <paramref name="queueName"/> (e.g. <c>high-dlq</c>, <c>low-dlq</c>,
    /// <c>feedback</c>) into <typeparamref name="THandler"/> (a singleton). Options come from
    /// <c>Notify:Worker:Queues:{queueName}</c>, then <paramref name="configure"/>, as named options (the name is the queue
    /// name), validated at start. May be called once per queue; several queues may share one handler type.
    /// </summary>
    public static IServiceCollection AddQueueConsumer<THandler>(
        this IServiceCollection services, IConfiguration configuration, string queueName, Action<QueueConsumerOptions>? configure = null)
        where THandler : class, ILaneMessageHandler
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        AddConsumerServices(services, configuration);
        var options = services.AddOptions<QueueConsumerOptions>(queueName).Bind(configuration.GetSection($"{QueueConsumerOptions.SectionPrefix}:{queueName}"));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Configure(o => o.QueueName = queueName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<THandler>();

        // Not AddHostedService: it registers an implementation type once, and there is one consumer per queue.
        services.AddSingleton<IHostedService>(sp => new QueueConsumer(
            sp.GetRequiredService<SqsClient>(),
            sp.GetRequiredService<ResourceNaming>(),
            sp.GetRequiredService<THandler>(),
            sp.GetRequiredService<IOptionsMonitor<QueueConsumerOptions>>().Get(queueName),
            sp.GetRequiredService<LaneMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<QueueConsumer>>()));
        services.AddOptions<HostOptions>().Configure<IEnumerable<IConfigureOptions<QueueConsumerOptions>>, IEnumerable<IPostConfigureOptions<QueueConsumerOptions>>>(
            (host, setups, postSetups) => LeaveTimeToDrain(host, Unvalidated(setups, postSetups, queueName)));
        return services;
    }

    /// <summary>
    /// A consumer's stop takes up to the longer of its grace period and its last long poll (which it lets finish rather
    /// than abandon), plus the final release. The host must wait that long, and consumers stop concurrently, so the
    /// shutdown is as long as the slowest consumer's, not the sum.
    /// </summary>
    private static void LeaveTimeToDrain(HostOptions host, MessageConsumerOptions consumer)
    {
        var needed = TimeSpan.FromTicks(Math.Max(consumer.ShutdownGracePeriod.Ticks, TimeSpan.FromSeconds(consumer.WaitTimeSeconds).Ticks)) + TimeSpan.FromSeconds(10);
        if (host.ShutdownTimeout < needed)
        {
            host.ShutdownTimeout = needed;
        }

        host.ServicesStopConcurrently = true;
    }

    /// <summary>
    /// The consumer's options as configured but not validated: invalid ones must fail at start with their own message
    /// (ValidateOnStart), not while the host builds its options.
    /// </summary>
    private static TOptions Unvalidated<TOptions>(IEnumerable<IConfigureOptions<TOptions>> setups, IEnumerable<IPostConfigureOptions<TOptions>> postSetups, string name)
        where TOptions : class =>
        new OptionsFactory<TOptions>(setups, postSetups).Create(name);

    private static void AddConsumerServices(IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(d => d.ServiceType == typeof(AwsConnection)))
        {
            services.AddNotifyAws(configuration);
        }

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LaneMetrics>();
    }
}
