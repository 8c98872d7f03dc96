using Notify.Aws.Sns;
using Notify.Aws.Tests.Wire;

namespace Notify.Aws.Tests.Sns;

/// <summary>Every SnsClient operation sends what the official AWS SDK for JavaScript v3 sends for the same call, signature included.</summary>
public sealed class SnsSdkWireTests(RecordingServer server) : IClassFixture<RecordingServer>, IDisposable
{
    private const string TopicArn = "arn:aws:sns:us-east-1:123456789012:notify-events";
    private const string AppArn = "arn:aws:sns:us-east-1:123456789012:app/GCM/notify";
    private const string EndpointArn = "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/notify/5e3e9847-3183-3f18-a7e8-671c3a57d4b3";

    private readonly SnsClient _sns = new(server.Connection);

    [Fact]
    public async Task Should_match_the_JS_SDK_when_publishing()
    {
        byte[] blob = [0, 1, 2, 250, 255];
        await WireComparison.AssertEquivalentAsync(server,
        [
            new("sns", "Publish", new
            {
                TopicArn,
                Message = "hello, world & more: ünïcødé + 100%",
                Subject = "Greetings",
                MessageAttributes = new Dictionary<string, object>
                {
                    ["text"] = new { DataType = "String", StringValue = "v 1" },
                    ["count"] = new { DataType = "Number", StringValue = "42" },
                    ["blob"] = new { DataType = "Binary", BinaryValue = JsSdk.Binary(blob) },
                },
            }, ct => _sns.PublishAsync(new PublishRequest
            {
                TopicArn = TopicArn,
                Message = "hello, world & more: ünïcødé + 100%",
                Subject = "Greetings",
                MessageAttributes = new()
                {
                    ["text"] = new() { DataType = "String", StringValue = "v 1" },
                    ["count"] = new() { DataType = "Number", StringValue = "42" },
                    ["blob"] = new() { DataType = "Binary", BinaryValue = blob },
                },
            }, ct)),
            new("sns", "Publish", new { PhoneNumber = "+15555550123", Message = "Your code is 1234" },
                ct => _sns.PublishAsync(new PublishRequest { PhoneNumber = "+15555550123", Message = "Your code is 1234" }, ct)),
            new("sns", "Publish", new { TargetArn = EndpointArn, Message = """{"default":"d","GCM":"{\"notification\":{\"title\":\"t\"}}"}""", MessageStructure = "json" },
                ct => _sns.PublishAsync(new PublishRequest
                {
                    TargetArn = EndpointArn,
                    Message = """{"default":"d","GCM":"{\"notification\":{\"title\":\"t\"}}"}""",
                    MessageStructure = "json",
                }, ct)),
            new("sns", "Publish", new { TopicArn = TopicArn + ".fifo", Message = "m", MessageGroupId = "g", MessageDeduplicationId = "d" },
                ct => _sns.PublishAsync(new PublishRequest { TopicArn = TopicArn + ".fifo", Message = "m", MessageGroupId = "g", MessageDeduplicationId = "d" }, ct)),
            new("sns", "PublishBatch", new
            {
                TopicArn,
                PublishBatchRequestEntries = new object[]
                {
                    new { Id = "1", Message = "m1", MessageAttributes = new Dictionary<string, object> { ["k"] = new { DataType = "String", StringValue = "v" } } },
                    new { Id = "2", Message = "m2", Subject = "s", MessageGroupId = "g", MessageDeduplicationId = "d" },
                },
            }, ct => _sns.PublishBatchAsync(new PublishBatchRequest
            {
                TopicArn = TopicArn,
                PublishBatchRequestEntries =
                [
                    new() { Id = "1", Message = "m1", MessageAttributes = new() { ["k"] = new() { DataType = "String", StringValue = "v" } } },
                    new() { Id = "2", Message = "m2", Subject = "s", MessageGroupId = "g", MessageDeduplicationId = "d" },
                ],
            }, ct)),
        ], TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Should_match_the_JS_SDK_when_managing_topics_and_subscriptions()
    {
        await WireComparison.AssertEquivalentAsync(server,
        [
            new("sns", "CreateTopic", new
            {
                Name = "notify-events",
                Attributes = new Dictionary<string, string> { ["DisplayName"] = "Notify", ["FifoTopic"] = "false" },
                Tags = new[] { new { Key = "team", Value = "notify" }, new { Key = "env", Value = "dev" } },
            }, ct => _sns.CreateTopicAsync(new CreateTopicRequest
            {
                Name = "notify-events",
                Attributes = new() { ["DisplayName"] = "Notify", ["FifoTopic"] = "false" },
                Tags = [new() { Key = "team", Value = "notify" }, new() { Key = "env", Value = "dev" }],
            }, ct)),
            new("sns", "DeleteTopic", new { TopicArn }, ct => _sns.DeleteTopicAsync(new DeleteTopicRequest { TopicArn = TopicArn }, ct)),
            new("sns", "ListTopics", new { NextToken = "page 2" }, ct => _sns.ListTopicsAsync(new ListTopicsRequest { NextToken = "page 2" }, ct)),
            new("sns", "ListTopics", new { }, ct => _sns.ListTopicsAsync(new ListTopicsRequest(), ct)),
            new("sns", "GetTopicAttributes", new { TopicArn }, ct => _sns.GetTopicAttributesAsync(new GetTopicAttributesRequest { TopicArn = TopicArn }, ct)),
            new("sns", "SetTopicAttributes", new { TopicArn, AttributeName = "DisplayName", AttributeValue = "New name" },
                ct => _sns.SetTopicAttributesAsync(new SetTopicAttributesRequest { TopicArn = TopicArn, AttributeName = "DisplayName", AttributeValue = "New name" }, ct)),
            new("sns", "Subscribe", new
            {
                TopicArn,
                Protocol = "sqs",
                Endpoint = "arn:aws:sqs:us-east-1:123456789012:notify-email",
                Attributes = new Dictionary<string, string> { ["RawMessageDelivery"] = "true", ["FilterPolicy"] = """{"channel":["email"]}""" },
                ReturnSubscriptionArn = true,
            }, ct => _sns.SubscribeAsync(new SubscribeRequest
            {
                TopicArn = TopicArn,
                Protocol = "sqs",
                Endpoint = "arn:aws:sqs:us-east-1:123456789012:notify-email",
                Attributes = new() { ["RawMessageDelivery"] = "true", ["FilterPolicy"] = """{"channel":["email"]}""" },
                ReturnSubscriptionArn = true,
            }, ct)),
            new("sns", "Unsubscribe", new { SubscriptionArn = TopicArn + ":sub-1" },
                ct => _sns.UnsubscribeAsync(new UnsubscribeRequest { SubscriptionArn = TopicArn + ":sub-1" }, ct)),
            new("sns", "ListSubscriptionsByTopic", new { TopicArn, NextToken = "t" },
                ct => _sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = TopicArn, NextToken = "t" }, ct)),
        ], TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Should_match_the_JS_SDK_when_managing_mobile_push()
    {
        await WireComparison.AssertEquivalentAsync(server,
        [
            new("sns", "CreatePlatformApplication", new { Name = "notify", Platform = "GCM", Attributes = new Dictionary<string, string> { ["PlatformCredential"] = "key/with+chars=" } },
                ct => _sns.CreatePlatformApplicationAsync(new CreatePlatformApplicationRequest
                {
                    Name = "notify",
                    Platform = "GCM",
                    Attributes = new() { ["PlatformCredential"] = "key/with+chars=" },
                }, ct)),
            new("sns", "DeletePlatformApplication", new { PlatformApplicationArn = AppArn },
                ct => _sns.DeletePlatformApplicationAsync(new DeletePlatformApplicationRequest { PlatformApplicationArn = AppArn }, ct)),
            new("sns", "ListPlatformApplications", new { NextToken = "n" },
                ct => _sns.ListPlatformApplicationsAsync(new ListPlatformApplicationsRequest { NextToken = "n" }, ct)),
            new("sns", "CreatePlatformEndpoint", new
            {
                PlatformApplicationArn = AppArn,
                Token = "device-token",
                CustomUserData = "user 1",
                Attributes = new Dictionary<string, string> { ["Enabled"] = "true" },
            }, ct => _sns.CreatePlatformEndpointAsync(new CreatePlatformEndpointRequest
            {
                PlatformApplicationArn = AppArn,
                Token = "device-token",
                CustomUserData = "user 1",
                Attributes = new() { ["Enabled"] = "true" },
            }, ct)),
            new("sns", "DeleteEndpoint", new { EndpointArn }, ct => _sns.DeleteEndpointAsync(new DeleteEndpointRequest { EndpointArn = EndpointArn }, ct)),
            new("sns", "GetEndpointAttributes", new { EndpointArn }, ct => _sns.GetEndpointAttributesAsync(new GetEndpointAttributesRequest { EndpointArn = EndpointArn }, ct)),
            new("sns", "SetEndpointAttributes", new { EndpointArn, Attributes = new Dictionary<string, string> { ["Enabled"] = "false", ["Token"] = "t2" } },
                ct => _sns.SetEndpointAttributesAsync(new SetEndpointAttributesRequest { EndpointArn = EndpointArn, Attributes = new() { ["Enabled"] = "false", ["Token"] = "t2" } }, ct)),
            new("sns", "ListEndpointsByPlatformApplication", new { PlatformApplicationArn = AppArn, NextToken = "n" },
                ct => _sns.ListEndpointsByPlatformApplicationAsync(new ListEndpointsByPlatformApplicationRequest { PlatformApplicationArn = AppArn, NextToken = "n" }, ct)),
        ], TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Should_match_the_JS_SDK_when_managing_sms()
    {
        await WireComparison.AssertEquivalentAsync(server,
        [
            new("sns", "CheckIfPhoneNumberIsOptedOut", new { phoneNumber = "+15555550199" },
                ct => _sns.CheckIfPhoneNumberIsOptedOutAsync(new CheckIfPhoneNumberIsOptedOutRequest { PhoneNumber = "+15555550199" }, ct)),
            new("sns", "ListPhoneNumbersOptedOut", new { nextToken = "n" },
                ct => _sns.ListPhoneNumbersOptedOutAsync(new ListPhoneNumbersOptedOutRequest { NextToken = "n" }, ct)),
            new("sns", "OptInPhoneNumber", new { phoneNumber = "+15555550199" },
                ct => _sns.OptInPhoneNumberAsync(new OptInPhoneNumberRequest { PhoneNumber = "+15555550199" }, ct)),
            new("sns", "GetSMSAttributes", new { attributes = new[] { "DefaultSMSType", "MonthlySpendLimit" } },
                ct => _sns.GetSMSAttributesAsync(new GetSMSAttributesRequest { Attributes = ["DefaultSMSType", "MonthlySpendLimit"] }, ct)),
            new("sns", "GetSMSAttributes", new { }, ct => _sns.GetSMSAttributesAsync(new GetSMSAttributesRequest(), ct)),
            new("sns", "SetSMSAttributes", new { attributes = new Dictionary<string, string> { ["DefaultSMSType"] = "Transactional", ["DefaultSenderID"] = "Notify" } },
                ct => _sns.SetSMSAttributesAsync(new SetSMSAttributesRequest { Attributes = new() { ["DefaultSMSType"] = "Transactional", ["DefaultSenderID"] = "Notify" } }, ct)),
        ], TestContext.Current.CancellationToken);
    }

    public void Dispose() => _sns.Dispose();
}
