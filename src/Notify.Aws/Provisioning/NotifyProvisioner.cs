using Amazon.DynamoDBv2;
using Notify.Aws.DynamoDb;
using Notify.Aws.Http;
using Notify.Aws.Ses;
using Notify.Aws.Ses.V2;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Core.Resources;

namespace Notify.Aws.Provisioning;

/// <summary>
/// Creates everything in <see cref="NotifyResources"/> on any endpoint (moto, LocalStack, an AWS account),
/// idempotently: each resource is looked up first and created or brought in line only when needed, so a second run
/// changes nothing. The CDK app deploys the same definition on AWS; this is for local runs and tests.
/// </summary>
public sealed class NotifyProvisioner(SqsClient sqs, SnsClient sns, SesV2Client sesV2, SesClient ses, IAmazonDynamoDB dynamo, ProvisioningOptions options)
{
    private readonly ResourceNaming _naming = new(options.Prefix);

    /// <summary>Provisions with clients of its own over <paramref name="connection"/>.</summary>
    public static async Task<ProvisioningReport> ProvisionAsync(AwsConnection connection, ProvisioningOptions options, CancellationToken cancellationToken = default)
    {
        using var sqs = new SqsClient(connection);
        using var sns = new SnsClient(connection);
        using var sesV2 = new SesV2Client(connection);
        using var ses = new SesClient(connection);
        using var dynamo = DynamoDbClientFactory.Create(connection);
        return await new NotifyProvisioner(sqs, sns, sesV2, ses, dynamo, options).ProvisionAsync(cancellationToken);
    }

    public async Task<ProvisioningReport> ProvisionAsync(CancellationToken cancellationToken = default)
    {
        var report = new List<ProvisionedResource>();

        var topicArns = new Dictionary<string, string>();
        var existingTopics = await ListTopicArnsAsync(cancellationToken);
        foreach (var topic in NotifyResources.Topics)
        {
            var name = _naming.Topic(topic);
            var arn = existingTopics.FirstOrDefault(a => a.EndsWith(":" + name, StringComparison.Ordinal));
            var action = ProvisioningAction.Unchanged;
            if (arn is null)
            {
                arn = (await sns.CreateTopicAsync(new CreateTopicRequest { Name = name }, cancellationToken)).TopicArn!;
                action = ProvisioningAction.Created;
            }

            topicArns[topic.Name] = arn;
            report.Add(new ProvisionedResource("topic", name, arn, action));
        }

        // Dead-letter queues come first in the definition, so a lane always finds its DLQ's ARN here.
        var queues = new SqsQueueProvisioner(sqs);
        var queueArns = new Dictionary<string, string>();
        foreach (var queue in NotifyResources.Queues)
        {
            var sendingTopics = NotifyResources.Subscriptions.Where(s => s.Queue == queue.Name).Select(s => topicArns[s.Topic]).ToList();
            var (resource, arn) = await queues.EnsureAsync(
                queue,
                _naming.Queue(queue),
                queue.DeadLetter is { } dl ? queueArns[dl.DeadLetterQueue] : null,
                queueArn => sendingTopics.Count == 0 ? null : SqsQueueProvisioner.PolicyAllowingTopics(queueArn, sendingTopics),
                cancellationToken);
            queueArns[queue.Name] = arn;
            report.Add(resource);
        }

        foreach (var subscription in NotifyResources.Subscriptions)
        {
            report.Add(await EnsureSubscriptionAsync(subscription, topicArns[subscription.Topic], queueArns[subscription.Queue], cancellationToken));
        }

        var tables = new DynamoDbTableProvisioner(dynamo);
        foreach (var table in NotifyResources.Tables)
        {
            report.Add(await tables.EnsureAsync(table, _naming.Table(table), cancellationToken));
        }

        if (options.CreatePlatformApplications)
        {
            report.AddRange(await EnsurePlatformApplicationsAsync(cancellationToken));
        }

        report.AddRange(await new SesProvisioner(sesV2, ses).EnsureAsync(
            options.SenderIdentity, _naming.ConfigurationSet(NotifyResources.Email), NotifyResources.Email.EventDestinationName,
            topicArns[NotifyResources.Email.FeedbackTopic], cancellationToken));

        return new ProvisioningReport(report);
    }

    private async Task<IEnumerable<ProvisionedResource>> EnsurePlatformApplicationsAsync(CancellationToken cancellationToken)
    {
        var existing = new List<string>();
        string? next = null;
        do
        {
            var page = await sns.ListPlatformApplicationsAsync(new ListPlatformApplicationsRequest { NextToken = next }, cancellationToken);
            existing.AddRange(page.PlatformApplications.Select(a => a.PlatformApplicationArn!));
            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        var results = new List<ProvisionedResource>();
        foreach (var application in NotifyResources.PlatformApplications)
        {
            var name = _naming.PlatformApplication(application);
            var arn = existing.FirstOrDefault(a => a.EndsWith($"/{application.Platform}/{name}", StringComparison.Ordinal));
            var action = ProvisioningAction.Unchanged;
            if (arn is null)
            {
                arn = (await sns.CreatePlatformApplicationAsync(
                    new CreatePlatformApplicationRequest
                    {
                        Name = name,
                        Platform = application.Platform,
                        Attributes = new() { ["PlatformCredential"] = "local-placeholder", ["PlatformPrincipal"] = "local-placeholder" },
                    },
                    cancellationToken)).PlatformApplicationArn!;
                action = ProvisioningAction.Created;
            }

            results.Add(new ProvisionedResource("platform-application", name, arn, action));
        }

        return results;
    }

    private async Task<List<string>> ListTopicArnsAsync(CancellationToken cancellationToken)
    {
        var arns = new List<string>();
        string? next = null;
        do
        {
            var page = await sns.ListTopicsAsync(new ListTopicsRequest { NextToken = next }, cancellationToken);
            arns.AddRange(page.Topics.Select(t => t.TopicArn!));
            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        return arns;
    }

    private async Task<ProvisionedResource> EnsureSubscriptionAsync(SubscriptionDefinition subscription, string topicArn, string queueArn, CancellationToken cancellationToken)
    {
        var name = $"{_naming.Topic(subscription.Topic)} -> {_naming.Queue(subscription.Queue)}";
        string? next = null;
        do
        {
            var page = await sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = topicArn, NextToken = next }, cancellationToken);
            if (page.Subscriptions.FirstOrDefault(s => s.Protocol == "sqs" && s.Endpoint == queueArn) is { } existing)
            {
                return new ProvisionedResource("subscription", name, existing.SubscriptionArn!, ProvisioningAction.Unchanged);
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        var created = await sns.SubscribeAsync(
            new SubscribeRequest
            {
                TopicArn = topicArn,
                Protocol = "sqs",
                Endpoint = queueArn,
                ReturnSubscriptionArn = true,
                Attributes = new() { ["RawMessageDelivery"] = subscription.RawMessageDelivery ? "true" : "false" },
            },
            cancellationToken);
        return new ProvisionedResource("subscription", name, created.SubscriptionArn!, ProvisioningAction.Created);
    }
}
