using Notify.Aws.Sns;

namespace Notify.Aws.Tests.Wire;

/// <summary>Every <see cref="SnsClient"/> operation sends what @aws-sdk/client-sns sends for the same input.</summary>
public sealed class SnsWireTests(RecordingServer server) : IClassFixture<RecordingServer>, IDisposable
{
    private const string TopicArn = "arn:aws:sns:us-east-1:123456789012:notify-events";
    private const string AppArn = "arn:aws:sns:us-east-1:123456789012:app/GCM/notify";
    private const string EndpointArn = "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/notify/0c5bd8a4-1a1b-3c9d-9f1e-0d6e4e1b7f11";

    private readonly SnsClient _sns = new(server.Connection);

    [Fact]
    public async Task Should_send_what_the_JS_SDK_sends_for_every_operation()
    {
        byte[] binary = [0, 1, 2, 250, 255];
        var attributes = new Dictionary<string, string> { ["DisplayName"] = "Notify & co", ["Policy"] = """{"Version":"2012-10-17"}""" };
        var endpointAttributes = new Dictionary<string, string> { ["Enabled"] = "true", ["CustomUserData"] = "user 1" };

        await WireComparison.AssertEquivalentAsync(server,
        [
            new("sns", "Publish", new
            {
                TopicArn,
                Message = "{\"default\":\"hi ✓\",\"GCM\":\"{\\\"data\\\":{}}\"}",
                Subject = "Subject + 100% = ok?",
                MessageStructure = "json",
                MessageAttributes = new Dictionary<string, object>
                {
                    ["s"] = new { DataType = "String", StringValue = "v" },
                    ["b"] = new { DataType = "Binary", BinaryValue = JsSdk.Binary(binary) },
                },
                MessageDeduplicationId = "d",
                MessageGroupId = "g",
            }, ct => _sns.PublishAsync(new PublishRequest
            {
                TopicArn = TopicArn,
                Message = "{\"default\":\"hi ✓\",\"GCM\":\"{\\\"data\\\":{}}\"}",
                Subject = "Subject + 100% = ok?",
                MessageStructure = "json",
                MessageAttributes = new()
                {
                    ["s"] = new() { DataType = "String", StringValue = "v" },
                    ["b"] = new() { DataType = "Binary", BinaryValue = binary },
                },
                MessageDeduplicationId = "d",
                MessageGroupId = "g",
            }, ct)),
            new("sns", "Publish", new { TargetArn = EndpointArn, Message = "direct" },
                ct => _sns.PublishAsync(new PublishRequest { TargetArn = EndpointArn, Message = "direct" }, ct)),
            new("sns", "Publish", new { PhoneNumber = "+15555550100", Message = "sms" },
                ct => _sns.PublishAsync(new PublishRequest { PhoneNumber = "+15555550100", Message = "sms" }, ct)),
            new("sns", "PublishBatch", new
            {
                TopicArn,
                PublishBatchRequestEntries = new object[]
                {
                    new { Id = "1", Message = "one", Subject = "s", MessageAttributes = new Dictionary<string, object> { ["k"] = new { DataType = "Number", StringValue = "1" } } },
                    new { Id = "2", Message = "two", MessageStructure = "json", MessageDeduplicationId = "d", MessageGroupId = "g" },
                },
            }, ct => _sns.PublishBatchAsync(new PublishBatchRequest
            {
                TopicArn = TopicArn,
                PublishBatchRequestEntries =
                [
                    new() { Id = "1", Message = "one", Subject = "s", MessageAttributes = new() { ["k"] = new() { DataType = "Number", StringValue = "1" } } },
                    new() { Id = "2", Message = "two", MessageStructure = "json", MessageDeduplicationId = "d", MessageGroupId = "g" },
                ],
            }, ct)),
            new("sns", "CreateTopic", new { Name = "notify-events", Attributes = attributes, Tags = new[] { new { Key = "team", Value = "notify" }, new { Key = "env", Value = "test" } } },
                ct => _sns.CreateTopicAsync(new CreateTopicRequest { Name = "notify-events", Attributes = attributes, Tags = [new() { Key = "team", Value = "notify" }, new() { Key = "env", Value = "test" }] }, ct)),
            new("sns", "DeleteTopic", new { TopicArn }, ct => _sns.DeleteTopicAsync(new DeleteTopicRequest { TopicArn = TopicArn }, ct)),
            new("sns", "ListTopics", new { NextToken = "n" }, ct => _sns.ListTopicsAsync(new ListTopicsRequest { NextToken = "n" }, ct)),
            new("sns", "ListTopics", new { }, ct => _sns.ListTopicsAsync(new ListTopicsRequest(), ct)),
            new("sns", "GetTopicAttributes", new { TopicArn }, ct => _sns.GetTopicAttributesAsync(new GetTopicAttributesRequest { TopicArn = TopicArn }, ct)),
            new("sns", "SetTopicAttributes", new { TopicArn, AttributeName = "DisplayName", AttributeValue = "Notify" },
                ct => _sns.SetTopicAttributesAsync(new SetTopicAttributesRequest { TopicArn = TopicArn, AttributeName = "DisplayName", AttributeValue = "Notify" }, ct)),
            new("sns", "Subscribe", new
            {
                TopicArn,
                Protocol = "sqs",
                Endpoint = "arn:aws:sqs:us-east-1:123456789012:q",
                Attributes = new Dictionary<string, string> { ["RawMessageDelivery"] = "true", ["FilterPolicy"] = """{"kind":["email"]}""" },
                ReturnSubscriptionArn = true,
            }, ct => _sns.SubscribeAsync(new SubscribeRequest
            {
                TopicArn = TopicArn,
                Protocol = "sqs",
                Endpoint = "arn:aws:sqs:us-east-1:123456789012:q",
                Attributes = new() { ["RawMessageDelivery"] = "true", ["FilterPolicy"] = """{"kind":["email"]}""" },
                ReturnSubscriptionArn = true,
            }, ct)),
            new("sns", "Unsubscribe", new { SubscriptionArn = TopicArn + ":sub" }, ct => _sns.UnsubscribeAsync(new UnsubscribeRequest { SubscriptionArn = TopicArn + ":sub" }, ct)),
            new("sns", "ListSubscriptionsByTopic", new { TopicArn, NextToken = "n" },
                ct => _sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = TopicArn, NextToken = "n" }, ct)),
            new("sns", "CreatePlatformApplication", new { Name = "notify", Platform = "GCM", Attributes = new Dictionary<string, string> { ["PlatformCredential"] = "key=/+" } },
                ct => _sns.CreatePlatformApplicationAsync(new CreatePlatformApplicationRequest { Name = "notify", Platform = "GCM", Attributes = new() { ["PlatformCredential"] = "key=/+" } }, ct)),
            new("sns", "DeletePlatformApplication", new { PlatformApplicationArn = AppArn },
                ct => _sns.DeletePlatformApplicationAsync(new DeletePlatformApplicationRequest { PlatformApplicationArn = AppArn }, ct)),
            new("sns", "ListPlatformApplications", new { NextToken = "n" }, ct => _sns.ListPlatformApplicationsAsync(new ListPlatformApplicationsRequest { NextToken = "n" }, ct)),
            new("sns", "CreatePlatformEndpoint", new { PlatformApplicationArn = AppArn, Token = "device-token", CustomUserData = "u", Attributes = endpointAttributes },
                ct => _sns.CreatePlatformEndpointAsync(new CreatePlatformEndpointRequest { PlatformApplicationArn = AppArn, Token = "device-token", CustomUserData = "u", Attributes = endpointAttributes }, ct)),
            new("sns", "DeleteEndpoint", new { EndpointArn }, ct => _sns.DeleteEndpointAsync(new DeleteEndpointRequest { EndpointArn = EndpointArn }, ct)),
            new("sns", "GetEndpointAttributes", new { EndpointArn }, ct => _sns.GetEndpointAttributesAsync(new GetEndpointAttributesRequest { EndpointArn = EndpointArn }, ct)),
            new("sns", "SetEndpointAttributes", new { EndpointArn, Attributes = endpointAttributes },
                ct => _sns.SetEndpointAttributesAsync(new SetEndpointAttributesRequest { EndpointArn = EndpointArn, Attributes = endpointAttributes }, ct)),
            new("sns", "ListEndpointsByPlatformApplication", new { PlatformApplicationArn = AppArn, NextToken = "n" },
                ct => _sns.ListEndpointsByPlatformApplicationAsync(new ListEndpointsByPlatformApplicationRequest { PlatformApplicationArn = AppArn, NextToken = "n" }, ct)),
            new("sns", "CheckIfPhoneNumberIsOptedOut", new { phoneNumber = "+15555550100" },
                ct => _sns.CheckIfPhoneNumberIsOptedOutAsync(new CheckIfPhoneNumberIsOptedOutRequest { PhoneNumber = "+15555550100" }, ct)),
            new("sns", "ListPhoneNumbersOptedOut", new { nextToken = "n" }, ct => _sns.ListPhoneNumbersOptedOutAsync(new ListPhoneNumbersOptedOutRequest { NextToken = "n" }, ct)),
            new("sns", "OptInPhoneNumber", new { phoneNumber = "+15555550100" }, ct => _sns.OptInPhoneNumberAsync(new OptInPhoneNumberRequest { PhoneNumber = "+15555550100" }, ct)),
            new("sns", "GetSMSAttributes", new { attributes = new[] { "DefaultSMSType", "MonthlySpendLimit" } },
                ct => _sns.GetSMSAttributesAsync(new GetSMSAttributesRequest { Attributes = ["DefaultSMSType", "MonthlySpendLimit"] }, ct)),
            // Without names: every SMS attribute, and no empty "attributes" member on the wire.
            new("sns", "GetSMSAttributes", new { }, ct => _sns.GetSMSAttributesAsync(new GetSMSAttributesRequest(), ct)),
            new("sns", "SetSMSAttributes", new { attributes = new Dictionary<string, string> { ["DefaultSMSType"] = "Transactional", ["DefaultSenderID"] = "Notify" } },
                ct => _sns.SetSMSAttributesAsync(new SetSMSAttributesRequest { Attributes = new() { ["DefaultSMSType"] = "Transactional", ["DefaultSenderID"] = "Notify" } }, ct)),
        ], TestContext.Current.CancellationToken);
    }

    public void Dispose() => _sns.Dispose();
}
