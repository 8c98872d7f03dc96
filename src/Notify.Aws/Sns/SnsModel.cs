namespace Notify.Aws.Sns;

// Requests, responses and shapes named as in AWSSDK.SimpleNotificationService (Amazon.SimpleNotificationService.Model),
// so moving to the official SDK is a change of namespace. As in SDK v4, request collections default to null (unset);
// response collections are never null.

/// <summary>One message attribute. SNS needs <c>DataType</c> (String, String.Array, Number or Binary) and one value.</summary>
public sealed class MessageAttributeValue
{
    public string? DataType { get; set; }

    public string? StringValue { get; set; }

    /// <summary>Raw bytes; sent base64-encoded. (The SDK models this as a <see cref="MemoryStream"/>.)</summary>
    public byte[]? BinaryValue { get; set; }
}

public sealed class Tag
{
    public string? Key { get; set; }

    public string? Value { get; set; }
}

/// <summary>Exactly one of <see cref="TopicArn"/>, <see cref="TargetArn"/> (a platform endpoint) or <see cref="PhoneNumber"/> (E.164, sends an SMS).</summary>
public sealed class PublishRequest
{
    public string? TopicArn { get; set; }

    public string? TargetArn { get; set; }

    public string? PhoneNumber { get; set; }

    public string? Message { get; set; }

    public string? Subject { get; set; }

    /// <summary>"json" makes <see cref="Message"/> a JSON object with one message per protocol (e.g. <c>{"default":…,"GCM":…}</c>).</summary>
    public string? MessageStructure { get; set; }

    public Dictionary<string, MessageAttributeValue>? MessageAttributes { get; set; }

    /// <summary>FIFO topics only.</summary>
    public string? MessageDeduplicationId { get; set; }

    /// <summary>FIFO topics only (and required there).</summary>
    public string? MessageGroupId { get; set; }
}

public sealed class PublishResponse
{
    public string? MessageId { get; set; }

    /// <summary>FIFO topics only.</summary>
    public string? SequenceNumber { get; set; }
}

public sealed class PublishBatchRequest
{
    public string? TopicArn { get; set; }

    public List<PublishBatchRequestEntry>? PublishBatchRequestEntries { get; set; }
}

public sealed class PublishBatchRequestEntry
{
    /// <summary>Unique within the batch; the results refer to entries by it.</summary>
    public string? Id { get; set; }

    public string? Message { get; set; }

    public string? Subject { get; set; }

    public string? MessageStructure { get; set; }

    public Dictionary<string, MessageAttributeValue>? MessageAttributes { get; set; }

    public string? MessageDeduplicationId { get; set; }

    public string? MessageGroupId { get; set; }
}

/// <summary>A batch answers 200 even when entries fail: check <see cref="Failed"/>.</summary>
public sealed class PublishBatchResponse
{
    public List<PublishBatchResultEntry> Successful { get; set; } = [];

    public List<BatchResultErrorEntry> Failed { get; set; } = [];
}

public sealed class PublishBatchResultEntry
{
    public string? Id { get; set; }

    public string? MessageId { get; set; }

    public string? SequenceNumber { get; set; }
}

public sealed class BatchResultErrorEntry
{
    public string? Id { get; set; }

    public string? Code { get; set; }

    public string? Message { get; set; }

    /// <summary>True when resending the same entry cannot succeed.</summary>
    public bool SenderFault { get; set; }
}

public sealed class CreateTopicRequest
{
    public string? Name { get; set; }

    /// <summary>E.g. <c>DisplayName</c>, <c>FifoTopic</c>, <c>ContentBasedDeduplication</c>, <c>KmsMasterKeyId</c>, <c>Policy</c>.</summary>
    public Dictionary<string, string>? Attributes { get; set; }

    public List<Tag>? Tags { get; set; }
}

public sealed class CreateTopicResponse
{
    public string? TopicArn { get; set; }
}

public sealed class DeleteTopicRequest
{
    public string? TopicArn { get; set; }
}

public sealed class DeleteTopicResponse;

public sealed class ListTopicsRequest
{
    public string? NextToken { get; set; }
}

public sealed class ListTopicsResponse
{
    public List<Topic> Topics { get; set; } = [];

    public string? NextToken { get; set; }
}

public sealed class Topic
{
    public string? TopicArn { get; set; }
}

public sealed class GetTopicAttributesRequest
{
    public string? TopicArn { get; set; }
}

public sealed class GetTopicAttributesResponse
{
    public Dictionary<string, string> Attributes { get; set; } = [];
}

public sealed class SetTopicAttributesRequest
{
    public string? TopicArn { get; set; }

    public string? AttributeName { get; set; }

    public string? AttributeValue { get; set; }
}

public sealed class SetTopicAttributesResponse;

public sealed class SubscribeRequest
{
    public string? TopicArn { get; set; }

    /// <summary>sqs, lambda, http, https, email, email-json, sms, application, firehose.</summary>
    public string? Protocol { get; set; }

    public string? Endpoint { get; set; }

    /// <summary>E.g. <c>RawMessageDelivery</c>, <c>FilterPolicy</c>, <c>FilterPolicyScope</c>, <c>RedrivePolicy</c>.</summary>
    public Dictionary<string, string>? Attributes { get; set; }

    /// <summary>Return the ARN even while the subscription awaits confirmation (otherwise "pending confirmation").</summary>
    public bool? ReturnSubscriptionArn { get; set; }
}

public sealed class SubscribeResponse
{
    public string? SubscriptionArn { get; set; }
}

public sealed class UnsubscribeRequest
{
    public string? SubscriptionArn { get; set; }
}

public sealed class UnsubscribeResponse;

public sealed class ListSubscriptionsByTopicRequest
{
    public string? TopicArn { get; set; }

    public string? NextToken { get; set; }
}

public sealed class ListSubscriptionsByTopicResponse
{
    public List<Subscription> Subscriptions { get; set; } = [];

    public string? NextToken { get; set; }
}

public sealed class Subscription
{
    public string? SubscriptionArn { get; set; }

    public string? Owner { get; set; }

    public string? Protocol { get; set; }

    public string? Endpoint { get; set; }

    public string? TopicArn { get; set; }
}

public sealed class CreatePlatformApplicationRequest
{
    public string? Name { get; set; }

    /// <summary>GCM (Firebase), APNS, APNS_SANDBOX, ADM, BAIDU, MPNS, WNS.</summary>
    public string? Platform { get; set; }

    /// <summary>E.g. <c>PlatformCredential</c>, <c>PlatformPrincipal</c>, <c>EventEndpointUpdated</c>.</summary>
    public Dictionary<string, string>? Attributes { get; set; }
}

public sealed class CreatePlatformApplicationResponse
{
    public string? PlatformApplicationArn { get; set; }
}

public sealed class DeletePlatformApplicationRequest
{
    public string? PlatformApplicationArn { get; set; }
}

public sealed class DeletePlatformApplicationResponse;

public sealed class ListPlatformApplicationsRequest
{
    public string? NextToken { get; set; }
}

public sealed class ListPlatformApplicationsResponse
{
    public List<PlatformApplication> PlatformApplications { get; set; } = [];

    public string? NextToken { get; set; }
}

public sealed class PlatformApplication
{
    public string? PlatformApplicationArn { get; set; }

    public Dictionary<string, string> Attributes { get; set; } = [];
}

public sealed class CreatePlatformEndpointRequest
{
    public string? PlatformApplicationArn { get; set; }

    /// <summary>The device token (FCM registration token, APNs device token).</summary>
    public string? Token { get; set; }

    public string? CustomUserData { get; set; }

    public Dictionary<string, string>? Attributes { get; set; }
}

public sealed class CreatePlatformEndpointResponse
{
    public string? EndpointArn { get; set; }
}

public sealed class DeleteEndpointRequest
{
    public string? EndpointArn { get; set; }
}

public sealed class DeleteEndpointResponse;

public sealed class GetEndpointAttributesRequest
{
    public string? EndpointArn { get; set; }
}

/// <summary><c>Enabled</c> ("true"/"false"), <c>Token</c> and <c>CustomUserData</c>.</summary>
public sealed class GetEndpointAttributesResponse
{
    public Dictionary<string, string> Attributes { get; set; } = [];
}

public sealed class SetEndpointAttributesRequest
{
    public string? EndpointArn { get; set; }

    public Dictionary<string, string>? Attributes { get; set; }
}

public sealed class SetEndpointAttributesResponse;

public sealed class ListEndpointsByPlatformApplicationRequest
{
    public string? PlatformApplicationArn { get; set; }

    public string? NextToken { get; set; }
}

public sealed class ListEndpointsByPlatformApplicationResponse
{
    public List<Endpoint> Endpoints { get; set; } = [];

    public string? NextToken { get; set; }
}

public sealed class Endpoint
{
    public string? EndpointArn { get; set; }

    public Dictionary<string, string> Attributes { get; set; } = [];
}

public sealed class CheckIfPhoneNumberIsOptedOutRequest
{
    public string? PhoneNumber { get; set; }
}

public sealed class CheckIfPhoneNumberIsOptedOutResponse
{
    public bool IsOptedOut { get; set; }
}

public sealed class ListPhoneNumbersOptedOutRequest
{
    public string? NextToken { get; set; }
}

public sealed class ListPhoneNumbersOptedOutResponse
{
    public List<string> PhoneNumbers { get; set; } = [];

    public string? NextToken { get; set; }
}

/// <summary>A number can be opted in again only once every 30 days.</summary>
public sealed class OptInPhoneNumberRequest
{
    public string? PhoneNumber { get; set; }
}

public sealed class OptInPhoneNumberResponse;

public sealed class GetSMSAttributesRequest
{
    /// <summary>Names to return; null or empty returns all that are set.</summary>
    public List<string>? Attributes { get; set; }
}

public sealed class GetSMSAttributesResponse
{
    public Dictionary<string, string> Attributes { get; set; } = [];
}

public sealed class SetSMSAttributesRequest
{
    /// <summary>E.g. <c>DefaultSMSType</c> (Promotional|Transactional), <c>DefaultSenderID</c>, <c>MonthlySpendLimit</c>, <c>DeliveryStatusIAMRole</c>.</summary>
    public Dictionary<string, string>? Attributes { get; set; }
}

public sealed class SetSMSAttributesResponse;
