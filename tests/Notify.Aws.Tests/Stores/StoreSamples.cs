using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Notify.Aws.DynamoDb;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Aws.Tests.Stores;

/// <summary>Sample records and small probes shared by the store tests.</summary>
internal static class StoreSamples
{
    public static string NewId(string prefix = "evt") => $"{prefix}-{Guid.NewGuid():N}";

    public static AcceptedEvent Event(
        string? eventId = null,
        string userId = "user-1",
        Priority priority = Priority.Low,
        DateTimeOffset? acceptedAt = null,
        DateTimeOffset? sendAt = null,
        string? bodyHash = null,
        string? traceParent = null,
        string? traceState = null,
        string payload = """{"orderId":42,"items":["a","b"]}""")
    {
        eventId ??= NewId();
        var submission = new EventSubmission(
            eventId,
            "order.shipped",
            userId,
            JsonDocument.Parse(payload).RootElement.Clone(),
            priority,
            [Channel.Email, Channel.InApp],
            sendAt,
            NotAfter: null,
            new Recipient("jane@example.com", "+15550100"));
        return new AcceptedEvent(submission, priority, KeyMode.Live, "key-1", bodyHash ?? "hash-" + eventId, acceptedAt ?? DateTimeOffset.UtcNow, traceParent, traceState);
    }

    public static NotificationRecord Notification(
        string eventId,
        Channel channel,
        string userId = "user-1",
        NotificationStatus status = NotificationStatus.Pending,
        DateTimeOffset? createdAt = null,
        DateTimeOffset? updatedAt = null,
        string? lastError = null)
    {
        var created = createdAt ?? DateTimeOffset.UtcNow;
        var updated = updatedAt ?? created;
        return new NotificationRecord(
            eventId, channel, userId, "order.shipped", status, Attempts: status == NotificationStatus.Pending ? 0 : 1, lastError, Reason: null, Simulated: false,
            created, updated, ReadAt: null, new Dictionary<string, DateTimeOffset>(), new RenderedContent("Shipped", "Your order shipped", null, null, null));
    }

    public static async Task<Dictionary<string, AttributeValue>> RawItemAsync(StoreEnvironment env, string pk, string sk)
    {
        var response = await env.Dynamo.GetItemAsync(
            new GetItemRequest { TableName = env.Table, Key = new() { ["pk"] = new AttributeValue { S = pk }, ["sk"] = new AttributeValue { S = sk } }, ConsistentRead = true },
            TestContext.Current.CancellationToken);
        return response.Item ?? [];
    }

    /// <summary>Sets attributes of an item directly, as another writer (the worker) would have.</summary>
    public static async Task SetRawAsync(StoreEnvironment env, string pk, string sk, Dictionary<string, AttributeValue> values)
    {
        var update = new DynamoUpdate();
        foreach (var (name, value) in values)
        {
            update.Set(name, value);
        }

        await env.Dynamo.UpdateItemAsync(update.ToRequest(env.Table, DynamoKeys.Of(pk, sk)), TestContext.Current.CancellationToken);
    }

    /// <summary>Receives (and deletes) messages from a lane until <paramref name="expected"/> have arrived or the deadline passes.</summary>
    public static async Task<List<Message>> DrainAsync(SqsClient sqs, string queueUrl, int expected, TimeSpan? timeout = null)
    {
        var received = new List<Message>();
        await Deadline.PollAsync(
            async () =>
            {
                var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
                {
                    QueueUrl = queueUrl,
                    MaxNumberOfMessages = 10,
                    WaitTimeSeconds = 0,
                    MessageAttributeNames = ["All"],
                    MessageSystemAttributeNames = ["All"],
                });
                foreach (var message in response.Messages)
                {
                    received.Add(message);
                    await sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle!);
                }

                return received.Count;
            },
            count => count >= expected,
            timeout ?? TimeSpan.FromSeconds(10),
            $"{expected} messages on {queueUrl}");
        return received;
    }

    /// <summary>Messages currently on a lane, received and deleted, without waiting for more (for "nothing more arrived").</summary>
    public static async Task<List<Message>> ReceiveNowAsync(SqsClient sqs, string queueUrl)
    {
        var received = new List<Message>();
        while (true)
        {
            var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 0,
                MessageAttributeNames = ["All"],
                MessageSystemAttributeNames = ["All"],
            });
            if (response.Messages.Count == 0)
            {
                return received;
            }

            foreach (var message in response.Messages)
            {
                received.Add(message);
                await sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle!);
            }
        }
    }

    public static AcceptedEvent Body(Message message) => JsonSerializer.Deserialize<AcceptedEvent>(message.Body!, Core.NotifyJson.Options)!;
}
