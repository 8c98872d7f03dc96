using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Notify.Aws.DynamoDb;
using Notify.Aws.Http;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using SnsPublishRequest = Notify.Aws.Sns.PublishRequest;

namespace Notify.Aws.Tests.Http;

/// <summary>
/// The resource of every AWS call on its span, under OpenTelemetry's AWS names: the queue of an SQS call, the tables of a
/// DynamoDB call, the topic of an SNS call, and never a phone number or device endpoint.
/// </summary>
public sealed class AwsSpanTagTests(MotoFixture moto) : IClassFixture<MotoFixture>, IDisposable
{
    // Test classes run in parallel and the listener hears all of them: each test keeps only the spans of its own trace.
    private const string TestSourceName = "Notify.Aws.Tests.SpanTags";
    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == AwsTelemetry.Name || source.Name == TestSourceName,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_tag_the_queue_url_and_name_when_sqs_messages_are_sent_and_received()
    {
        using var sqs = new SqsClient(moto.Connection);
        var name = $"spans-{Guid.NewGuid():N}";

        using (var root = StartTrace())
        {
            var url = (await sqs.CreateQueueAsync(name, Ct)).QueueUrl!;
            await sqs.SendMessageAsync(url, "traced", Ct);
            await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 1 }, Ct);

            var spans = SpansOf(root);
            var created = Assert.Single(spans, s => s.DisplayName == "SQS.CreateQueue");
            Assert.Equal(name, created.GetTagItem("messaging.destination.name"));
            Assert.Equal("aws_sqs", created.GetTagItem("messaging.system"));
            foreach (var operation in new[] { "SQS.SendMessage", "SQS.ReceiveMessage" })
            {
                var span = Assert.Single(spans, s => s.DisplayName == operation);
                Assert.Equal(url, span.GetTagItem("aws.sqs.queue.url"));
                Assert.Equal(name, span.GetTagItem("messaging.destination.name"));
            }
        }
    }

    [Fact]
    public async Task Should_tag_the_table_names_and_still_send_the_body_when_dynamodb_items_are_written_and_queried()
    {
        using var dynamo = DynamoDbClientFactory.Create(moto.Connection);
        var first = await CreateTableAsync(dynamo);
        var second = await CreateTableAsync(dynamo);

        using (var root = StartTrace())
        {
            await dynamo.PutItemAsync(new PutItemRequest { TableName = first, Item = new() { ["pk"] = new AttributeValue("put"), ["v"] = new AttributeValue("1") } }, Ct);
            await dynamo.BatchWriteItemAsync(
                new BatchWriteItemRequest
                {
                    RequestItems = new()
                    {
                        [first] = [new WriteRequest(new PutRequest(new() { ["pk"] = new AttributeValue("batch-1") }))],
                        [second] = [new WriteRequest(new PutRequest(new() { ["pk"] = new AttributeValue("batch-2") }))],
                    },
                },
                Ct);
            await dynamo.TransactWriteItemsAsync(
                new TransactWriteItemsRequest
                {
                    TransactItems =
                    [
                        new TransactWriteItem { Put = new Put { TableName = second, Item = new() { ["pk"] = new AttributeValue("tx") } } },
                        new TransactWriteItem
                        {
                            Update = new Update
                            {
                                TableName = first,
                                Key = new() { ["pk"] = new AttributeValue("put") },
                                UpdateExpression = "SET v = :v",
                                ExpressionAttributeValues = new() { [":v"] = new AttributeValue("2") },
                            },
                        },
                    ],
                },
                Ct);
            var queried = await dynamo.QueryAsync(
                new QueryRequest
                {
                    TableName = first,
                    KeyConditionExpression = "pk = :pk",
                    ExpressionAttributeValues = new() { [":pk"] = new AttributeValue("put") },
                },
                Ct);

            // Reading the body for the span must leave it to go out whole: the write and the update both landed.
            Assert.Equal("2", Assert.Single(queried.Items)["v"].S);
            var batched = await dynamo.GetItemAsync(new GetItemRequest { TableName = second, Key = new() { ["pk"] = new AttributeValue("batch-2") } }, Ct);
            Assert.True(batched.IsItemSet);

            var spans = SpansOf(root);
            string[] both = [.. new[] { first, second }.Order(StringComparer.Ordinal)];
            Assert.Equal([first], TablesOf(spans, "DynamoDB.PutItem"));
            Assert.Equal(both, TablesOf(spans, "DynamoDB.BatchWriteItem").Order(StringComparer.Ordinal));
            Assert.Equal(both, TablesOf(spans, "DynamoDB.TransactWriteItems").Order(StringComparer.Ordinal));
            Assert.Equal([first], TablesOf(spans, "DynamoDB.Query"));
        }
    }

    [Fact]
    public async Task Should_tag_the_topic_and_never_a_phone_number_or_endpoint_when_sns_messages_are_published()
    {
        using var sns = new SnsClient(moto.Connection);
        const string phone = "+15555550123";
        var topicArn = (await sns.CreateTopicAsync(new CreateTopicRequest { Name = $"spans-{Guid.NewGuid():N}" }, Ct)).TopicArn!;
        var app = await sns.CreatePlatformApplicationAsync(
            new CreatePlatformApplicationRequest { Name = $"spans-{Guid.NewGuid():N}", Platform = "GCM", Attributes = new() { ["PlatformCredential"] = "key" } }, Ct);
        var endpointArn = (await sns.CreatePlatformEndpointAsync(
            new CreatePlatformEndpointRequest { PlatformApplicationArn = app.PlatformApplicationArn, Token = $"token-{Guid.NewGuid():N}" }, Ct)).EndpointArn!;

        using (var root = StartTrace())
        {
            await sns.PublishAsync(new SnsPublishRequest { TopicArn = topicArn, Message = "to the topic" }, Ct);
            using (var toPhone = TestSource.StartActivity("to phone"))
            {
                await sns.PublishAsync(new SnsPublishRequest { PhoneNumber = phone, Message = "to a phone" }, Ct);
            }

            using (var toEndpoint = TestSource.StartActivity("to endpoint"))
            {
                await sns.PublishAsync(new SnsPublishRequest { TargetArn = endpointArn, Message = "to a device" }, Ct);
            }

            var spans = SpansOf(root);
            var parents = spans.Where(s => s.Source == TestSource).ToDictionary(s => s.DisplayName, s => s.SpanId);
            var publishes = spans.Where(s => s.DisplayName == "SNS.Publish").ToList();
            Assert.Equal(3, publishes.Count);

            var topic = Assert.Single(publishes, s => s.ParentSpanId == root.SpanId);
            Assert.Equal(topicArn, topic.GetTagItem("aws.sns.topic.arn"));

            var sms = Assert.Single(publishes, s => s.ParentSpanId == parents["to phone"]);
            Assert.Null(sms.GetTagItem("aws.sns.topic.arn"));
            Assert.DoesNotContain(sms.TagObjects, t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)!.Contains("5555550123", StringComparison.Ordinal));

            var push = Assert.Single(publishes, s => s.ParentSpanId == parents["to endpoint"]);
            Assert.Null(push.GetTagItem("aws.sns.topic.arn"));
            Assert.DoesNotContain(push.TagObjects, t => Equals(t.Value, endpointArn));
        }
    }

    [Theory]
    [InlineData("""{"TableName":"t1","Item":{"TableName":{"S":"not-a-table"}}}""", "t1")]
    [InlineData("""{"RequestItems":{"t1":{"Keys":[{"pk":{"S":"a"}}]},"t2":{"Keys":[]}},"ReturnConsumedCapacity":"TOTAL"}""", "t1,t2")]
    [InlineData("""{"TransactItems":[{"Get":{"TableName":"t1","Key":{}}},{"ConditionCheck":{"Key":{},"TableName":"t2"}},{"Delete":{"TableName":"t1"}}]}""", "t1,t2")]
    [InlineData("""{"Statement":"SELECT * FROM t1"}""", "")]
    [InlineData("""{"TableName":"t1","Item":{"pk":""", "t1")]
    public void Should_read_only_the_named_tables_when_a_dynamodb_request_body_is_parsed(string json, string expected)
    {
        Assert.Equal(expected, string.Join(',', DynamoDbClientFactory.TableNamesOf(System.Text.Encoding.UTF8.GetBytes(json))));
    }

    [Theory]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:notify-events", true)]
    [InlineData("arn:aws-cn:sns:cn-north-1:123456789012:lane.fifo", true)]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/app/5e3e9847-3183-3f18-a7e8-671c3a57d4b3", false)]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:app/APNS/notify", false)]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:notify-events:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55", false)]
    [InlineData("arn:aws:sqs:eu-west-1:123456789012:queue", false)]
    [InlineData("+15555550123", false)]
    public void Should_tag_only_topic_arns_when_an_sns_target_is_classified(string arn, bool isTopic)
    {
        Assert.Equal(isTopic, AwsTelemetry.IsSnsTopicArn(arn));
    }

    public void Dispose() => _listener.Dispose();

    private static string[] TablesOf(List<Activity> spans, string name) =>
        Assert.IsType<string[]>(Assert.Single(spans, s => s.DisplayName == name).GetTagItem("aws.dynamodb.table_names"));

    private static async Task<string> CreateTableAsync(AmazonDynamoDBClient dynamo)
    {
        var name = $"spans-{Guid.NewGuid():N}";
        await dynamo.CreateTableAsync(
            new CreateTableRequest
            {
                TableName = name,
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
            },
            Ct);
        return name;
    }

    private Activity StartTrace()
    {
        _listener.ActivityStopped = _stopped.Enqueue;
        ActivitySource.AddActivityListener(_listener);
        return TestSource.StartActivity("test") ?? throw new InvalidOperationException("The test source has no listener.");
    }

    // Every span of the test's trace stopped so far (the AWS calls have all returned by the time this is read).
    private List<Activity> SpansOf(Activity root) => [.. _stopped.Where(a => a.TraceId == root.TraceId)];
}
