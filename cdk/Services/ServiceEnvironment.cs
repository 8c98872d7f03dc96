extern alias worker;

using System.Globalization;
using Amazon.CDK;
using Notify.Cdk.Stacks;
using Notify.Core.Resources;
using LaneConsumerOptions = worker::Notify.Worker.Lanes.LaneConsumerOptions;

namespace Notify.Cdk.Services;

/// <summary>
/// The configuration both services get as environment variables: CloudFormation's physical names as
/// <c>Notify__Resources__{logical}</c> overrides (with <c>_</c> for <c>-</c>: Lambda refuses <c>-</c> in names), the
/// platform application ARNs, the sender domain, the region and the resource prefix of what Notify names itself.
/// </summary>
internal static class ServiceEnvironment
{
    /// <summary>Kestrel's port in the containers (the images' non-root default); the worker's /alive and /metrics are there.</summary>
    public const int ContainerPort = 8080;

    public static Dictionary<string, string> Common(DeploymentSettings settings, DataStack data, MessagingStack messaging)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(messaging);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Aws__Region"] = Amazon.CDK.Aws.REGION,
            ["Notify__Provisioning__Prefix"] = settings.ResourcePrefix,
            ["Notify__Provisioning__SenderIdentity"] = settings.SenderDomain,
            [Override(NotifyResources.MainTable.Name)] = data.Table.TableName,
            [Override(NotifyResources.Email.ConfigurationSetName)] = messaging.ConfigurationSet.ConfigurationSetName,
            // Structured logs: CloudWatch Logs Insights queries fields instead of parsing text.
            ["Logging__Console__FormatterName"] = "json",
        };
        foreach (var (name, queue) in messaging.Queues)
        {
            environment[Override(name)] = queue.QueueName;
        }

        foreach (var (name, topic) in messaging.Topics)
        {
            environment[Override(name)] = topic.TopicName;
        }

        foreach (var (name, application) in messaging.PlatformApplications.Applications)
        {
            environment[$"Notify__Push__{PushOption(name)}ApplicationArn"] = application.Arn;
        }

        return environment;
    }

    /// <summary>The worker's drain time at shutdown, its default read from the worker itself.</summary>
    public static TimeSpan ShutdownGracePeriod { get; } = new LaneConsumerOptions().ShutdownGracePeriod;

    /// <summary>
    /// How long ECS waits after SIGTERM before SIGKILL: the worker's host waits for the longer of the grace period and its
    /// last long poll, then 10 s for the final release (LaneServiceCollectionExtensions), and 5 s more cover process exit.
    /// </summary>
    public static TimeSpan WorkerStopTimeout { get; } =
        TimeSpan.FromTicks(Math.Max(ShutdownGracePeriod.Ticks, TimeSpan.FromSeconds(new LaneConsumerOptions().WaitTimeSeconds).Ticks)) + TimeSpan.FromSeconds(15);

    public static Dictionary<string, string> Worker(DeploymentSettings settings, DataStack data, MessagingStack messaging)
    {
        var environment = Common(settings, data, messaging);
        environment["Urls"] = $"http://+:{ContainerPort}";
        environment["Notify__Worker__Lanes__ShutdownGracePeriod"] = ShutdownGracePeriod.ToString("c", CultureInfo.InvariantCulture);
        return environment;
    }

    public static Dictionary<string, string> Api(DeploymentSettings settings, DataStack data, MessagingStack messaging)
    {
        var environment = Common(settings, data, messaging);
        environment["Urls"] = $"http://+:{ContainerPort}";
        return environment;
    }

    private static string Override(string logicalName) => $"Notify__Resources__{logicalName.Replace('-', '_')}";

    /// <summary><c>fcm</c> → <c>Fcm</c>, <c>apns-sandbox</c> → <c>ApnsSandbox</c>, as <c>Notify:Push</c> names them.</summary>
    private static string PushOption(string logicalName) => ConstructIds.Of(logicalName);
}
