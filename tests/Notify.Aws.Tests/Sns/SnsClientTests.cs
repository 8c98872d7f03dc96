using System.Net;
using System.Text.Json.Nodes;
using Notify.Aws.Http;
using Notify.Aws.Sns;
using Notify.Aws.Tests.Fixtures;
using Notify.Aws.Tests.Sqs;
using SqsClient = Notify.Aws.Sqs.SqsClient;

namespace Notify.Aws.Tests.Sns;

/// <summary>SnsClient against a real moto_server: every operation's request and answer round-trips through SNS's Query protocol.</summary>
public sealed class SnsClientTests(MotoFixture moto) : IClassFixture<MotoFixture>, IDisposable
{
    private readonly SnsClient _sns = new(moto.Connection);
    private readonly SqsClient _sqs = new(moto.Connection);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_deliver_message_subject_and_attributes_to_subscribed_queue_when_published_to_topic()
    {
        var topicArn = await CreateTopicAsync();
        var queue = await _sqs.CreateWithArnAsync("q");
        var subscription = await _sns.SubscribeAsync(
            new SubscribeRequest { TopicArn = topicArn, Protocol = "sqs", Endpoint = queue.Arn, ReturnSubscriptionArn = true }, Ct);

        var text = Unique("hello");
        var published = await _sns.PublishAsync(
            new PublishRequest
            {
                TopicArn = topicArn,
                Message = text,
                Subject = "greeting",
                MessageAttributes = new()
                {
                    ["channel"] = new MessageAttributeValue { DataType = "String", StringValue = "email" },
                    ["attempt"] = new MessageAttributeValue { DataType = "Number", StringValue = "3" },
                    ["blob"] = new MessageAttributeValue { DataType = "Binary", BinaryValue = [1, 2, 255] },
                },
            },
            Ct);

        var body = await _sqs.WaitForBodyAsync(queue.Url, b => b.Contains(text, StringComparison.Ordinal), "the SNS envelope in the queue");
        var envelope = JsonNode.Parse(body!)!;
        Assert.Equal(published.MessageId, (string?)envelope["MessageId"]);
        Assert.Equal(text, (string?)envelope["Message"]);
        Assert.Equal("greeting", (string?)envelope["Subject"]);
        Assert.Equal(topicArn, (string?)envelope["TopicArn"]);
        var attributes = envelope["MessageAttributes"]!;
        Assert.Equal("String", (string?)attributes["channel"]!["Type"]);
        Assert.Equal("email", (string?)attributes["channel"]!["Value"]);
        Assert.Equal("3", (string?)attributes["attempt"]!["Value"]);
        Assert.Equal(Convert.ToBase64String([1, 2, 255]), (string?)attributes["blob"]!["Value"]);

        var subscriptions = await _sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = topicArn }, Ct);
        var listed = Assert.Single(subscriptions.Subscriptions);
        Assert.Equal(subscription.SubscriptionArn, listed.SubscriptionArn);
        Assert.Equal(("sqs", queue.Arn, topicArn), (listed.Protocol, listed.Endpoint, listed.TopicArn));
    }

    [Fact]
    public async Task Should_deliver_bare_message_when_subscription_has_raw_message_delivery()
    {
        var topicArn = await CreateTopicAsync();
        var queue = await _sqs.CreateWithArnAsync("raw");
        await _sns.SubscribeAsync(
            new SubscribeRequest
            {
                TopicArn = topicArn,
                Protocol = "sqs",
                Endpoint = queue.Arn,
                Attributes = new() { ["RawMessageDelivery"] = "true" },
            },
            Ct);

        var text = Unique("raw-body");
        await _sns.PublishAsync(new PublishRequest { TopicArn = topicArn, Message = text }, Ct);

        Assert.Equal(text, await _sqs.WaitForBodyAsync(queue.Url, b => b.Contains(text, StringComparison.Ordinal), "the raw message"));
    }

    [Fact]
    public async Task Should_manage_topic_attributes_listing_and_deletion_when_topic_lifecycle_runs()
    {
        var name = Unique("life");
        var created = await _sns.CreateTopicAsync(
            new CreateTopicRequest
            {
                Name = name,
                Attributes = new() { ["DisplayName"] = "Before" },
                Tags = [new Tag { Key = "owner", Value = "notify" }],
            },
            Ct);
        Assert.EndsWith(":" + name, created.TopicArn, StringComparison.Ordinal);
        Assert.Equal("Before", (await GetTopicAttributesAsync(created.TopicArn!))["DisplayName"]);

        await _sns.SetTopicAttributesAsync(
            new SetTopicAttributesRequest { TopicArn = created.TopicArn, AttributeName = "DisplayName", AttributeValue = "After" }, Ct);
        Assert.Equal("After", (await GetTopicAttributesAsync(created.TopicArn!))["DisplayName"]);
        Assert.Contains(await ListAllTopicsAsync(), t => t == created.TopicArn);

        await _sns.DeleteTopicAsync(new DeleteTopicRequest { TopicArn = created.TopicArn }, Ct);

        Assert.DoesNotContain(await ListAllTopicsAsync(), t => t == created.TopicArn);
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => GetTopicAttributesAsync(created.TopicArn!));
        Assert.Equal("NotFound", e.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Should_stop_delivery_when_unsubscribed()
    {
        var topicArn = await CreateTopicAsync();
        var queue = await _sqs.CreateWithArnAsync("unsub");
        var subscription = await _sns.SubscribeAsync(new SubscribeRequest { TopicArn = topicArn, Protocol = "sqs", Endpoint = queue.Arn }, Ct);

        await _sns.UnsubscribeAsync(new UnsubscribeRequest { SubscriptionArn = subscription.SubscriptionArn }, Ct);

        Assert.Empty((await _sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = topicArn }, Ct)).Subscriptions);
    }

    [Fact]
    public async Task Should_record_sms_with_text_when_published_to_phone_number()
    {
        var text = Unique("Your code is 123456");

        var published = await _sns.PublishAsync(new PublishRequest { PhoneNumber = "+15555550123", Message = text }, Ct);

        var sms = await MotoState.ModelsAsync(moto.Endpoint, "sns", "SMS", Ct);
        var sent = Assert.Single(sms, s => (string?)s["message_id"] == published.MessageId);
        Assert.Equal("+15555550123", (string?)sent["phone_number"]);
        Assert.Equal(text, (string?)sent["message"]);
    }

    [Fact]
    public async Task Should_reject_sms_when_phone_number_is_not_e164()
    {
        var e = await Assert.ThrowsAsync<AwsServiceException>(
            () => _sns.PublishAsync(new PublishRequest { PhoneNumber = "555-0123", Message = "x" }, Ct));

        Assert.Equal("InvalidParameter", e.ErrorCode);
        Assert.False(e.IsRetryable);
    }

    [Fact]
    public async Task Should_create_read_update_list_and_delete_when_managing_platform_application_and_endpoint()
    {
        var app = await _sns.CreatePlatformApplicationAsync(
            new CreatePlatformApplicationRequest { Name = Unique("app"), Platform = "GCM", Attributes = new() { ["PlatformCredential"] = "server-key" } }, Ct);
        var listedApp = Assert.Single(
            (await _sns.ListPlatformApplicationsAsync(new ListPlatformApplicationsRequest(), Ct)).PlatformApplications,
            a => a.PlatformApplicationArn == app.PlatformApplicationArn);
        Assert.Equal("server-key", listedApp.Attributes["PlatformCredential"]);

        var token = Unique("device-token");
        var endpoint = await _sns.CreatePlatformEndpointAsync(
            new CreatePlatformEndpointRequest { PlatformApplicationArn = app.PlatformApplicationArn, Token = token, CustomUserData = "user-1" }, Ct);
        var attributes = (await _sns.GetEndpointAttributesAsync(new GetEndpointAttributesRequest { EndpointArn = endpoint.EndpointArn }, Ct)).Attributes;
        Assert.Equal(token, attributes["Token"]);
        Assert.Equal("true", attributes["Enabled"]);

        await _sns.SetEndpointAttributesAsync(
            new SetEndpointAttributesRequest { EndpointArn = endpoint.EndpointArn, Attributes = new() { ["CustomUserData"] = "user-2" } }, Ct);
        Assert.Equal("user-2", (await _sns.GetEndpointAttributesAsync(new GetEndpointAttributesRequest { EndpointArn = endpoint.EndpointArn }, Ct)).Attributes["CustomUserData"]);

        var listed = Assert.Single(await ListEndpointsAsync(app.PlatformApplicationArn!));
        Assert.Equal(endpoint.EndpointArn, listed.EndpointArn);
        Assert.Equal(token, listed.Attributes["Token"]);

        await _sns.DeleteEndpointAsync(new DeleteEndpointRequest { EndpointArn = endpoint.EndpointArn }, Ct);
        Assert.Empty(await ListEndpointsAsync(app.PlatformApplicationArn!));

        await _sns.DeletePlatformApplicationAsync(new DeletePlatformApplicationRequest { PlatformApplicationArn = app.PlatformApplicationArn }, Ct);
        Assert.DoesNotContain(
            (await _sns.ListPlatformApplicationsAsync(new ListPlatformApplicationsRequest(), Ct)).PlatformApplications,
            a => a.PlatformApplicationArn == app.PlatformApplicationArn);
    }

    [Fact]
    public async Task Should_throw_EndpointDisabled_when_publishing_to_disabled_endpoint()
    {
        var app = await _sns.CreatePlatformApplicationAsync(
            new CreatePlatformApplicationRequest { Name = Unique("push"), Platform = "APNS", Attributes = new() { ["PlatformCredential"] = "key" } }, Ct);
        var endpoint = await _sns.CreatePlatformEndpointAsync(
            new CreatePlatformEndpointRequest { PlatformApplicationArn = app.PlatformApplicationArn, Token = Unique("apns-token") }, Ct);
        var delivered = await _sns.PublishAsync(new PublishRequest { TargetArn = endpoint.EndpointArn, Message = "while enabled" }, Ct);
        Assert.False(string.IsNullOrEmpty(delivered.MessageId));

        await _sns.SetEndpointAttributesAsync(
            new SetEndpointAttributesRequest { EndpointArn = endpoint.EndpointArn, Attributes = new() { ["Enabled"] = "false" } }, Ct);

        var e = await Assert.ThrowsAsync<AwsServiceException>(
            () => _sns.PublishAsync(new PublishRequest { TargetArn = endpoint.EndpointArn, Message = "after disable" }, Ct));
        Assert.Equal("EndpointDisabled", e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.False(e.IsRetryable);
        Assert.False(string.IsNullOrEmpty(e.RequestId));
    }

    [Fact]
    public async Task Should_report_each_entry_when_batch_has_successes_and_failures()
    {
        var topicArn = await CreateTopicAsync();
        var queue = await _sqs.CreateWithArnAsync("batch");
        await _sns.SubscribeAsync(
            new SubscribeRequest { TopicArn = topicArn, Protocol = "sqs", Endpoint = queue.Arn, Attributes = new() { ["RawMessageDelivery"] = "true" } }, Ct);
        var text = Unique("batched");

        var result = await _sns.PublishBatchAsync(
            new PublishBatchRequest
            {
                TopicArn = topicArn,
                PublishBatchRequestEntries =
                [
                    new PublishBatchRequestEntry
                    {
                        Id = "ok",
                        Message = text,
                        MessageAttributes = new() { ["kind"] = new MessageAttributeValue { DataType = "String", StringValue = "batch" } },
                    },
                    // A deduplication id is only valid on FIFO topics: this entry alone fails.
                    new PublishBatchRequestEntry { Id = "bad", Message = "x", MessageDeduplicationId = "d-1" },
                ],
            },
            Ct);

        var ok = Assert.Single(result.Successful);
        Assert.Equal("ok", ok.Id);
        Assert.False(string.IsNullOrEmpty(ok.MessageId));
        var failed = Assert.Single(result.Failed);
        Assert.Equal("bad", failed.Id);
        Assert.Equal("InvalidParameter", failed.Code);
        Assert.True(failed.SenderFault);
        Assert.Contains("MessageDeduplicationId", failed.Message, StringComparison.Ordinal);
        Assert.Equal(text, await _sqs.WaitForBodyAsync(queue.Url, b => b == text, "the successful batch entry"));
    }

    [Fact]
    public async Task Should_list_check_and_opt_in_when_phone_numbers_are_opted_out()
    {
        // moto preloads a fixed opted-out list, and (independently of that list) reports numbers ending in 99 as opted out.
        const string preloaded = "+447420500600";
        Assert.Contains(preloaded, await ListAllOptedOutAsync());
        Assert.True((await _sns.CheckIfPhoneNumberIsOptedOutAsync(new CheckIfPhoneNumberIsOptedOutRequest { PhoneNumber = "+15555550199" }, Ct)).IsOptedOut);
        Assert.False((await _sns.CheckIfPhoneNumberIsOptedOutAsync(new CheckIfPhoneNumberIsOptedOutRequest { PhoneNumber = "+15555550100" }, Ct)).IsOptedOut);

        await _sns.OptInPhoneNumberAsync(new OptInPhoneNumberRequest { PhoneNumber = preloaded }, Ct);

        Assert.DoesNotContain(preloaded, await ListAllOptedOutAsync());
    }

    [Fact]
    public async Task Should_return_set_values_when_sms_attributes_round_trip()
    {
        await _sns.SetSMSAttributesAsync(
            new SetSMSAttributesRequest { Attributes = new() { ["DefaultSMSType"] = "Transactional", ["DefaultSenderID"] = "Notify" } }, Ct);

        var all = await _sns.GetSMSAttributesAsync(new GetSMSAttributesRequest(), Ct);
        var filtered = await _sns.GetSMSAttributesAsync(new GetSMSAttributesRequest { Attributes = ["DefaultSMSType"] }, Ct);

        Assert.Equal("Transactional", all.Attributes["DefaultSMSType"]);
        Assert.Equal("Notify", all.Attributes["DefaultSenderID"]);
        Assert.Equal(new Dictionary<string, string> { ["DefaultSMSType"] = "Transactional" }, filtered.Attributes);
    }

    public void Dispose()
    {
        _sns.Dispose();
        _sqs.Dispose();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<string> CreateTopicAsync() =>
        (await _sns.CreateTopicAsync(new CreateTopicRequest { Name = Unique("topic") }, Ct)).TopicArn!;

    private async Task<Dictionary<string, string>> GetTopicAttributesAsync(string topicArn) =>
        (await _sns.GetTopicAttributesAsync(new GetTopicAttributesRequest { TopicArn = topicArn }, Ct)).Attributes;

    private async Task<List<Endpoint>> ListEndpointsAsync(string applicationArn) =>
        (await _sns.ListEndpointsByPlatformApplicationAsync(new ListEndpointsByPlatformApplicationRequest { PlatformApplicationArn = applicationArn }, Ct)).Endpoints;

    private async Task<List<string>> ListAllTopicsAsync()
    {
        var all = new List<string>();
        string? next = null;
        do
        {
            var page = await _sns.ListTopicsAsync(new ListTopicsRequest { NextToken = next }, Ct);
            all.AddRange(page.Topics.Select(t => t.TopicArn!));
            next = page.NextToken;
        }
        while (next is not null);

        return all;
    }

    private async Task<List<string>> ListAllOptedOutAsync()
    {
        var all = new List<string>();
        string? next = null;
        do
        {
            var page = await _sns.ListPhoneNumbersOptedOutAsync(new ListPhoneNumbersOptedOutRequest { NextToken = next }, Ct);
            all.AddRange(page.PhoneNumbers);
            next = page.NextToken;
        }
        while (next is not null);

        return all;
    }
}
