using System.Net;
using Notify.Aws.Http;
using Notify.Aws.Sns;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Sns;

/// <summary>
/// The exact Query members SnsClient sends and how it reads answers. Expected forms were recorded from the
/// official AWS SDK for JavaScript v3 (client-sns 3.1169.0) sending the same requests.
/// </summary>
public sealed class SnsSerializationTests
{
    private const string Ns = "http://sns.amazonaws.com/doc/2010-03-31/";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_serialize_message_attributes_with_name_and_value_members_when_publishing()
    {
        var wire = StubHttpHandler.QueryResult(Ns, "Publish", "<MessageId>m-1</MessageId><SequenceNumber>10</SequenceNumber>");
        using var sns = new SnsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var response = await sns.PublishAsync(
            new PublishRequest
            {
                TopicArn = "arn:t",
                Message = "m",
                Subject = "s",
                MessageStructure = "json",
                MessageAttributes = new()
                {
                    ["a"] = new MessageAttributeValue { DataType = "String", StringValue = "v" },
                    ["b"] = new MessageAttributeValue { DataType = "Binary", BinaryValue = [1, 2] },
                },
                MessageDeduplicationId = "d",
                MessageGroupId = "g",
            },
            Ct);

        var sent = wire.Single;
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal("application/x-www-form-urlencoded", sent.ContentType);
        Assert.Equal([new("Action", "Publish"), new("Version", "2010-03-31")], sent.Form.Take(2));
        Assert.Equal(
            [
                "TopicArn=arn:t", "Message=m", "Subject=s", "MessageStructure=json",
                "MessageAttributes.entry.1.Name=a", "MessageAttributes.entry.1.Value.DataType=String", "MessageAttributes.entry.1.Value.StringValue=v",
                "MessageAttributes.entry.2.Name=b", "MessageAttributes.entry.2.Value.DataType=Binary", "MessageAttributes.entry.2.Value.BinaryValue=AQI=",
                "MessageDeduplicationId=d", "MessageGroupId=g",
            ],
            sent.Members);
        Assert.Equal(("m-1", "10"), (response.MessageId, response.SequenceNumber));
    }

    [Fact]
    public async Task Should_serialize_entries_as_members_and_read_both_outcomes_when_publishing_batch()
    {
        var wire = StubHttpHandler.QueryResult(
            Ns,
            "PublishBatch",
            "<Successful><member><Id>1</Id><MessageId>m-1</MessageId></member></Successful>" +
            "<Failed><member><Id>2</Id><Code>InvalidParameter</Code><Message>bad</Message><SenderFault>true</SenderFault></member></Failed>");
        using var sns = new SnsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var response = await sns.PublishBatchAsync(
            new PublishBatchRequest
            {
                TopicArn = "arn:t",
                PublishBatchRequestEntries =
                [
                    new() { Id = "1", Message = "m", MessageAttributes = new() { ["a"] = new() { DataType = "Number", StringValue = "1" } } },
                    new() { Id = "2", Message = "n", Subject = "s" },
                ],
            },
            Ct);

        Assert.Equal(
            [
                "TopicArn=arn:t",
                "PublishBatchRequestEntries.member.1.Id=1", "PublishBatchRequestEntries.member.1.Message=m",
                "PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name=a",
                "PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType=Number",
                "PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue=1",
                "PublishBatchRequestEntries.member.2.Id=2", "PublishBatchRequestEntries.member.2.Message=n", "PublishBatchRequestEntries.member.2.Subject=s",
            ],
            wire.Single.Members);
        Assert.Equal(("1", "m-1"), (response.Successful[0].Id, response.Successful[0].MessageId));
        var failed = Assert.Single(response.Failed);
        Assert.Equal(("2", "InvalidParameter", "bad", true), (failed.Id, failed.Code, failed.Message, failed.SenderFault));
    }

    [Fact]
    public async Task Should_serialize_attributes_as_key_value_entries_and_tags_as_members_when_creating_topic()
    {
        var wire = StubHttpHandler.QueryResult(Ns, "CreateTopic", "<TopicArn>arn:aws:sns:us-east-1:1:n</TopicArn>");
        using var sns = new SnsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var response = await sns.CreateTopicAsync(
            new CreateTopicRequest
            {
                Name = "n",
                Attributes = new() { ["FifoTopic"] = "true", ["DisplayName"] = "d" },
                Tags = [new Tag { Key = "k", Value = "v" }],
            },
            Ct);

        Assert.Equal(
            [
                "Name=n",
                "Attributes.entry.1.key=FifoTopic", "Attributes.entry.1.value=true",
                "Attributes.entry.2.key=DisplayName", "Attributes.entry.2.value=d",
                "Tags.member.1.Key=k", "Tags.member.1.Value=v",
            ],
            wire.Single.Members);
        Assert.Equal("arn:aws:sns:us-east-1:1:n", response.TopicArn);
    }

    [Fact]
    public async Task Should_send_attributes_map_and_flag_when_subscribing()
    {
        var wire = StubHttpHandler.QueryResult(Ns, "Subscribe", "<SubscriptionArn>arn:t:s</SubscriptionArn>");
        using var sns = new SnsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var response = await sns.SubscribeAsync(
            new SubscribeRequest
            {
                TopicArn = "arn:t",
                Protocol = "sqs",
                Endpoint = "arn:q",
                Attributes = new() { ["RawMessageDelivery"] = "true" },
                ReturnSubscriptionArn = true,
            },
            Ct);

        Assert.Equal(
            ["TopicArn=arn:t", "Protocol=sqs", "Endpoint=arn:q", "Attributes.entry.1.key=RawMessageDelivery", "Attributes.entry.1.value=true", "ReturnSubscriptionArn=true"],
            wire.Single.Members);
        Assert.Equal("arn:t:s", response.SubscriptionArn);
    }

    [Fact]
    public async Task Should_use_camel_case_members_when_calling_sms_operations()
    {
        var wire = StubHttpHandler.QueryResult(
            Ns,
            "GetSMSAttributes", "<attributes><entry><key>DefaultSMSType</key><value>Transactional</value></entry></attributes>");
        using var sns = new SnsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var attributes = await sns.GetSMSAttributesAsync(new GetSMSAttributesRequest { Attributes = ["DefaultSMSType", "MonthlySpendLimit"] }, Ct);
        await sns.SetSMSAttributesAsync(new SetSMSAttributesRequest { Attributes = new() { ["DefaultSMSType"] = "Transactional" } }, Ct);
        await sns.CheckIfPhoneNumberIsOptedOutAsync(new CheckIfPhoneNumberIsOptedOutRequest { PhoneNumber = "+1555" }, Ct);
        await sns.ListPhoneNumbersOptedOutAsync(new ListPhoneNumbersOptedOutRequest { NextToken = "t" }, Ct);
        await sns.OptInPhoneNumberAsync(new OptInPhoneNumberRequest { PhoneNumber = "+1555" }, Ct);

        Assert.Equal(["attributes.member.1=DefaultSMSType", "attributes.member.2=MonthlySpendLimit"], wire.Requests[0].Members);
        Assert.Equal(["attributes.entry.1.key=DefaultSMSType", "attributes.entry.1.value=Transactional"], wire.Requests[1].Members);
        Assert.Equal(["phoneNumber=+1555"], wire.Requests[2].Members);
        Assert.Equal(["nextToken=t"], wire.Requests[3].Members);
        Assert.Equal(["phoneNumber=+1555"], wire.Requests[4].Members);
        Assert.Equal("Transactional", attributes.Attributes["DefaultSMSType"]);
    }

    [Fact]
    public async Task Should_read_lists_maps_and_tokens_when_answers_carry_them()
    {
        var wire = StubHttpHandler.QueryResult(
            Ns,
            "ListEndpointsByPlatformApplication",
            "<Endpoints><member><EndpointArn>arn:e1</EndpointArn><Attributes><entry><key>Enabled</key><value>false</value></entry>" +
            "<entry><key>Token</key><value>tok</value></entry></Attributes></member><member><EndpointArn>arn:e2</EndpointArn></member></Endpoints>" +
            "<NextToken>page-2</NextToken>");
        using var sns = new SnsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var response = await sns.ListEndpointsByPlatformApplicationAsync(new ListEndpointsByPlatformApplicationRequest { PlatformApplicationArn = "arn:a" }, Ct);

        Assert.Equal(["arn:e1", "arn:e2"], response.Endpoints.Select(e => e.EndpointArn));
        Assert.Equal(new Dictionary<string, string> { ["Enabled"] = "false", ["Token"] = "tok" }, response.Endpoints[0].Attributes);
        Assert.Empty(response.Endpoints[1].Attributes);
        Assert.Equal("page-2", response.NextToken);
    }

    [Fact]
    public async Task Should_throw_typed_error_with_code_and_request_id_when_sns_answers_error_response()
    {
        var wire = StubHttpHandler.Xml(
            $"<ErrorResponse xmlns=\"{Ns}\"><Error><Type>Sender</Type><Code>EndpointDisabled</Code><Message>Endpoint is disabled</Message></Error>" +
            "<RequestId>r-42</RequestId></ErrorResponse>",
            HttpStatusCode.BadRequest);
        using var sns = new SnsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, wire);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => sns.PublishAsync(new PublishRequest { TargetArn = "arn:e", Message = "m" }, Ct));

        Assert.Equal(("EndpointDisabled", "Endpoint is disabled", HttpStatusCode.BadRequest), (e.ErrorCode, e.ErrorMessage, e.StatusCode));
        Assert.Equal("SNS", e.Service);
        Assert.Equal("Publish", e.Operation);
        Assert.NotNull(e.RequestId);
    }
}
