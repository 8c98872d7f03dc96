using System.Globalization;
using System.Text.Json.Serialization;

namespace Notify.Aws.Sqs;

// Queue-level requests and responses of the SQS JSON API. Type and member names follow AWSSDK.SQS (v4: collections
// are null until set) so a later swap to the official client is a namespace change; the JSON names are the API's own.

public sealed class CreateQueueRequest
{
    public string? QueueName { get; set; }

    /// <summary>Queue attributes by <see cref="QueueAttributeName"/>; every value is a string on the wire (<c>"true"</c>, <c>"30"</c>).</summary>
    public Dictionary<string, string>? Attributes { get; set; }

    // The only lower-case member of the SQS API (named so in its model), hence the explicit name.
    [JsonPropertyName("tags")]
    public Dictionary<string, string>? Tags { get; set; }
}

public sealed class CreateQueueResponse
{
    public string? QueueUrl { get; set; }
}

public sealed class GetQueueUrlRequest
{
    public string? QueueName { get; set; }

    public string? QueueOwnerAWSAccountId { get; set; }
}

public sealed class GetQueueUrlResponse
{
    public string? QueueUrl { get; set; }
}

public sealed class ListQueuesRequest
{
    public string? QueueNamePrefix { get; set; }

    public string? NextToken { get; set; }

    /// <summary>1–1000; when set, the answer carries a <c>NextToken</c> if more queues match.</summary>
    public int? MaxResults { get; set; }
}

public sealed class ListQueuesResponse
{
    public List<string> QueueUrls { get; set; } = [];

    public string? NextToken { get; set; }
}

public sealed class DeleteQueueRequest
{
    public string? QueueUrl { get; set; }
}

public sealed class DeleteQueueResponse;

public sealed class GetQueueAttributesRequest
{
    public string? QueueUrl { get; set; }

    public List<string>? AttributeNames { get; set; }
}

public sealed class GetQueueAttributesResponse
{
    public Dictionary<string, string> Attributes { get; set; } = [];

    // Typed views the official SDK offers too; absent attributes read as 0 / null like there.
    [JsonIgnore]
    public string? QueueARN => Attributes.GetValueOrDefault(QueueAttributeName.QueueArn);

    [JsonIgnore]
    public int ApproximateNumberOfMessages => IntOf(QueueAttributeName.ApproximateNumberOfMessages);

    [JsonIgnore]
    public int ApproximateNumberOfMessagesNotVisible => IntOf(QueueAttributeName.ApproximateNumberOfMessagesNotVisible);

    [JsonIgnore]
    public int ApproximateNumberOfMessagesDelayed => IntOf(QueueAttributeName.ApproximateNumberOfMessagesDelayed);

    [JsonIgnore]
    public int VisibilityTimeout => IntOf(QueueAttributeName.VisibilityTimeout);

    [JsonIgnore]
    public bool FifoQueue => bool.TryParse(Attributes.GetValueOrDefault(QueueAttributeName.FifoQueue), out var fifo) && fifo;

    [JsonIgnore]
    public string? RedrivePolicy => Attributes.GetValueOrDefault(QueueAttributeName.RedrivePolicy);

    private int IntOf(string name) =>
        int.TryParse(Attributes.GetValueOrDefault(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}

public sealed class SetQueueAttributesRequest
{
    public string? QueueUrl { get; set; }

    public Dictionary<string, string>? Attributes { get; set; }
}

public sealed class SetQueueAttributesResponse;

public sealed class PurgeQueueRequest
{
    public string? QueueUrl { get; set; }
}

public sealed class PurgeQueueResponse;

public sealed class ListDeadLetterSourceQueuesRequest
{
    /// <summary>The dead-letter queue whose sources are listed.</summary>
    public string? QueueUrl { get; set; }

    public string? NextToken { get; set; }

    public int? MaxResults { get; set; }
}

public sealed class ListDeadLetterSourceQueuesResponse
{
    // Lower-case in the SQS model (unlike ListQueues' QueueUrls).
    [JsonPropertyName("queueUrls")]
    public List<string> QueueUrls { get; set; } = [];

    public string? NextToken { get; set; }
}

public sealed class TagQueueRequest
{
    public string? QueueUrl { get; set; }

    public Dictionary<string, string>? Tags { get; set; }
}

public sealed class TagQueueResponse;

public sealed class UntagQueueRequest
{
    public string? QueueUrl { get; set; }

    public List<string>? TagKeys { get; set; }
}

public sealed class UntagQueueResponse;

public sealed class ListQueueTagsRequest
{
    public string? QueueUrl { get; set; }
}

public sealed class ListQueueTagsResponse
{
    public Dictionary<string, string> Tags { get; set; } = [];
}

/// <summary>Queue attribute names (<c>Amazon.SQS.QueueAttributeName</c>).</summary>
public static class QueueAttributeName
{
    public const string All = "All";
    public const string ApproximateNumberOfMessages = "ApproximateNumberOfMessages";
    public const string ApproximateNumberOfMessagesDelayed = "ApproximateNumberOfMessagesDelayed";
    public const string ApproximateNumberOfMessagesNotVisible = "ApproximateNumberOfMessagesNotVisible";
    public const string ContentBasedDeduplication = "ContentBasedDeduplication";
    public const string CreatedTimestamp = "CreatedTimestamp";
    public const string DeduplicationScope = "DeduplicationScope";
    public const string DelaySeconds = "DelaySeconds";
    public const string FifoQueue = "FifoQueue";
    public const string FifoThroughputLimit = "FifoThroughputLimit";
    public const string KmsDataKeyReusePeriodSeconds = "KmsDataKeyReusePeriodSeconds";
    public const string KmsMasterKeyId = "KmsMasterKeyId";
    public const string LastModifiedTimestamp = "LastModifiedTimestamp";
    public const string MaximumMessageSize = "MaximumMessageSize";
    public const string MessageRetentionPeriod = "MessageRetentionPeriod";
    public const string Policy = "Policy";
    public const string QueueArn = "QueueArn";
    public const string ReceiveMessageWaitTimeSeconds = "ReceiveMessageWaitTimeSeconds";
    public const string RedriveAllowPolicy = "RedriveAllowPolicy";
    public const string RedrivePolicy = "RedrivePolicy";
    public const string SqsManagedSseEnabled = "SqsManagedSseEnabled";
    public const string VisibilityTimeout = "VisibilityTimeout";
}
