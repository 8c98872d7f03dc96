using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notify.Aws.Http;
using Notify.Aws.Sqs;
using Notify.Core.Resources;

namespace Notify.Aws.Provisioning;

/// <summary>Creates a queue of the resource definition with its attributes, or brings an existing one in line.</summary>
internal sealed class SqsQueueProvisioner(SqsClient sqs)
{
    /// <summary>
    /// Ensures the queue and its attributes. The policy depends on the queue's own ARN, known only once the queue
    /// exists, so it is applied after creation in the same run.
    /// </summary>
    public async Task<(ProvisionedResource Resource, string Arn)> EnsureAsync(
        QueueDefinition queue, string name, string? deadLetterArn, Func<string, string?> policyFor, CancellationToken cancellationToken)
    {
        var desired = DesiredAttributes(queue, deadLetterArn, policy: null);
        var created = false;
        string url;
        try
        {
            url = (await sqs.GetQueueUrlAsync(name, cancellationToken)).QueueUrl!;
        }
        catch (AwsServiceException e) when (e.ErrorCode is "QueueDoesNotExist" or "AWS.SimpleQueueService.NonExistentQueue")
        {
            url = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = desired }, cancellationToken)).QueueUrl!;
            created = true;
        }

        var current = (await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = [QueueAttributeName.All] }, cancellationToken)).Attributes;
        var arn = current[QueueAttributeName.QueueArn];
        if (policyFor(arn) is { } policy)
        {
            desired[QueueAttributeName.Policy] = policy;
        }

        var drift = desired
            .Where(kv => kv.Key != QueueAttributeName.FifoQueue) // Immutable; a queue of the wrong kind has another name anyway.
            .Where(kv => !current.TryGetValue(kv.Key, out var value) || !SameValue(kv.Key, value, kv.Value))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        if (drift.Count > 0)
        {
            await sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest { QueueUrl = url, Attributes = drift }, cancellationToken);
        }

        var action = created ? ProvisioningAction.Created : drift.Count > 0 ? ProvisioningAction.Updated : ProvisioningAction.Unchanged;
        return (new ProvisionedResource("queue", name, url, action), arn);
    }

    internal static Dictionary<string, string> DesiredAttributes(QueueDefinition queue, string? deadLetterArn, string? policy)
    {
        var attributes = new Dictionary<string, string>
        {
            [QueueAttributeName.VisibilityTimeout] = Invariant(queue.VisibilityTimeoutSeconds),
            [QueueAttributeName.MessageRetentionPeriod] = Invariant(queue.RetentionSeconds),
            [QueueAttributeName.ReceiveMessageWaitTimeSeconds] = Invariant(queue.ReceiveWaitTimeSeconds),
        };
        if (queue.Fifo)
        {
            attributes[QueueAttributeName.FifoQueue] = "true";

            // Deduplication is by eventId, never by content: two events with equal bodies are two events.
            attributes[QueueAttributeName.ContentBasedDeduplication] = "false";

            // High-throughput FIFO: quotas per message group (user) instead of per queue.
            attributes[QueueAttributeName.DeduplicationScope] = "messageGroup";
            attributes[QueueAttributeName.FifoThroughputLimit] = "perMessageGroupId";
        }

        if (queue.DeadLetter is { } redrive)
        {
            attributes[QueueAttributeName.RedrivePolicy] = JsonSerializer.Serialize(new JsonObject
            {
                ["deadLetterTargetArn"] = deadLetterArn ?? throw new ArgumentNullException(nameof(deadLetterArn), $"{queue.Name} needs its DLQ's ARN."),
                ["maxReceiveCount"] = redrive.MaxReceiveCount,
            });
        }

        if (policy is not null)
        {
            attributes[QueueAttributeName.Policy] = policy;
        }

        return attributes;
    }

    /// <summary>A queue policy that lets only the given topics send to the queue (what an SNS subscription needs).</summary>
    internal static string PolicyAllowingTopics(string queueArn, IReadOnlyCollection<string> topicArns) => JsonSerializer.Serialize(new JsonObject
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Sid"] = "AllowNotifyTopics",
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = "sns.amazonaws.com" },
            ["Action"] = "sqs:SendMessage",
            ["Resource"] = queueArn,
            ["Condition"] = new JsonObject { ["ArnEquals"] = new JsonObject { ["aws:SourceArn"] = new JsonArray([.. topicArns.Order(StringComparer.Ordinal).Select(a => (JsonNode)a)]) } },
        }),
    });

    // JSON-valued attributes come back re-serialized (key order, number vs string); compare them structurally.
    private static bool SameValue(string key, string current, string desired)
    {
        if (key is not (QueueAttributeName.RedrivePolicy or QueueAttributeName.Policy))
        {
            return current == desired;
        }

        try
        {
            return JsonNode.DeepEquals(Normalize(JsonNode.Parse(current)), Normalize(JsonNode.Parse(desired)));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Normalize(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Normalize)]),
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        JsonValue v => v.DeepClone(),
        _ => null,
    };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
