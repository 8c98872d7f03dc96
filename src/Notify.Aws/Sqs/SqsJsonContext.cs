using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.Aws.Sqs;

/// <summary>
/// Source-generated (de)serialization of the SQS JSON API. Unset members are omitted rather than sent as null:
/// SQS rejects a null where it expects a value, and leaving them out is how the SDKs say "not set".
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateQueueRequest))]
[JsonSerializable(typeof(CreateQueueResponse))]
[JsonSerializable(typeof(GetQueueUrlRequest))]
[JsonSerializable(typeof(GetQueueUrlResponse))]
[JsonSerializable(typeof(ListQueuesRequest))]
[JsonSerializable(typeof(ListQueuesResponse))]
[JsonSerializable(typeof(DeleteQueueRequest))]
[JsonSerializable(typeof(DeleteQueueResponse))]
[JsonSerializable(typeof(GetQueueAttributesRequest))]
[JsonSerializable(typeof(GetQueueAttributesResponse))]
[JsonSerializable(typeof(SetQueueAttributesRequest))]
[JsonSerializable(typeof(SetQueueAttributesResponse))]
[JsonSerializable(typeof(PurgeQueueRequest))]
[JsonSerializable(typeof(PurgeQueueResponse))]
[JsonSerializable(typeof(ListDeadLetterSourceQueuesRequest))]
[JsonSerializable(typeof(ListDeadLetterSourceQueuesResponse))]
[JsonSerializable(typeof(TagQueueRequest))]
[JsonSerializable(typeof(TagQueueResponse))]
[JsonSerializable(typeof(UntagQueueRequest))]
[JsonSerializable(typeof(UntagQueueResponse))]
[JsonSerializable(typeof(ListQueueTagsRequest))]
[JsonSerializable(typeof(ListQueueTagsResponse))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(SendMessageResponse))]
[JsonSerializable(typeof(SendMessageBatchRequest))]
[JsonSerializable(typeof(SendMessageBatchResponse))]
[JsonSerializable(typeof(ReceiveMessageRequest))]
[JsonSerializable(typeof(ReceiveMessageResponse))]
[JsonSerializable(typeof(DeleteMessageRequest))]
[JsonSerializable(typeof(DeleteMessageResponse))]
[JsonSerializable(typeof(DeleteMessageBatchRequest))]
[JsonSerializable(typeof(DeleteMessageBatchResponse))]
[JsonSerializable(typeof(ChangeMessageVisibilityRequest))]
[JsonSerializable(typeof(ChangeMessageVisibilityResponse))]
[JsonSerializable(typeof(ChangeMessageVisibilityBatchRequest))]
[JsonSerializable(typeof(ChangeMessageVisibilityBatchResponse))]
internal sealed partial class SqsJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context requests are written with. AWS reads these bodies as UTF-8 JSON, never as HTML, so escaping
    /// non-ASCII and <c>"&amp;&lt;&gt;</c> as <c>\uXXXX</c> (the default encoder's choice) only inflates messages towards
    /// SQS's size limit; the official SDKs write them raw too.
    /// </summary>
    public static SqsJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
