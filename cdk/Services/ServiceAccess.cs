using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Notify.Cdk.Stacks;
using Notify.Core.Resources;

namespace Notify.Cdk.Services;

/// <summary>
/// Least privilege for the two services, from what their code calls (src/Notify.Aws and the callers in Notify.Api and
/// Notify.Worker): construct grants where CDK has one, which add the KMS key use; explicit statements, scoped to ARNs,
/// for the rest. The few actions AWS only authorizes on <c>*</c> are in their own statements, named, and listed in the
/// IAM test's allow-list.
/// </summary>
internal static class ServiceAccess
{
    /// <summary>
    /// The API: the table (events, users, templates, keys, dead letters); sends to both lanes; reads the depth of the
    /// lanes, DLQs and feedback queue (<c>GET /api/lanes</c>); registers push devices as SNS platform endpoints; announces
    /// read marks on inbox-events; on Fargate, the live inbox's own queue per instance (<c>{prefix}-inbox-*</c>).
    /// </summary>
    public static void GrantApi(IRole role, DeploymentSettings settings, DataStack data, MessagingStack messaging)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(messaging);
        var stack = Stack.Of(role);
        data.Table.GrantReadWriteData(role);
        messaging.Queue(NotifyResources.HighLane).GrantSendMessages(role);
        messaging.Queue(NotifyResources.LowLane).GrantSendMessages(role);
        foreach (var queue in new[] { NotifyResources.HighLaneDlq, NotifyResources.LowLaneDlq, NotifyResources.Feedback })
        {
            messaging.Queue(queue).Grant(role, "sqs:GetQueueUrl", "sqs:GetQueueAttributes");
        }

        var applications = messaging.PlatformApplications.Applications.Values.ToList();
        if (applications.Count > 0)
        {
            role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "RegisterPushDevices",
                Actions = ["sns:CreatePlatformEndpoint"],
                Resources = [.. applications.Select(a => a.Arn)],
            }));
            role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "MaintainPushEndpoints",
                Actions = ["sns:GetEndpointAttributes", "sns:SetEndpointAttributes", "sns:DeleteEndpoint"],
                Resources = [.. applications.Select(a => a.EndpointArns)],
            }));
        }

        // Read marks are announced on inbox-events (its ARN looked up with the idempotent CreateTopic).
        var inboxEvents = messaging.Topic(NotifyResources.InboxEventsTopic);
        GrantPublish(messaging, inboxEvents, role);
        GrantTopicLookup(inboxEvents, role);
        if (settings.ApiHosting != ApiHosting.Fargate)
        {
            return;
        }

        // The live inbox's fan-out (Fargate only: Lambda freezes between invocations, so it cannot long-poll a queue):
        // each instance's queue, subscribed to inbox-events, heartbeat tags, and the sweep of dead instances' queues.
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "SubscribeInstanceInboxQueues",
            Actions = ["sns:Subscribe", "sns:Unsubscribe", "sns:ListSubscriptionsByTopic"],
            Resources = [inboxEvents.TopicArn, $"{inboxEvents.TopicArn}:*"],
        }));
        var inboxQueues = new ResourceNaming(settings.ResourcePrefix).InstanceQueuePrefix(NotifyResources.InboxInstanceQueue) + "*";
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "OwnInstanceInboxQueues",
            Actions =
            [
                "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes",
                "sqs:TagQueue", "sqs:ListQueueTags", "sqs:ReceiveMessage", "sqs:DeleteMessage",
            ],
            Resources = [stack.FormatArn(new ArnComponents { Service = "sqs", Resource = inboxQueues, ArnFormat = ArnFormat.NO_RESOURCE_NAME })],
        }));
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "FindOrphanedInboxQueues",
            Actions = ["sqs:ListQueues"],
            Resources = ["*"],
        }));
    }

    /// <summary>
    /// The worker: the table; consumes both lanes (and re-enqueues due events onto them), both lane DLQs and the feedback
    /// queue; sends email with the configuration set; SMS; push to its platforms' endpoints; announces inbox items on
    /// inbox-events, whose ARN it looks up with the idempotent <c>CreateTopic</c>.
    /// </summary>
    public static void GrantWorker(IRole role, DataStack data, MessagingStack messaging)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(messaging);
        data.Table.GrantReadWriteData(role);
        foreach (var lane in new[] { NotifyResources.HighLane, NotifyResources.LowLane })
        {
            messaging.Queue(lane).GrantConsumeMessages(role);
            messaging.Queue(lane).GrantSendMessages(role);
        }

        foreach (var queue in new[] { NotifyResources.HighLaneDlq, NotifyResources.LowLaneDlq, NotifyResources.Feedback })
        {
            messaging.Queue(queue).GrantConsumeMessages(role);
        }

        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "SendEmail",
            Actions = ["ses:SendEmail"],
            Resources = [messaging.SenderIdentityArn, messaging.ConfigurationSetArn],
        }));
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadSendQuota",
            Actions = ["ses:GetAccount"],
            Resources = ["*"],
        }));
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "SendSms",
            Actions = ["sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut"],
            Resources = ["*"],
        }));

        var applications = messaging.PlatformApplications.Applications.Values.ToList();
        if (applications.Count > 0)
        {
            role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "SendPush",
                Actions = ["sns:Publish"],
                Resources = [.. applications.Select(a => a.EndpointArns)],
            }));
        }

        var inboxEvents = messaging.Topic(NotifyResources.InboxEventsTopic);
        GrantPublish(messaging, inboxEvents, role);
        GrantTopicLookup(inboxEvents, role);
    }

    /// <summary>SnsInboxNotifier finds the topic's ARN with CreateTopic, which answers an existing topic's ARN.</summary>
    private static void GrantTopicLookup(Amazon.CDK.AWS.SNS.Topic topic, IRole role) =>
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "LookUpInboxEventsTopic",
            Actions = ["sns:CreateTopic"],
            Resources = [topic.TopicArn],
        }));

    /// <summary>Publishing to a topic encrypted with the topics' key needs the key too; CDK 2.160's topic grant leaves it out.</summary>
    private static void GrantPublish(MessagingStack messaging, Amazon.CDK.AWS.SNS.Topic topic, IRole role)
    {
        topic.GrantPublish(role);
        messaging.TopicKey.Grant(role, "kms:Decrypt", "kms:GenerateDataKey*");
    }
}
