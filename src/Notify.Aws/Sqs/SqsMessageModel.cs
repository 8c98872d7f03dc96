using System.Text.Json.Serialization;
using Notify.Aws.Http;

namespace Notify.Aws.Sqs;

// Message-level requests and responses of the SQS JSON API, named as in AWSSDK.SQS (see SqsQueueModel.cs).

/// <summary>
/// A typed message attribute. <see cref="DataType"/> is <c>String</c>, <c>Number</c> or <c>Binary</c>, optionally with a
/// custom suffix (<c>Number.int</c>, <c>Binary.gif</c>); Number values travel as strings.
/// </summary>
public sealed class MessageAttributeValue
{
    public string? DataType { get; set; }

    public string? StringValue { get; set; }

    /// <summary>Raw bytes; base64 in JSON (System.Text.Json's byte[] encoding is exactly that).</summary>
    public byte[]? BinaryValue { get; set; }
}

/// <summary>A message system attribute sent with a message; today only <c>AWSTraceHeader</c> (DataType <c>String</c>).</summary>
public sealed class MessageSystemAttributeValue
{
    public string? DataType { get; set; }

    public string? StringValue { get; set; }

    public byte[]? BinaryValue { get; set; }
}

public sealed class SendMessageRequest
{
    public string? QueueUrl { get; set; }

    public string? MessageBody { get; set; }

    /// <summary>0–900; not allowed per message on FIFO queues.</summary>
    public int? DelaySeconds { get; set; }

    public Dictionary<string, MessageAttributeValue>? MessageAttributes { get; set; }

    public Dictionary<string, MessageSystemAttributeValue>? MessageSystemAttributes { get; set; }

    public string? MessageDeduplicationId { get; set; }

    public string? MessageGroupId { get; set; }
}

public sealed class SendMessageResponse
{
    public string? MessageId { get; set; }

    public string? MD5OfMessageBody { get; set; }

    public string? MD5OfMessageAttributes { get; set; }

    public string? MD5OfMessageSystemAttributes { get; set; }

    /// <summary>FIFO queues only: the order SQS assigned within the message group.</summary>
    public string? SequenceNumber { get; set; }
}

public sealed class SendMessageBatchRequest
{
    public string? QueueUrl { get; set; }

    public List<SendMessageBatchRequestEntry>? Entries { get; set; }
}

public sealed class SendMessageBatchRequestEntry
{
    /// <summary>Caller's id, unique within the batch: up to 80 of <c>[A-Za-z0-9_-]</c>.</summary>
    public string? Id { get; set; }

    public string? MessageBody { get; set; }

    public int? DelaySeconds { get; set; }

    public Dictionary<string, MessageAttributeValue>? MessageAttributes { get; set; }

    public Dictionary<string, MessageSystemAttributeValue>? MessageSystemAttributes { get; set; }

    public string? MessageDeduplicationId { get; set; }

    public string? MessageGroupId { get; set; }
}

public sealed class SendMessageBatchResponse
{
    public List<SendMessageBatchResultEntry> Successful { get; set; } = [];

    public List<BatchResultErrorEntry> Failed { get; set; } = [];
}

public sealed class SendMessageBatchResultEntry
{
    public string? Id { get; set; }

    public string? MessageId { get; set; }

    public string? MD5OfMessageBody { get; set; }

    public string? MD5OfMessageAttributes { get; set; }

    public string? MD5OfMessageSystemAttributes { get; set; }

    public string? SequenceNumber { get; set; }
}

/// <summary>One failed entry of a batch call; the other entries of the same call may have succeeded.</summary>
public sealed class BatchResultErrorEntry
{
    public string? Id { get; set; }

    /// <summary>True when the request was at fault (resending it unchanged fails again).</summary>
    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool SenderFault { get; set; }

    public string? Code { get; set; }

    public string? Message { get; set; }
}

public sealed class ReceiveMessageRequest
{
    public string? QueueUrl { get; set; }

    /// <summary>1–10 (SQS default 1).</summary>
    public int? MaxNumberOfMessages { get; set; }

    /// <summary>How long received messages stay hidden from other receivers; the queue's default when null.</summary>
    public int? VisibilityTimeout { get; set; }

    /// <summary>Long polling, 0–20 s: the call returns as soon as a message arrives or when the wait ends empty.</summary>
    public int? WaitTimeSeconds { get; set; }

    /// <summary>Names of message attributes to return; <c>All</c> or a prefix with <c>.*</c> selects several.</summary>
    public List<string>? MessageAttributeNames { get; set; }

    /// <summary>System attributes to return (see <see cref="MessageSystemAttributeName"/>), in <see cref="Message.Attributes"/>.</summary>
    public List<string>? MessageSystemAttributeNames { get; set; }

    /// <summary>FIFO only: retrying a receive with the same id returns the same messages (until their visibility ends).</summary>
    public string? ReceiveRequestAttemptId { get; set; }
}

public sealed class ReceiveMessageResponse
{
    public List<Message> Messages { get; set; } = [];
}

public sealed class Message
{
    public string? MessageId { get; set; }

    public string? ReceiptHandle { get; set; }

    public string? MD5OfBody { get; set; }

    public string? Body { get; set; }

    /// <summary>The requested system attributes, every value a string (timestamps in epoch milliseconds).</summary>
    public Dictionary<string, string> Attributes { get; set; } = [];

    public string? MD5OfMessageAttributes { get; set; }

    public Dictionary<string, MessageAttributeValue> MessageAttributes { get; set; } = [];
}

public sealed class DeleteMessageRequest
{
    public string? QueueUrl { get; set; }

    public string? ReceiptHandle { get; set; }
}

public sealed class DeleteMessageResponse;

public sealed class DeleteMessageBatchRequest
{
    public string? QueueUrl { get; set; }

    public List<DeleteMessageBatchRequestEntry>? Entries { get; set; }
}

public sealed class DeleteMessageBatchRequestEntry
{
    public string? Id { get; set; }

    public string? ReceiptHandle { get; set; }
}

public sealed class DeleteMessageBatchResponse
{
    public List<DeleteMessageBatchResultEntry> Successful { get; set; } = [];

    public List<BatchResultErrorEntry> Failed { get; set; } = [];
}

public sealed class DeleteMessageBatchResultEntry
{
    public string? Id { get; set; }
}

public sealed class ChangeMessageVisibilityRequest
{
    public string? QueueUrl { get; set; }

    public string? ReceiptHandle { get; set; }

    /// <summary>0–43200 s from now; 0 makes the message visible again at once.</summary>
    public int? VisibilityTimeout { get; set; }
}

public sealed class ChangeMessageVisibilityResponse;

public sealed class ChangeMessageVisibilityBatchRequest
{
    public string? QueueUrl { get; set; }

    public List<ChangeMessageVisibilityBatchRequestEntry>? Entries { get; set; }
}

public sealed class ChangeMessageVisibilityBatchRequestEntry
{
    public string? Id { get; set; }

    public string? ReceiptHandle { get; set; }

    public int? VisibilityTimeout { get; set; }
}

public sealed class ChangeMessageVisibilityBatchResponse
{
    public List<ChangeMessageVisibilityBatchResultEntry> Successful { get; set; } = [];

    public List<BatchResultErrorEntry> Failed { get; set; } = [];
}

public sealed class ChangeMessageVisibilityBatchResultEntry
{
    public string? Id { get; set; }
}

/// <summary>System attribute names for <see cref="ReceiveMessageRequest.MessageSystemAttributeNames"/> (<c>Amazon.SQS.MessageSystemAttributeName</c>).</summary>
public static class MessageSystemAttributeName
{
    public const string All = "All";
    public const string ApproximateFirstReceiveTimestamp = "ApproximateFirstReceiveTimestamp";
    public const string ApproximateReceiveCount = "ApproximateReceiveCount";
    public const string AWSTraceHeader = "AWSTraceHeader";
    public const string DeadLetterQueueSourceArn = "DeadLetterQueueSourceArn";
    public const string MessageDeduplicationId = "MessageDeduplicationId";
    public const string MessageGroupId = "MessageGroupId";
    public const string SenderId = "SenderId";
    public const string SentTimestamp = "SentTimestamp";
    public const string SequenceNumber = "SequenceNumber";
}
