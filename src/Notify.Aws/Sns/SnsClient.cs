using System.Xml.Linq;
using Notify.Aws.Http;

namespace Notify.Aws.Sns;

/// <summary>
/// Amazon SNS over the AWS Query protocol (API 2010-03-31): topics, subscriptions, mobile push (platform
/// applications and endpoints) and SMS. Operations and members mirror AWSSDK.SimpleNotificationService; errors
/// surface as <see cref="AwsServiceException"/> with the SNS error code (e.g. <c>EndpointDisabled</c>, <c>NotFound</c>).
/// </summary>
public sealed class SnsClient : AwsClient
{
    public const string ApiVersion = "2010-03-31";

    private readonly AwsQueryProtocol _query;

    /// <summary>Shares a transport (and its connection pool) owned by the caller.</summary>
    public SnsClient(AwsTransport transport)
        : base(AwsService.Sns, transport) => _query = new(Transport, ApiVersion);

    /// <summary>Creates and owns its transport; dispose the client to release its connections.</summary>
    public SnsClient(AwsConnection connection, AwsRetryOptions? retry = null, HttpMessageHandler? handler = null)
        : base(AwsService.Sns, QueryXmlErrorReader.Instance, connection, retry, handler) => _query = new(Transport, ApiVersion);

    public async Task<PublishResponse> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters()
            .Add("TopicArn", request.TopicArn)
            .Add("TargetArn", request.TargetArn)
            .Add("PhoneNumber", request.PhoneNumber)
            .Add("Message", request.Message)
            .Add("Subject", request.Subject)
            .Add("MessageStructure", request.MessageStructure);
        AddMessageAttributes(q, "MessageAttributes", request.MessageAttributes);
        q.Add("MessageDeduplicationId", request.MessageDeduplicationId).Add("MessageGroupId", request.MessageGroupId);

        var r = await InvokeAsync("Publish", request.TopicArn ?? request.TargetArn, q, cancellationToken);
        return new PublishResponse { MessageId = r.String("MessageId"), SequenceNumber = r.String("SequenceNumber") };
    }

    /// <summary>Up to 10 entries per call; per-entry failures come back in <see cref="PublishBatchResponse.Failed"/>, not as an exception.</summary>
    public async Task<PublishBatchResponse> PublishBatchAsync(PublishBatchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters()
            .Add("TopicArn", request.TopicArn)
            .AddList("PublishBatchRequestEntries", request.PublishBatchRequestEntries, static (p, prefix, e) =>
            {
                p.Add($"{prefix}.Id", e.Id)
                    .Add($"{prefix}.Message", e.Message)
                    .Add($"{prefix}.Subject", e.Subject)
                    .Add($"{prefix}.MessageStructure", e.MessageStructure);
                AddMessageAttributes(p, $"{prefix}.MessageAttributes", e.MessageAttributes);
                p.Add($"{prefix}.MessageDeduplicationId", e.MessageDeduplicationId).Add($"{prefix}.MessageGroupId", e.MessageGroupId);
            });

        var r = await InvokeAsync("PublishBatch", request.TopicArn, q, cancellationToken);
        return new PublishBatchResponse
        {
            Successful = r.List("Successful", m => new PublishBatchResultEntry
            {
                Id = m.String("Id"),
                MessageId = m.String("MessageId"),
                SequenceNumber = m.String("SequenceNumber"),
            }),
            Failed = r.List("Failed", m => new BatchResultErrorEntry
            {
                Id = m.String("Id"),
                Code = m.String("Code"),
                Message = m.String("Message"),
                SenderFault = m.Bool("SenderFault") ?? false,
            }),
        };
    }

    /// <summary>Idempotent: creating an existing topic with the same attributes returns its ARN.</summary>
    public async Task<CreateTopicResponse> CreateTopicAsync(CreateTopicRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters()
            .Add("Name", request.Name)
            .AddMap("Attributes", request.Attributes)
            .AddList("Tags", request.Tags, static (p, prefix, t) => p.Add($"{prefix}.Key", t.Key).Add($"{prefix}.Value", t.Value));
        var r = await InvokeAsync("CreateTopic", q, cancellationToken);
        return new CreateTopicResponse { TopicArn = r.String("TopicArn") };
    }

    public async Task<DeleteTopicResponse> DeleteTopicAsync(DeleteTopicRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await InvokeAsync("DeleteTopic", request.TopicArn, new QueryParameters().Add("TopicArn", request.TopicArn), cancellationToken);
        return new DeleteTopicResponse();
    }

    /// <summary>Up to 100 topics per page; pass <see cref="ListTopicsResponse.NextToken"/> back for the next.</summary>
    public async Task<ListTopicsResponse> ListTopicsAsync(ListTopicsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var r = await InvokeAsync("ListTopics", new QueryParameters().Add("NextToken", request.NextToken), cancellationToken);
        return new ListTopicsResponse
        {
            Topics = r.List("Topics", m => new Topic { TopicArn = m.String("TopicArn") }),
            NextToken = r.String("NextToken"),
        };
    }

    public async Task<GetTopicAttributesResponse> GetTopicAttributesAsync(GetTopicAttributesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var r = await InvokeAsync("GetTopicAttributes", request.TopicArn, new QueryParameters().Add("TopicArn", request.TopicArn), cancellationToken);
        return new GetTopicAttributesResponse { Attributes = r.Map("Attributes") };
    }

    public async Task<SetTopicAttributesResponse> SetTopicAttributesAsync(SetTopicAttributesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters()
            .Add("TopicArn", request.TopicArn)
            .Add("AttributeName", request.AttributeName)
            .Add("AttributeValue", request.AttributeValue);
        await InvokeAsync("SetTopicAttributes", request.TopicArn, q, cancellationToken);
        return new SetTopicAttributesResponse();
    }

    public async Task<SubscribeResponse> SubscribeAsync(SubscribeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters()
            .Add("TopicArn", request.TopicArn)
            .Add("Protocol", request.Protocol)
            .Add("Endpoint", request.Endpoint)
            .AddMap("Attributes", request.Attributes)
            .Add("ReturnSubscriptionArn", request.ReturnSubscriptionArn);
        var r = await InvokeAsync("Subscribe", request.TopicArn, q, cancellationToken);
        return new SubscribeResponse { SubscriptionArn = r.String("SubscriptionArn") };
    }

    public async Task<UnsubscribeResponse> UnsubscribeAsync(UnsubscribeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await InvokeAsync("Unsubscribe", new QueryParameters().Add("SubscriptionArn", request.SubscriptionArn), cancellationToken);
        return new UnsubscribeResponse();
    }

    public async Task<ListSubscriptionsByTopicResponse> ListSubscriptionsByTopicAsync(ListSubscriptionsByTopicRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters().Add("TopicArn", request.TopicArn).Add("NextToken", request.NextToken);
        var r = await InvokeAsync("ListSubscriptionsByTopic", request.TopicArn, q, cancellationToken);
        return new ListSubscriptionsByTopicResponse
        {
            Subscriptions = r.List("Subscriptions", m => new Subscription
            {
                SubscriptionArn = m.String("SubscriptionArn"),
                Owner = m.String("Owner"),
                Protocol = m.String("Protocol"),
                Endpoint = m.String("Endpoint"),
                TopicArn = m.String("TopicArn"),
            }),
            NextToken = r.String("NextToken"),
        };
    }

    public async Task<CreatePlatformApplicationResponse> CreatePlatformApplicationAsync(CreatePlatformApplicationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters()
            .Add("Name", request.Name)
            .Add("Platform", request.Platform)
            .AddMap("Attributes", request.Attributes);
        var r = await InvokeAsync("CreatePlatformApplication", q, cancellationToken);
        return new CreatePlatformApplicationResponse { PlatformApplicationArn = r.String("PlatformApplicationArn") };
    }

    public async Task<DeletePlatformApplicationResponse> DeletePlatformApplicationAsync(DeletePlatformApplicationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await InvokeAsync("DeletePlatformApplication", new QueryParameters().Add("PlatformApplicationArn", request.PlatformApplicationArn), cancellationToken);
        return new DeletePlatformApplicationResponse();
    }

    public async Task<ListPlatformApplicationsResponse> ListPlatformApplicationsAsync(ListPlatformApplicationsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var r = await InvokeAsync("ListPlatformApplications", new QueryParameters().Add("NextToken", request.NextToken), cancellationToken);
        return new ListPlatformApplicationsResponse
        {
            PlatformApplications = r.List("PlatformApplications", m => new PlatformApplication
            {
                PlatformApplicationArn = m.String("PlatformApplicationArn"),
                Attributes = m.Map("Attributes"),
            }),
            NextToken = r.String("NextToken"),
        };
    }

    /// <summary>Idempotent for the same token and attributes; the same token with other attributes is <c>InvalidParameter</c>.</summary>
    public async Task<CreatePlatformEndpointResponse> CreatePlatformEndpointAsync(CreatePlatformEndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters()
            .Add("PlatformApplicationArn", request.PlatformApplicationArn)
            .Add("Token", request.Token)
            .Add("CustomUserData", request.CustomUserData)
            .AddMap("Attributes", request.Attributes);
        var r = await InvokeAsync("CreatePlatformEndpoint", q, cancellationToken);
        return new CreatePlatformEndpointResponse { EndpointArn = r.String("EndpointArn") };
    }

    public async Task<DeleteEndpointResponse> DeleteEndpointAsync(DeleteEndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await InvokeAsync("DeleteEndpoint", new QueryParameters().Add("EndpointArn", request.EndpointArn), cancellationToken);
        return new DeleteEndpointResponse();
    }

    public async Task<GetEndpointAttributesResponse> GetEndpointAttributesAsync(GetEndpointAttributesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var r = await InvokeAsync("GetEndpointAttributes", new QueryParameters().Add("EndpointArn", request.EndpointArn), cancellationToken);
        return new GetEndpointAttributesResponse { Attributes = r.Map("Attributes") };
    }

    public async Task<SetEndpointAttributesResponse> SetEndpointAttributesAsync(SetEndpointAttributesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters().Add("EndpointArn", request.EndpointArn).AddMap("Attributes", request.Attributes);
        await InvokeAsync("SetEndpointAttributes", q, cancellationToken);
        return new SetEndpointAttributesResponse();
    }

    public async Task<ListEndpointsByPlatformApplicationResponse> ListEndpointsByPlatformApplicationAsync(
        ListEndpointsByPlatformApplicationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters().Add("PlatformApplicationArn", request.PlatformApplicationArn).Add("NextToken", request.NextToken);
        var r = await InvokeAsync("ListEndpointsByPlatformApplication", q, cancellationToken);
        return new ListEndpointsByPlatformApplicationResponse
        {
            Endpoints = r.List("Endpoints", m => new Endpoint { EndpointArn = m.String("EndpointArn"), Attributes = m.Map("Attributes") }),
            NextToken = r.String("NextToken"),
        };
    }

    // The SMS operations predate SNS's naming conventions: their members are camelCase on the wire.
    public async Task<CheckIfPhoneNumberIsOptedOutResponse> CheckIfPhoneNumberIsOptedOutAsync(CheckIfPhoneNumberIsOptedOutRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var r = await InvokeAsync("CheckIfPhoneNumberIsOptedOut", new QueryParameters().Add("phoneNumber", request.PhoneNumber), cancellationToken);
        return new CheckIfPhoneNumberIsOptedOutResponse { IsOptedOut = r.Bool("isOptedOut") ?? false };
    }

    public async Task<ListPhoneNumbersOptedOutResponse> ListPhoneNumbersOptedOutAsync(ListPhoneNumbersOptedOutRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var r = await InvokeAsync("ListPhoneNumbersOptedOut", new QueryParameters().Add("nextToken", request.NextToken), cancellationToken);
        return new ListPhoneNumbersOptedOutResponse { PhoneNumbers = r.Strings("phoneNumbers"), NextToken = r.String("nextToken") };
    }

    public async Task<OptInPhoneNumberResponse> OptInPhoneNumberAsync(OptInPhoneNumberRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await InvokeAsync("OptInPhoneNumber", new QueryParameters().Add("phoneNumber", request.PhoneNumber), cancellationToken);
        return new OptInPhoneNumberResponse();
    }

    public async Task<GetSMSAttributesResponse> GetSMSAttributesAsync(GetSMSAttributesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters().AddList("attributes", request.Attributes, static (p, name, a) => p.Add(name, a));
        var r = await InvokeAsync("GetSMSAttributes", q, cancellationToken);
        return new GetSMSAttributesResponse { Attributes = r.Map("attributes") };
    }

    public async Task<SetSMSAttributesResponse> SetSMSAttributesAsync(SetSMSAttributesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await InvokeAsync("SetSMSAttributes", new QueryParameters().AddMap("attributes", request.Attributes), cancellationToken);
        return new SetSMSAttributesResponse();
    }

    private Task<XElement> InvokeAsync(string action, QueryParameters parameters, CancellationToken cancellationToken) =>
        _query.InvokeAsync(action, parameters, cancellationToken);

    /// <summary>A call addressed to a topic: its span carries the topic (and nothing when the target is an endpoint or phone).</summary>
    private Task<XElement> InvokeAsync(string action, string? topicArn, QueryParameters parameters, CancellationToken cancellationToken) =>
        _query.InvokeAsync(action, parameters, AwsTelemetry.SnsTopicTags(topicArn), cancellationToken);

    /// <summary>
    /// Message attributes are a map whose key and value carry their own names on the wire
    /// (<c>{prefix}.entry.N.Name</c>, <c>{prefix}.entry.N.Value.DataType</c>), unlike SNS's other maps (<c>key</c>/<c>value</c>).
    /// </summary>
    private static void AddMessageAttributes(QueryParameters q, string prefix, Dictionary<string, MessageAttributeValue>? attributes)
    {
        var i = 0;
        foreach (var (name, value) in attributes ?? [])
        {
            i++;
            var entry = $"{prefix}.entry.{i}";
            q.Add($"{entry}.Name", name)
                .Add($"{entry}.Value.DataType", value.DataType)
                .Add($"{entry}.Value.StringValue", value.StringValue)
                .Add($"{entry}.Value.BinaryValue", value.BinaryValue is null ? null : Convert.ToBase64String(value.BinaryValue));
        }
    }
}
