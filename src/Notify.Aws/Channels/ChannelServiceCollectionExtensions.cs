using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notify.Aws.Channels.Email;
using Notify.Aws.Channels.InApp;
using Notify.Aws.Channels.Push;
using Notify.Aws.Channels.Sms;
using Notify.Aws.Http;
using Notify.Core.Delivery;

namespace Notify.Aws.Channels;

public static class ChannelServiceCollectionExtensions
{
    /// <summary>
    /// Registers the provider adapters behind the Core channel ports, all singletons (each holds its instance's rate limit):
    /// SES email, SNS SMS, SNS push and the SNS inbox announcer, with their options (<c>Notify:Email</c>, <c>Notify:Sms</c>)
    /// validated at start. Adds <see cref="AwsServiceCollectionExtensions.AddNotifyAws"/> when it is not there yet. Each
    /// concrete type is registered too.
    /// </summary>
    public static IServiceCollection AddNotifyChannels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.Any(d => d.ServiceType == typeof(AwsConnection)))
        {
            services.AddNotifyAws(configuration);
        }

        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SmsOptions>().Bind(configuration.GetSection(SmsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        services.AddPort<IEmailSender, SesEmailSender>();
        services.AddPort<ISmsSender, SnsSmsSender>();
        services.AddPort<IPushSender, SnsPushSender>();
        services.AddPort<IInboxNotifier, SnsInboxNotifier>();
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
