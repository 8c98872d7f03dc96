using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Sqs;

/// <summary>Queue helpers for the moto tests: every test makes its own uniquely named queues, so no reset is needed.</summary>
internal static class SqsTestQueues
{
    // Queue names allow 80 characters; keep prefixes short.
    public static string UniqueName(string prefix, bool fifo = false) => $"{prefix}-{Guid.NewGuid():N}{(fifo ? ".fifo" : "")}";

    public static async Task<string> CreateAsync(this SqsClient sqs, string prefix, Dictionary<string, string>? attributes = null, bool fifo = false)
    {
        if (fifo)
        {
            attributes = new Dictionary<string, string>(attributes ?? []) { [QueueAttributeName.FifoQueue] = "true" };
        }

        var created = await sqs.CreateQueueAsync(
            new CreateQueueRequest { QueueName = UniqueName(prefix, fifo), Attributes = attributes }, TestContext.Current.CancellationToken);
        return created.QueueUrl!;
    }

    public static async Task<string> ArnOfAsync(this SqsClient sqs, string queueUrl) =>
        (await sqs.GetQueueAttributesAsync(
            new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = [QueueAttributeName.QueueArn] }, TestContext.Current.CancellationToken)).QueueARN!;

    /// <summary>A new queue and its ARN, the address SNS delivers to.</summary>
    public static async Task<(string Url, string Arn)> CreateWithArnAsync(this SqsClient sqs, string prefix)
    {
        var url = await sqs.CreateAsync(prefix);
        return (url, await sqs.ArnOfAsync(url));
    }

    /// <summary>Polls until a received message body satisfies <paramref name="match"/>; other messages are left to become visible again.</summary>
    public static Task<string?> WaitForBodyAsync(this SqsClient sqs, string queueUrl, Func<string, bool> match, string what) =>
        Deadline.PollAsync(
            async () => (await sqs.ReceiveAsync(queueUrl)).Messages.Select(m => m.Body ?? string.Empty).FirstOrDefault(match),
            body => body is not null,
            TimeSpan.FromSeconds(10),
            what);

    public static Task<ReceiveMessageResponse> ReceiveAsync(this SqsClient sqs, string queueUrl, int max = 10, int? visibilityTimeout = null, int waitSeconds = 0) =>
        sqs.ReceiveMessageAsync(
            new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = max,
                VisibilityTimeout = visibilityTimeout,
                WaitTimeSeconds = waitSeconds,
                MessageAttributeNames = ["All"],
                MessageSystemAttributeNames = [MessageSystemAttributeName.All],
            },
            TestContext.Current.CancellationToken);
}
