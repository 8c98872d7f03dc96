using Notify.Aws.Sqs;

namespace Notify.Aws.Tests.Wire;

/// <summary>Every <see cref="SqsClient"/> operation sends what @aws-sdk/client-sqs sends for the same input.</summary>
public sealed class SqsWireTests : IClassFixture<RecordingServer>, IDisposable
{
    private readonly RecordingServer _server;
    private readonly SqsClient _sqs;
    // On the recording server's host: the JS client would otherwise send a request to a queue URL's own host.
    private readonly string _queueUrl;

    public SqsWireTests(RecordingServer server)
    {
        _server = server;
        _sqs = new SqsClient(server.Connection);
        _queueUrl = new Uri(server.Endpoint, "123456789012/wire-queue").ToString();
    }

    [Fact]
    public async Task Should_send_what_the_JS_SDK_sends_for_every_operation()
    {
        var q = _queueUrl;
        var attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = "45", ["RedrivePolicy"] = """{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":"5"}""" };
        var tags = new Dictionary<string, string> { ["team"] = "notify", ["env"] = "test" };
        byte[] binary = [0, 1, 2, 250, 255];

        await WireComparison.AssertEquivalentAsync(_server,
        [
            new("sqs", "CreateQueue", new { QueueName = "wire-queue.fifo", Attributes = new Dictionary<string, string> { ["FifoQueue"] = "true" }, tags },
                ct => _sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "wire-queue.fifo", Attributes = new() { ["FifoQueue"] = "true" }, Tags = tags }, ct)),
            new("sqs", "GetQueueUrl", new { QueueName = "wire-queue", QueueOwnerAWSAccountId = "123456789012" },
                ct => _sqs.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = "wire-queue", QueueOwnerAWSAccountId = "123456789012" }, ct)),
            new("sqs", "ListQueues", new { QueueNamePrefix = "wire", NextToken = "token", MaxResults = 1000 },
                ct => _sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = "wire", NextToken = "token", MaxResults = 1000 }, ct)),
            new("sqs", "DeleteQueue", new { QueueUrl = q }, ct => _sqs.DeleteQueueAsync(q, ct)),
            new("sqs", "GetQueueAttributes", new { QueueUrl = q, AttributeNames = new[] { "All", "QueueArn" } },
                ct => _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = q, AttributeNames = ["All", "QueueArn"] }, ct)),
            new("sqs", "SetQueueAttributes", new { QueueUrl = q, Attributes = attributes },
                ct => _sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest { QueueUrl = q, Attributes = attributes }, ct)),
            new("sqs", "PurgeQueue", new { QueueUrl = q }, ct => _sqs.PurgeQueueAsync(new PurgeQueueRequest { QueueUrl = q }, ct)),
            new("sqs", "ListDeadLetterSourceQueues", new { QueueUrl = q, NextToken = "n", MaxResults = 5 },
                ct => _sqs.ListDeadLetterSourceQueuesAsync(new ListDeadLetterSourceQueuesRequest { QueueUrl = q, NextToken = "n", MaxResults = 5 }, ct)),
            new("sqs", "TagQueue", new { QueueUrl = q, Tags = tags }, ct => _sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = q, Tags = tags }, ct)),
            new("sqs", "UntagQueue", new { QueueUrl = q, TagKeys = new[] { "team", "env" } },
                ct => _sqs.UntagQueueAsync(new UntagQueueRequest { QueueUrl = q, TagKeys = ["team", "env"] }, ct)),
            new("sqs", "ListQueueTags", new { QueueUrl = q }, ct => _sqs.ListQueueTagsAsync(new ListQueueTagsRequest { QueueUrl = q }, ct)),
            new("sqs", "SendMessage", new
            {
                QueueUrl = q,
                MessageBody = "{\"kind\":\"email\",\"text\":\"ünïcødé ✓ & <xml>\"}",
                DelaySeconds = 5,
                MessageAttributes = new Dictionary<string, object>
                {
                    ["s"] = new { DataType = "String", StringValue = "v" },
                    ["n"] = new { DataType = "Number.int", StringValue = "42" },
                    ["b"] = new { DataType = "Binary", BinaryValue = JsSdk.Binary(binary) },
                },
                MessageSystemAttributes = new Dictionary<string, object> { ["AWSTraceHeader"] = new { DataType = "String", StringValue = "Root=1-5759e988-bd862e3fe1be46a994272793" } },
                MessageDeduplicationId = "dedup",
                MessageGroupId = "group",
            }, ct => _sqs.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = q,
                MessageBody = "{\"kind\":\"email\",\"text\":\"ünïcødé ✓ & <xml>\"}",
                DelaySeconds = 5,
                MessageAttributes = new()
                {
                    ["s"] = new() { DataType = "String", StringValue = "v" },
                    ["n"] = new() { DataType = "Number.int", StringValue = "42" },
                    ["b"] = new() { DataType = "Binary", BinaryValue = binary },
                },
                MessageSystemAttributes = new() { ["AWSTraceHeader"] = new() { DataType = "String", StringValue = "Root=1-5759e988-bd862e3fe1be46a994272793" } },
                MessageDeduplicationId = "dedup",
                MessageGroupId = "group",
            }, ct)),
            new("sqs", "SendMessageBatch", new
            {
                QueueUrl = q,
                Entries = new object[]
                {
                    new { Id = "a", MessageBody = "one", DelaySeconds = 1 },
                    new { Id = "b", MessageBody = "two", MessageAttributes = new Dictionary<string, object> { ["k"] = new { DataType = "String", StringValue = "v" } }, MessageGroupId = "g", MessageDeduplicationId = "d" },
                },
            }, ct => _sqs.SendMessageBatchAsync(new SendMessageBatchRequest
            {
                QueueUrl = q,
                Entries =
                [
                    new() { Id = "a", MessageBody = "one", DelaySeconds = 1 },
                    new() { Id = "b", MessageBody = "two", MessageAttributes = new() { ["k"] = new() { DataType = "String", StringValue = "v" } }, MessageGroupId = "g", MessageDeduplicationId = "d" },
                ],
            }, ct)),
            new("sqs", "ReceiveMessage", new
            {
                QueueUrl = q,
                MaxNumberOfMessages = 10,
                VisibilityTimeout = 30,
                WaitTimeSeconds = 20,
                MessageAttributeNames = new[] { "All" },
                MessageSystemAttributeNames = new[] { "ApproximateReceiveCount", "SentTimestamp" },
                ReceiveRequestAttemptId = "attempt",
            }, ct => _sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = q,
                MaxNumberOfMessages = 10,
                VisibilityTimeout = 30,
                WaitTimeSeconds = 20,
                MessageAttributeNames = ["All"],
                MessageSystemAttributeNames = ["ApproximateReceiveCount", "SentTimestamp"],
                ReceiveRequestAttemptId = "attempt",
            }, ct)),
            new("sqs", "DeleteMessage", new { QueueUrl = q, ReceiptHandle = "rh+/=" }, ct => _sqs.DeleteMessageAsync(q, "rh+/=", ct)),
            new("sqs", "DeleteMessageBatch", new { QueueUrl = q, Entries = new[] { new { Id = "a", ReceiptHandle = "r1" }, new { Id = "b", ReceiptHandle = "r2" } } },
                ct => _sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest { QueueUrl = q, Entries = [new() { Id = "a", ReceiptHandle = "r1" }, new() { Id = "b", ReceiptHandle = "r2" }] }, ct)),
            new("sqs", "ChangeMessageVisibility", new { QueueUrl = q, ReceiptHandle = "r1", VisibilityTimeout = 0 },
                ct => _sqs.ChangeMessageVisibilityAsync(new ChangeMessageVisibilityRequest { QueueUrl = q, ReceiptHandle = "r1", VisibilityTimeout = 0 }, ct)),
            new("sqs", "ChangeMessageVisibilityBatch", new { QueueUrl = q, Entries = new[] { new { Id = "a", ReceiptHandle = "r1", VisibilityTimeout = 60 } } },
                ct => _sqs.ChangeMessageVisibilityBatchAsync(new ChangeMessageVisibilityBatchRequest { QueueUrl = q, Entries = [new() { Id = "a", ReceiptHandle = "r1", VisibilityTimeout = 60 }] }, ct)),
        ], TestContext.Current.CancellationToken);
    }

    public void Dispose() => _sqs.Dispose();
}
