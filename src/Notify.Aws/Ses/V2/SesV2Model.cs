using System.Text.Json.Serialization;
using Notify.Aws.Http;

namespace Notify.Aws.Ses.V2;

// Requests, responses and shapes named as in AWSSDK.SimpleEmailV2 (Amazon.SimpleEmailV2.Model). Enumerations are
// plain strings (the SDK's constant classes convert from strings); collections are null when absent, as in SDK v4.
// Members bound to the URI or query string are [JsonIgnore]d so they never leak into a body.

/// <summary>The event kinds a configuration set can publish (the SDK's <c>EventType</c> constants).</summary>
public static class EventType
{
    public const string SEND = "SEND";
    public const string REJECT = "REJECT";
    public const string BOUNCE = "BOUNCE";
    public const string COMPLAINT = "COMPLAINT";
    public const string DELIVERY = "DELIVERY";
    public const string OPEN = "OPEN";
    public const string CLICK = "CLICK";
    public const string RENDERING_FAILURE = "RENDERING_FAILURE";
    public const string DELIVERY_DELAY = "DELIVERY_DELAY";
    public const string SUBSCRIPTION = "SUBSCRIPTION";
}

public sealed class Tag
{
    public string? Key { get; set; }

    public string? Value { get; set; }
}

public sealed class SendEmailRequest
{
    /// <summary>Must be a verified identity (the address or its domain), or SES answers <c>MessageRejected</c>.</summary>
    public string? FromEmailAddress { get; set; }

    public Destination? Destination { get; set; }

    public List<string>? ReplyToAddresses { get; set; }

    public string? FeedbackForwardingEmailAddress { get; set; }

    public EmailContent? Content { get; set; }

    /// <summary>Name/value pairs carried into event publishing (e.g. a notification id to correlate bounces).</summary>
    public List<MessageTag>? EmailTags { get; set; }

    public string? ConfigurationSetName { get; set; }
}

public sealed class Destination
{
    public List<string>? ToAddresses { get; set; }

    public List<string>? CcAddresses { get; set; }

    public List<string>? BccAddresses { get; set; }
}

/// <summary>Exactly one of <see cref="Simple"/> (SES builds the MIME message) or <see cref="Raw"/> (a complete MIME message).</summary>
public sealed class EmailContent
{
    public Message? Simple { get; set; }

    public RawMessage? Raw { get; set; }
}

public sealed class Message
{
    public Content? Subject { get; set; }

    public Body? Body { get; set; }

    /// <summary>Extra headers (e.g. <c>List-Unsubscribe</c>); SES rejects the ones it sets itself.</summary>
    public List<MessageHeader>? Headers { get; set; }
}

public sealed class Content
{
    public string? Data { get; set; }

    /// <summary>Defaults to 7-bit ASCII at SES; set "UTF-8" for anything else.</summary>
    public string? Charset { get; set; }
}

/// <summary>Text, HTML or both (mail clients pick the best they can show).</summary>
public sealed class Body
{
    public Content? Text { get; set; }

    public Content? Html { get; set; }
}

public sealed class MessageHeader
{
    public string? Name { get; set; }

    public string? Value { get; set; }
}

public sealed class RawMessage
{
    /// <summary>The whole MIME message (headers and body), at most 10 MB; sent base64-encoded. (The SDK uses a <see cref="MemoryStream"/>.)</summary>
    public byte[]? Data { get; set; }
}

public sealed class MessageTag
{
    public string? Name { get; set; }

    public string? Value { get; set; }
}

public sealed class SendEmailResponse
{
    public string? MessageId { get; set; }
}

public sealed class CreateEmailIdentityRequest
{
    /// <summary>An e-mail address or a domain.</summary>
    public string? EmailIdentity { get; set; }

    public List<Tag>? Tags { get; set; }

    /// <summary>The configuration set used for mail from this identity when the send names none.</summary>
    public string? ConfigurationSetName { get; set; }
}

public sealed class CreateEmailIdentityResponse
{
    /// <summary>EMAIL_ADDRESS, DOMAIN or MANAGED_DOMAIN.</summary>
    public string? IdentityType { get; set; }

    public bool? VerifiedForSendingStatus { get; set; }

    public DkimAttributes? DkimAttributes { get; set; }
}

public sealed class DkimAttributes
{
    public bool? SigningEnabled { get; set; }

    /// <summary>PENDING, SUCCESS, FAILED, TEMPORARY_FAILURE or NOT_STARTED.</summary>
    public string? Status { get; set; }

    /// <summary>CNAME records to publish for Easy DKIM.</summary>
    public List<string>? Tokens { get; set; }

    public string? SigningAttributesOrigin { get; set; }

    public string? NextSigningKeyLength { get; set; }

    public string? CurrentSigningKeyLength { get; set; }

    [JsonConverter(typeof(AwsTimestampConverter))]
    public DateTime? LastKeyGenerationTimestamp { get; set; }
}

public sealed class GetEmailIdentityRequest
{
    [JsonIgnore]
    public string? EmailIdentity { get; set; }
}

public sealed class GetEmailIdentityResponse
{
    public string? IdentityType { get; set; }

    public bool? FeedbackForwardingStatus { get; set; }

    public bool? VerifiedForSendingStatus { get; set; }

    public DkimAttributes? DkimAttributes { get; set; }

    public Dictionary<string, string>? Policies { get; set; }

    public List<Tag>? Tags { get; set; }

    public string? ConfigurationSetName { get; set; }

    /// <summary>PENDING, SUCCESS, FAILED, TEMPORARY_FAILURE or NOT_STARTED.</summary>
    public string? VerificationStatus { get; set; }
}

public sealed class DeleteEmailIdentityRequest
{
    [JsonIgnore]
    public string? EmailIdentity { get; set; }
}

public sealed class DeleteEmailIdentityResponse;

public sealed class ListEmailIdentitiesRequest
{
    [JsonIgnore]
    public string? NextToken { get; set; }

    /// <summary>1 to 1000 (AWS's default is 100). moto 5.2 fails with a 500 when it is given.</summary>
    [JsonIgnore]
    public int? PageSize { get; set; }
}

public sealed class ListEmailIdentitiesResponse
{
    public List<IdentityInfo>? EmailIdentities { get; set; }

    public string? NextToken { get; set; }
}

public sealed class IdentityInfo
{
    public string? IdentityType { get; set; }

    public string? IdentityName { get; set; }

    public bool? SendingEnabled { get; set; }

    public string? VerificationStatus { get; set; }
}

public sealed class CreateConfigurationSetRequest
{
    public string? ConfigurationSetName { get; set; }

    public TrackingOptions? TrackingOptions { get; set; }

    public DeliveryOptions? DeliveryOptions { get; set; }

    public ReputationOptions? ReputationOptions { get; set; }

    public SendingOptions? SendingOptions { get; set; }

    public List<Tag>? Tags { get; set; }

    public SuppressionOptions? SuppressionOptions { get; set; }
}

public sealed class TrackingOptions
{
    public string? CustomRedirectDomain { get; set; }

    /// <summary>REQUIRE, REQUIRE_OPEN_ONLY or OPTIONAL.</summary>
    public string? HttpsPolicy { get; set; }
}

public sealed class DeliveryOptions
{
    /// <summary>REQUIRE or OPTIONAL.</summary>
    public string? TlsPolicy { get; set; }

    public string? SendingPoolName { get; set; }

    /// <summary>How long SES keeps retrying a message (300 to 50400 seconds).</summary>
    public long? MaxDeliverySeconds { get; set; }
}

public sealed class ReputationOptions
{
    public bool? ReputationMetricsEnabled { get; set; }

    [JsonConverter(typeof(AwsTimestampConverter))]
    public DateTime? LastFreshStart { get; set; }
}

public sealed class SendingOptions
{
    // moto echoes the whole SendingOptions object (or {}) here instead of a boolean; read that as "unknown".
    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool? SendingEnabled { get; set; }
}

public sealed class SuppressionOptions
{
    /// <summary>BOUNCE and/or COMPLAINT: addresses that did so are suppressed for this configuration set.</summary>
    public List<string>? SuppressedReasons { get; set; }
}

public sealed class CreateConfigurationSetResponse;

public sealed class GetConfigurationSetRequest
{
    [JsonIgnore]
    public string? ConfigurationSetName { get; set; }
}

public sealed class GetConfigurationSetResponse
{
    public string? ConfigurationSetName { get; set; }

    public TrackingOptions? TrackingOptions { get; set; }

    public DeliveryOptions? DeliveryOptions { get; set; }

    public ReputationOptions? ReputationOptions { get; set; }

    public SendingOptions? SendingOptions { get; set; }

    public List<Tag>? Tags { get; set; }

    public SuppressionOptions? SuppressionOptions { get; set; }
}

public sealed class DeleteConfigurationSetRequest
{
    [JsonIgnore]
    public string? ConfigurationSetName { get; set; }
}

public sealed class DeleteConfigurationSetResponse;

public sealed class ListConfigurationSetsRequest
{
    [JsonIgnore]
    public string? NextToken { get; set; }

    [JsonIgnore]
    public int? PageSize { get; set; }
}

public sealed class ListConfigurationSetsResponse
{
    public List<string>? ConfigurationSets { get; set; }

    public string? NextToken { get; set; }
}

public sealed class CreateConfigurationSetEventDestinationRequest
{
    [JsonIgnore]
    public string? ConfigurationSetName { get; set; }

    public string? EventDestinationName { get; set; }

    public EventDestinationDefinition? EventDestination { get; set; }
}

public sealed class EventDestinationDefinition
{
    public bool? Enabled { get; set; }

    /// <summary>Values of <see cref="EventType"/>.</summary>
    public List<string>? MatchingEventTypes { get; set; }

    public SnsDestination? SnsDestination { get; set; }
}

public sealed class SnsDestination
{
    public string? TopicArn { get; set; }
}

public sealed class CreateConfigurationSetEventDestinationResponse;

public sealed class GetConfigurationSetEventDestinationsRequest
{
    [JsonIgnore]
    public string? ConfigurationSetName { get; set; }
}

public sealed class GetConfigurationSetEventDestinationsResponse
{
    public List<EventDestination>? EventDestinations { get; set; }
}

public sealed class EventDestination
{
    public string? Name { get; set; }

    public bool? Enabled { get; set; }

    public List<string>? MatchingEventTypes { get; set; }

    public SnsDestination? SnsDestination { get; set; }
}

public sealed class GetAccountRequest;

public sealed class GetAccountResponse
{
    public SendQuota? SendQuota { get; set; }

    /// <summary>False while the account is in the sandbox (only verified recipients).</summary>
    public bool? ProductionAccessEnabled { get; set; }

    public bool? SendingEnabled { get; set; }

    public bool? DedicatedIpAutoWarmupEnabled { get; set; }

    /// <summary>HEALTHY, PROBATION or SHUTDOWN.</summary>
    public string? EnforcementStatus { get; set; }
}

public sealed class SendQuota
{
    /// <summary>Messages allowed per 24 hours; -1 means unlimited.</summary>
    public double? Max24HourSend { get; set; }

    /// <summary>Messages per second.</summary>
    public double? MaxSendRate { get; set; }

    public double? SentLast24Hours { get; set; }
}
