using System.Net;
using System.Text.Json;
using Notify.Aws.Http;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Sqs;

/// <summary>The JSON the client sends and how it reads answers, pinned without a network.</summary>
public sealed class SqsSerializationTests
{
    private const string QueueUrl = "http://aws.stub.invalid/000000000000/q";

    [Fact]
    public async Task Should_send_json_target_and_query_mode_and_omit_unset_members_when_sending_a_message()
    {
        var handler = StubHttpHandler.AmzJson(_ => (HttpStatusCode.OK, Answer("hello", "cfd3bfb043f86340e7dbc235456abbb0")));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        await sqs.SendMessageAsync(
            new SendMessageRequest
            {
                QueueUrl = QueueUrl,
                MessageBody = "hello",
                MessageAttributes = new()
                {
                    ["s"] = new() { DataType = "String", StringValue = "v" },
                    ["b"] = new() { DataType = "Binary", BinaryValue = [0, 1, 2] },
                },
            },
            TestContext.Current.CancellationToken);

        var call = handler.Single;
        Assert.Equal("AmazonSQS.SendMessage", call.Headers["X-Amz-Target"]);
        Assert.Equal("true", call.Headers["x-amzn-query-mode"]);
        Assert.StartsWith("application/x-amz-json-1.0", call.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(["QueueUrl", "MessageBody", "MessageAttributes"], call.Json.EnumerateObject().Select(p => p.Name));
        var binary = call.Json.GetProperty("MessageAttributes").GetProperty("b");
        Assert.Equal("AAEC", binary.GetProperty("BinaryValue").GetString());
        Assert.False(binary.TryGetProperty("StringValue", out _));
    }

    [Fact]
    public async Task Should_use_the_api_member_names_when_they_are_not_pascal_case()
    {
        var handler = StubHttpHandler.AmzJson(call => call.Operation == "ListDeadLetterSourceQueues"
            ? (HttpStatusCode.OK, """{"queueUrls":["http://x/1/src"],"NextToken":"n"}""")
            : (HttpStatusCode.OK, """{"QueueUrl":"http://x/1/q"}"""));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "q", Tags = new() { ["team"] = "notify" } }, TestContext.Current.CancellationToken);
        var sources = await sqs.ListDeadLetterSourceQueuesAsync(new ListDeadLetterSourceQueuesRequest { QueueUrl = QueueUrl }, TestContext.Current.CancellationToken);

        Assert.Equal("notify", handler.Requests[0].Json.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal(["http://x/1/src"], sources.QueueUrls);
        Assert.Equal("n", sources.NextToken);
    }

    [Fact]
    public async Task Should_follow_next_token_with_max_results_set_when_listing_all_queues()
    {
        var handler = StubHttpHandler.AmzJson(call => call.Json.TryGetProperty("NextToken", out _)
            ? (HttpStatusCode.OK, """{"QueueUrls":["http://x/1/p-c"]}""")
            : (HttpStatusCode.OK, """{"QueueUrls":["http://x/1/p-a","http://x/1/p-b"],"NextToken":"t1"}"""));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        var urls = await sqs.ListAllQueueUrlsAsync("p-", TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["http://x/1/p-a", "http://x/1/p-b", "http://x/1/p-c"], urls);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, c => Assert.Equal(1000, c.Json.GetProperty("MaxResults").GetInt32()));
        Assert.All(handler.Requests, c => Assert.Equal("p-", c.Json.GetProperty("QueueNamePrefix").GetString()));
        Assert.Equal("t1", handler.Requests[1].Json.GetProperty("NextToken").GetString());
    }

    [Fact]
    public async Task Should_throw_when_an_answered_system_attribute_digest_is_wrong()
    {
        var handler = StubHttpHandler.AmzJson(_ => (HttpStatusCode.OK, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["MessageId"] = "m-1",
            ["MD5OfMessageBody"] = SqsMessageChecksums.Md5OfBody("hello"),
            ["MD5OfMessageSystemAttributes"] = "00000000000000000000000000000000",
        })));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        var e = await Assert.ThrowsAsync<SqsChecksumMismatchException>(() => sqs.SendMessageAsync(
            new SendMessageRequest
            {
                QueueUrl = QueueUrl,
                MessageBody = "hello",
                MessageSystemAttributes = new() { ["AWSTraceHeader"] = new() { DataType = "String", StringValue = "Root=1-a-b" } },
            },
            TestContext.Current.CancellationToken));

        Assert.Equal("MD5OfMessageSystemAttributes", e.Field);
    }

    [Fact]
    public async Task Should_throw_without_retrying_when_the_answered_body_digest_is_wrong()
    {
        var handler = StubHttpHandler.AmzJson(_ => (HttpStatusCode.OK, Answer("not what was sent", null)));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        var e = await Assert.ThrowsAsync<SqsChecksumMismatchException>(
            () => sqs.SendMessageAsync(QueueUrl, "hello", TestContext.Current.CancellationToken));

        Assert.Equal("m-1", e.MessageId);
        Assert.Equal("MD5OfMessageBody", e.Field);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Should_throw_when_sent_attributes_are_answered_without_their_digest()
    {
        var handler = StubHttpHandler.AmzJson(_ => (HttpStatusCode.OK, Answer("hello", null)));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        var e = await Assert.ThrowsAsync<SqsChecksumMismatchException>(() => sqs.SendMessageAsync(
            new SendMessageRequest { QueueUrl = QueueUrl, MessageBody = "hello", MessageAttributes = new() { ["a"] = new() { DataType = "String", StringValue = "x" } } },
            TestContext.Current.CancellationToken));

        Assert.Equal("MD5OfMessageAttributes", e.Field);
    }

    [Fact]
    public async Task Should_throw_when_a_received_message_attribute_does_not_match_its_digest()
    {
        const string Received = """
            {"Messages":[{"MessageId":"m-9","ReceiptHandle":"r","Body":"hello","MD5OfBody":"5d41402abc4b2a76b9719d911017c592",
              "MessageAttributes":{"s":{"DataType":"String","StringValue":"tampered"}},"MD5OfMessageAttributes":"00000000000000000000000000000000",
              "Attributes":{"ApproximateReceiveCount":"1"}}]}
            """;
        var handler = StubHttpHandler.AmzJson(_ => (HttpStatusCode.OK, Received));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        var e = await Assert.ThrowsAsync<SqsChecksumMismatchException>(
            () => sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = QueueUrl }, TestContext.Current.CancellationToken));

        Assert.Equal("m-9", e.MessageId);
        Assert.Equal("MD5OfMessageAttributes", e.Field);
    }

    [Fact]
    public async Task Should_read_sender_fault_when_it_is_a_string_or_a_boolean()
    {
        const string Answered = """
            {"Successful":[],"Failed":[{"Id":"1","SenderFault":"true","Code":"A","Message":"a"},{"Id":"2","SenderFault":false,"Code":"B","Message":"b"}]}
            """;
        var handler = StubHttpHandler.AmzJson(_ => (HttpStatusCode.OK, Answered));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        var response = await sqs.DeleteMessageBatchAsync(
            new DeleteMessageBatchRequest { QueueUrl = QueueUrl, Entries = [new() { Id = "1", ReceiptHandle = "r1" }, new() { Id = "2", ReceiptHandle = "r2" }] },
            TestContext.Current.CancellationToken);

        Assert.True(response.Failed[0].SenderFault);
        Assert.False(response.Failed[1].SenderFault);
    }

    [Fact]
    public async Task Should_map_the_error_type_and_query_code_when_the_queue_is_missing()
    {
        var handler = StubHttpHandler.AmzJson(_ => (HttpStatusCode.BadRequest, """{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"}"""));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => sqs.GetQueueUrlAsync("nope", TestContext.Current.CancellationToken));

        Assert.Equal("QueueDoesNotExist", e.ErrorCode);
        Assert.False(e.IsRetryable);
        Assert.Single(handler.Requests);
    }

    private static string Answer(string sentBody, string? md5OfAttributes) => JsonSerializer.Serialize(new Dictionary<string, string?>
    {
        ["MessageId"] = "m-1",
        ["MD5OfMessageBody"] = SqsMessageChecksums.Md5OfBody(sentBody),
        ["MD5OfMessageAttributes"] = md5OfAttributes,
    });
}
