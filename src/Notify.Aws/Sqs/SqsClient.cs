using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using Notify.Aws.Http;

namespace Notify.Aws.Sqs;

/// <summary>
/// Amazon SQS over its JSON 1.0 API (<c>X-Amz-Target: AmazonSQS.{Operation}</c>), shaped like AWSSDK.SQS's
/// <c>AmazonSQSClient</c>. Errors surface as <see cref="AwsServiceException"/> with SQS's error code (e.g.
/// <c>QueueDoesNotExist</c>) and, because the client asks for Query-compatible errors, the legacy code in
/// <see cref="AwsServiceException.QueryErrorCode"/>. Message digests are verified as the official SDKs do
/// (<see cref="SqsChecksumMismatchException"/>). Thread-safe; share one instance.
/// </summary>
public sealed class SqsClient : AwsClient
{
    private readonly AwsJsonRpcProtocol _rpc;

    /// <summary>Shares a transport (and its connection pool) owned by the caller.</summary>
    public SqsClient(AwsTransport transport)
        : base(AwsService.Sqs, transport) => _rpc = Rpc(Transport);

    /// <summary>Creates and owns its transport; dispose the client to release its connections.</summary>
    public SqsClient(AwsConnection connection, AwsRetryOptions? retry = null, HttpMessageHandler? handler = null)
        : base(AwsService.Sqs, JsonErrorReader.Instance, connection, retry, handler) => _rpc = Rpc(Transport);

    // ---- Queues ----

    public Task<CreateQueueResponse> CreateQueueAsync(CreateQueueRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("CreateQueue", request, SqsJsonContext.Wire.CreateQueueRequest, SqsJsonContext.Wire.CreateQueueResponse, cancellationToken);

    public Task<CreateQueueResponse> CreateQueueAsync(string queueName, CancellationToken cancellationToken = default) =>
        CreateQueueAsync(new CreateQueueRequest { QueueName = queueName }, cancellationToken);

    public Task<GetQueueUrlResponse> GetQueueUrlAsync(GetQueueUrlRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("GetQueueUrl", request, SqsJsonContext.Wire.GetQueueUrlRequest, SqsJsonContext.Wire.GetQueueUrlResponse, cancellationToken);

    public Task<GetQueueUrlResponse> GetQueueUrlAsync(string queueName, CancellationToken cancellationToken = default) =>
        GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = queueName }, cancellationToken);

    public Task<ListQueuesResponse> ListQueuesAsync(ListQueuesRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("ListQueues", request, SqsJsonContext.Wire.ListQueuesRequest, SqsJsonContext.Wire.ListQueuesResponse, cancellationToken);

    /// <summary>
    /// Every queue URL whose name starts with the prefix, page after page. ListQueues answers at most 1000 URLs and
    /// pages (NextToken) only when MaxResults is set, so this always sets it.
    /// </summary>
    public async IAsyncEnumerable<string> ListAllQueueUrlsAsync(string? queueNamePrefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = queueNamePrefix, MaxResults = 1000, NextToken = token }, cancellationToken);
            foreach (var url in page.QueueUrls)
            {
                yield return url;
            }

            token = page.NextToken;
        }
        while (!string.IsNullOrEmpty(token));
    }

    public Task<DeleteQueueResponse> DeleteQueueAsync(DeleteQueueRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("DeleteQueue", request, SqsJsonContext.Wire.DeleteQueueRequest, SqsJsonContext.Wire.DeleteQueueResponse, cancellationToken);

    public Task<DeleteQueueResponse> DeleteQueueAsync(string queueUrl, CancellationToken cancellationToken = default) =>
        DeleteQueueAsync(new DeleteQueueRequest { QueueUrl = queueUrl }, cancellationToken);

    public Task<GetQueueAttributesResponse> GetQueueAttributesAsync(GetQueueAttributesRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("GetQueueAttributes", request, SqsJsonContext.Wire.GetQueueAttributesRequest, SqsJsonContext.Wire.GetQueueAttributesResponse, cancellationToken);

    public Task<SetQueueAttributesResponse> SetQueueAttributesAsync(SetQueueAttributesRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("SetQueueAttributes", request, SqsJsonContext.Wire.SetQueueAttributesRequest, SqsJsonContext.Wire.SetQueueAttributesResponse, cancellationToken);

    /// <summary>Deletes every message in the queue. SQS allows one purge per queue per 60 s (<c>PurgeQueueInProgress</c>).</summary>
    public Task<PurgeQueueResponse> PurgeQueueAsync(PurgeQueueRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("PurgeQueue", request, SqsJsonContext.Wire.PurgeQueueRequest, SqsJsonContext.Wire.PurgeQueueResponse, cancellationToken);

    /// <summary>The queues whose RedrivePolicy targets the given dead-letter queue.</summary>
    public Task<ListDeadLetterSourceQueuesResponse> ListDeadLetterSourceQueuesAsync(ListDeadLetterSourceQueuesRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            "ListDeadLetterSourceQueues", request, SqsJsonContext.Wire.ListDeadLetterSourceQueuesRequest, SqsJsonContext.Wire.ListDeadLetterSourceQueuesResponse, cancellationToken);

    public Task<TagQueueResponse> TagQueueAsync(TagQueueRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("TagQueue", request, SqsJsonContext.Wire.TagQueueRequest, SqsJsonContext.Wire.TagQueueResponse, cancellationToken);

    public Task<UntagQueueResponse> UntagQueueAsync(UntagQueueRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("UntagQueue", request, SqsJsonContext.Wire.UntagQueueRequest, SqsJsonContext.Wire.UntagQueueResponse, cancellationToken);

    public Task<ListQueueTagsResponse> ListQueueTagsAsync(ListQueueTagsRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("ListQueueTags", request, SqsJsonContext.Wire.ListQueueTagsRequest, SqsJsonContext.Wire.ListQueueTagsResponse, cancellationToken);

    // ---- Messages ----

    /// <exception cref="SqsChecksumMismatchException">SQS's digest of the body or attributes differs from what was sent.</exception>
    public async Task<SendMessageResponse> SendMessageAsync(SendMessageRequest request, CancellationToken cancellationToken = default)
    {
        var response = await InvokeAsync("SendMessage", request, SqsJsonContext.Wire.SendMessageRequest, SqsJsonContext.Wire.SendMessageResponse, cancellationToken);
        var mismatch = SqsMessageChecksums.CheckSent(
            null, response.MessageId, request.MessageBody, request.MessageAttributes, request.MessageSystemAttributes,
            response.MD5OfMessageBody, response.MD5OfMessageAttributes, response.MD5OfMessageSystemAttributes);
        return mismatch is null ? response : throw mismatch;
    }

    public Task<SendMessageResponse> SendMessageAsync(string queueUrl, string messageBody, CancellationToken cancellationToken = default) =>
        SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = messageBody }, cancellationToken);

    /// <summary>
    /// One SendMessageBatch call (at most 10 entries and 256 KiB together; see <see cref="SendMessageBatchesAsync"/> for
    /// any number). Entries can fail individually: check <see cref="SendMessageBatchResponse.Failed"/>.
    /// </summary>
    /// <exception cref="SqsChecksumMismatchException">A successful entry's digest differs from what was sent (the first such entry).</exception>
    public async Task<SendMessageBatchResponse> SendMessageBatchAsync(SendMessageBatchRequest request, CancellationToken cancellationToken = default)
    {
        var response = await SendMessageBatchUncheckedAsync(request, cancellationToken);
        var mismatch = CheckBatch(request, response).Select(m => m.Mismatch).FirstOrDefault();
        return mismatch is null ? response : throw mismatch;
    }

    /// <summary>
    /// Sends any number of entries in as few SendMessageBatch calls as the entry-count and payload limits allow and reports
    /// every entry's outcome by its id, in input order (see <see cref="SqsBatchSender"/>).
    /// </summary>
    public Task<SqsBatchSendResult> SendMessageBatchesAsync(string queueUrl, IEnumerable<SendMessageBatchRequestEntry> entries, CancellationToken cancellationToken = default) =>
        new SqsBatchSender(this).SendAsync(queueUrl, entries, cancellationToken);

    /// <exception cref="SqsChecksumMismatchException">A received message's body or attributes do not match their digests.</exception>
    public async Task<ReceiveMessageResponse> ReceiveMessageAsync(ReceiveMessageRequest request, CancellationToken cancellationToken = default)
    {
        var response = await InvokeAsync("ReceiveMessage", request, SqsJsonContext.Wire.ReceiveMessageRequest, SqsJsonContext.Wire.ReceiveMessageResponse, cancellationToken);

        // As the SDKs do, one corrupt message fails the whole receive: its copies stay in the queue and are redelivered
        // after their visibility timeout (and dead-lettered if they keep arriving corrupt).
        var mismatch = response.Messages.Select(SqsMessageChecksums.CheckReceived).FirstOrDefault(m => m is not null);
        return mismatch is null ? response : throw mismatch;
    }

    public Task<DeleteMessageResponse> DeleteMessageAsync(DeleteMessageRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("DeleteMessage", request, SqsJsonContext.Wire.DeleteMessageRequest, SqsJsonContext.Wire.DeleteMessageResponse, cancellationToken);

    public Task<DeleteMessageResponse> DeleteMessageAsync(string queueUrl, string receiptHandle, CancellationToken cancellationToken = default) =>
        DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = queueUrl, ReceiptHandle = receiptHandle }, cancellationToken);

    public Task<DeleteMessageBatchResponse> DeleteMessageBatchAsync(DeleteMessageBatchRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("DeleteMessageBatch", request, SqsJsonContext.Wire.DeleteMessageBatchRequest, SqsJsonContext.Wire.DeleteMessageBatchResponse, cancellationToken);

    public Task<ChangeMessageVisibilityResponse> ChangeMessageVisibilityAsync(ChangeMessageVisibilityRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            "ChangeMessageVisibility", request, SqsJsonContext.Wire.ChangeMessageVisibilityRequest, SqsJsonContext.Wire.ChangeMessageVisibilityResponse, cancellationToken);

    public Task<ChangeMessageVisibilityBatchResponse> ChangeMessageVisibilityBatchAsync(ChangeMessageVisibilityBatchRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            "ChangeMessageVisibilityBatch",
            request,
            SqsJsonContext.Wire.ChangeMessageVisibilityBatchRequest,
            SqsJsonContext.Wire.ChangeMessageVisibilityBatchResponse,
            cancellationToken);

    /// <summary>The batch call without digest checks, for callers that turn a mismatch into a per-entry outcome.</summary>
    internal Task<SendMessageBatchResponse> SendMessageBatchUncheckedAsync(SendMessageBatchRequest request, CancellationToken cancellationToken) =>
        InvokeAsync("SendMessageBatch", request, SqsJsonContext.Wire.SendMessageBatchRequest, SqsJsonContext.Wire.SendMessageBatchResponse, cancellationToken);

    /// <summary>Digest mismatches of the successful entries, by entry id.</summary>
    internal static IEnumerable<(string? Id, SqsChecksumMismatchException Mismatch)> CheckBatch(SendMessageBatchRequest request, SendMessageBatchResponse response)
    {
        var sent = (request.Entries ?? []).Where(e => e.Id is not null).ToDictionary(e => e.Id!, StringComparer.Ordinal);
        foreach (var result in response.Successful)
        {
            // An id SQS did not get from us is itself a broken answer; compare it against an empty entry so it is reported.
            var entry = result.Id is not null && sent.TryGetValue(result.Id, out var e) ? e : new SendMessageBatchRequestEntry();
            var mismatch = SqsMessageChecksums.CheckSent(
                result.Id, result.MessageId, entry.MessageBody, entry.MessageAttributes, entry.MessageSystemAttributes,
                result.MD5OfMessageBody, result.MD5OfMessageAttributes, result.MD5OfMessageSystemAttributes);
            if (mismatch is not null)
            {
                yield return (result.Id, mismatch);
            }
        }
    }

    private static AwsJsonRpcProtocol Rpc(AwsTransport transport) => new(transport, "AmazonSQS", queryCompatible: true);

    private Task<TResponse> InvokeAsync<TRequest, TResponse>(
        string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : new()
    {
        ArgumentNullException.ThrowIfNull(request);
        return _rpc.InvokeAsync(operation, request, requestType, responseType, SpanTagsOf(request), cancellationToken);
    }

    /// <summary>The queue the request names, for the call's span: the client knows it, so the transport need not parse the body.</summary>
    private static IReadOnlyList<KeyValuePair<string, object?>> SpanTagsOf(object request) => request switch
    {
        SendMessageRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        SendMessageBatchRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        ReceiveMessageRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        DeleteMessageRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        DeleteMessageBatchRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        ChangeMessageVisibilityRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        ChangeMessageVisibilityBatchRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        CreateQueueRequest r => AwsTelemetry.SqsQueueNameTags(r.QueueName),
        GetQueueUrlRequest r => AwsTelemetry.SqsQueueNameTags(r.QueueName),
        DeleteQueueRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        GetQueueAttributesRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        SetQueueAttributesRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        PurgeQueueRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        ListDeadLetterSourceQueuesRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        TagQueueRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        UntagQueueRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        ListQueueTagsRequest r => AwsTelemetry.SqsQueueTags(r.QueueUrl),
        _ => [],
    };
}
