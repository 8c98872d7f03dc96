using Amazon.CDK;
using Notify.Cdk.Stacks;

namespace Notify.Cdk;

internal sealed record NotifyStacks(DeploymentSettings Settings, DataStack Data, MessagingStack Messaging, ServicesStack Services)
{
    public IEnumerable<Stack> All => [Data, Messaging, Services];
}

/// <summary>
/// Notify on AWS as three stacks by lifecycle: data (the table, kept in prod), messaging (queues, topics, SES, push
/// platforms) and services (API, worker, alarms), which redeploy with every release without touching state.
/// </summary>
internal static class NotifyApp
{
    public static NotifyStacks Compose(App app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = DeploymentSettings.FromContext(app.Node);
        var data = new DataStack(app, "NotifyData", Props(settings, "data", "Notify's DynamoDB table and its key"), settings);
        var messaging = new MessagingStack(app, "NotifyMessaging", Props(settings, "messaging", "Notify's SQS lanes, SNS topics, SES sending and push platforms"), settings);
        var services = new ServicesStack(app, "NotifyServices", Props(settings, "services", "Notify's API and delivery worker, their alarms"), settings, data, messaging);
        Tags.Of(app).Add("app", "notify");
        Tags.Of(app).Add("stage", settings.Stage.Name);
        return new NotifyStacks(settings, data, messaging, services);
    }

    private static StackProps Props(DeploymentSettings settings, string part, string description) => new()
    {
        StackName = $"{settings.ResourcePrefix}-{part}",
        Description = $"{description} ({settings.Stage.Name})",
        Env = settings.Environment,
    };
}
