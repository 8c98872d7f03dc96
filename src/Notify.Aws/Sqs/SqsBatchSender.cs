using System.Text;
using Notify.Aws.Http;
using Polly.Timeout;

namespace Notify.Aws.Sqs;

/// <summary>
/// Sends any number of messages through SendMessageBatch: entries are packed in input order into calls of at most
/// <see cref="MaxEntriesPerBatch"/> entries and <see cref="MaxPayloadBytes"/> bytes, sent one call after another (so
/// FIFO groups keep their order), and every entry gets an outcome keyed by the caller's id.
/// </summary>
/// <remarks>
/// Outcomes beyond the service's own per-entry failures:
/// an entry larger than the payload limit fails locally (<c>InvalidParameterValue</c>) without a call;
/// an entry whose digest SQS answered wrongly fails with <see cref="ChecksumMismatchCode"/>;
/// a failed call (an <see cref="AwsServiceException"/> after retries, a network error or timeout) fails all its entries with
/// that error and stops the run, leaving later entries <see cref="NotAttemptedCode"/>: the queue or the connection is broken,
/// and carrying on would let later messages of a FIFO group overtake the failed ones. For the same reason, on a FIFO queue
/// the entries after a failed entry of the same message group are not sent either. Cancellation propagates.
/// </remarks>
public sealed class SqsBatchSender(SqsClient client)
{
    /// <summary>SQS's limit on entries per SendMessageBatch.</summary>
    public const int MaxEntriesPerBatch = 10;

    /// <summary>
    /// SQS's classic limit on one message and on a whole batch (256 KiB). AWS raised both to 1 MiB in 2025, but queues
    /// can set a lower MaximumMessageSize and emulators differ, so the safe classic value is the default.
    /// </summary>
    public const int DefaultMaxPayloadBytes = 262_144;

    public const string NotAttemptedCode = "NotAttempted";
    public const string ChecksumMismatchCode = "ChecksumMismatch";
    public const string RequestFailedCode = "RequestFailed";

    private const string TooLargeCode = "InvalidParameterValue";

    /// <summary>Payload limit per message and per call, counted as SQS counts it (see <see cref="PayloadSize"/>).</summary>
    public int MaxPayloadBytes { get; init; } = DefaultMaxPayloadBytes;

    public async Task<SqsBatchSendResult> SendAsync(string queueUrl, IEnumerable<SendMessageBatchRequestEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueUrl);
        ArgumentNullException.ThrowIfNull(entries);
        var input = entries.ToList();
        Validate(input);

        var outcomes = new SqsBatchEntryResult?[input.Count];
        var fifo = queueUrl.EndsWith(".fifo", StringComparison.Ordinal);
        var failedGroups = new HashSet<string>(StringComparer.Ordinal);
        var calls = 0;
        string? stoppedBy = null;

        void Fail(int index, string code, string message, bool senderFault)
        {
            outcomes[index] = SqsBatchEntryResult.Failure(input[index].Id!, code, message, senderFault);
            if (fifo && input[index].MessageGroupId is { } group)
            {
                failedGroups.Add(group);
            }
        }

        foreach (var step in Plan(input, MaxPayloadBytes))
        {
            if (step.TooLarge)
            {
                var i = step.Indices[0];
                Fail(i, TooLargeCode, $"Message of {PayloadSize(input[i])} bytes exceeds the {MaxPayloadBytes}-byte limit; not sent.", senderFault: true);
                continue;
            }

            var send = new List<int>(step.Indices.Count);
            foreach (var i in step.Indices)
            {
                if (stoppedBy is not null)
                {
                    outcomes[i] = SqsBatchEntryResult.Failure(input[i].Id!, NotAttemptedCode, $"Not sent: an earlier call failed ({stoppedBy}).", senderFault: false);
                }
                else if (fifo && input[i].MessageGroupId is { } group && failedGroups.Contains(group))
                {
                    outcomes[i] = SqsBatchEntryResult.Failure(
                        input[i].Id!, NotAttemptedCode, $"Not sent: an earlier message of group '{group}' failed, and FIFO order must hold.", senderFault: false);
                }
                else
                {
                    send.Add(i);
                }
            }

            if (send.Count == 0)
            {
                continue;
            }

            var request = new SendMessageBatchRequest { QueueUrl = queueUrl, Entries = [.. send.Select(i => input[i])] };
            var byId = send.ToDictionary(i => input[i].Id!, StringComparer.Ordinal);
            SendMessageBatchResponse response;
            try
            {
                calls++;
                response = await client.SendMessageBatchUncheckedAsync(request, cancellationToken);
            }
            catch (AwsServiceException e)
            {
                stoppedBy = e.ErrorCode;
                send.ForEach(i => Fail(i, e.ErrorCode, e.ErrorMessage, senderFault: (int)e.StatusCode < 500 && !e.IsRetryable));
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
            {
                // The call may or may not have reached SQS: resending risks duplicates, which standard queues allow anyway.
                stoppedBy = RequestFailedCode;
                send.ForEach(i => Fail(i, RequestFailedCode, e.Message, senderFault: false));
                continue;
            }

            var mismatches = SqsClient.CheckBatch(request, response).ToDictionary(m => m.Id ?? string.Empty, m => m.Mismatch, StringComparer.Ordinal);
            foreach (var ok in response.Successful)
            {
                if (ok.Id is null || !byId.TryGetValue(ok.Id, out var i))
                {
                    continue;
                }

                if (mismatches.TryGetValue(ok.Id, out var mismatch))
                {
                    Fail(i, ChecksumMismatchCode, mismatch.Message, senderFault: false);
                }
                else
                {
                    outcomes[i] = SqsBatchEntryResult.Success(ok.Id, ok.MessageId, ok.SequenceNumber);
                }
            }

            foreach (var failed in response.Failed)
            {
                if (failed.Id is not null && byId.TryGetValue(failed.Id, out var i))
                {
                    Fail(i, failed.Code ?? "Unknown", failed.Message ?? string.Empty, failed.SenderFault);
                }
            }

            foreach (var i in send.Where(i => outcomes[i] is null))
            {
                Fail(i, "MissingFromResponse", "SQS answered neither success nor failure for this entry.", senderFault: false);
            }
        }

        return new SqsBatchSendResult([.. outcomes.Select(o => o!)], calls);
    }

    /// <summary>
    /// The size SQS counts against its limits: the UTF-8 body plus, for every message attribute, its name, data type and
    /// value bytes. System attributes (the trace header) do not count.
    /// </summary>
    public static int PayloadSize(SendMessageBatchRequestEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var size = Encoding.UTF8.GetByteCount(entry.MessageBody ?? string.Empty);
        foreach (var (name, value) in entry.MessageAttributes ?? [])
        {
            size += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value.DataType ?? string.Empty)
                + (SqsMessageChecksums.IsBinary(value.DataType) ? value.BinaryValue?.Length ?? 0 : Encoding.UTF8.GetByteCount(value.StringValue ?? string.Empty));
        }

        return size;
    }

    /// <summary>
    /// Packs entries greedily in input order: a call closes when it holds <see cref="MaxEntriesPerBatch"/> entries or the
    /// next entry would push it over the limit. An entry over the limit on its own becomes a step of its own (never sent),
    /// so steps stay in input order.
    /// </summary>
    internal static List<SqsBatchPlanStep> Plan(IReadOnlyList<SendMessageBatchRequestEntry> entries, int maxPayloadBytes)
    {
        var steps = new List<SqsBatchPlanStep>();
        var current = new List<int>(MaxEntriesPerBatch);
        long currentBytes = 0;

        void Close()
        {
            if (current.Count > 0)
            {
                steps.Add(new SqsBatchPlanStep(current, TooLarge: false));
                current = new List<int>(MaxEntriesPerBatch);
                currentBytes = 0;
            }
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var size = PayloadSize(entries[i]);
            if (size > maxPayloadBytes)
            {
                // Closing the open call first keeps steps in input order, which the FIFO group rule relies on.
                Close();
                steps.Add(new SqsBatchPlanStep([i], TooLarge: true));
                continue;
            }

            if (current.Count == MaxEntriesPerBatch || currentBytes + size > maxPayloadBytes)
            {
                Close();
            }

            current.Add(i);
            currentBytes += size;
        }

        Close();
        return steps;
    }

    private static void Validate(List<SendMessageBatchRequestEntry> entries)
    {
        // Outcomes are keyed by id, so ids must be present and distinct across the whole input, not just within one call.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry is null || string.IsNullOrEmpty(entry.Id))
            {
                throw new ArgumentException("Every batch entry needs an Id.", nameof(entries));
            }

            if (!seen.Add(entry.Id))
            {
                throw new ArgumentException($"Batch entry id '{entry.Id}' is not unique.", nameof(entries));
            }
        }
    }
}

/// <summary>One call of a batch plan: entry indices in input order, or a single entry too large to send.</summary>
internal sealed record SqsBatchPlanStep(IReadOnlyList<int> Indices, bool TooLarge);

/// <summary>The outcome of every entry given to <see cref="SqsBatchSender"/>, in input order and by id.</summary>
public sealed class SqsBatchSendResult
{
    private readonly Dictionary<string, SqsBatchEntryResult> _byId;

    internal SqsBatchSendResult(IReadOnlyList<SqsBatchEntryResult> entries, int calls)
    {
        Entries = entries;
        Calls = calls;
        _byId = entries.ToDictionary(e => e.Id, StringComparer.Ordinal);
    }

    /// <summary>One outcome per input entry, in input order.</summary>
    public IReadOnlyList<SqsBatchEntryResult> Entries { get; }

    /// <summary>SendMessageBatch calls made.</summary>
    public int Calls { get; }

    public SqsBatchEntryResult this[string id] => _byId[id];

    public IEnumerable<SqsBatchEntryResult> Successful => Entries.Where(e => e.Succeeded);

    public IEnumerable<SqsBatchEntryResult> Failed => Entries.Where(e => !e.Succeeded);

    public bool AllSucceeded => Entries.All(e => e.Succeeded);
}

/// <summary>A sent entry (<see cref="MessageId"/>, and <see cref="SequenceNumber"/> on FIFO queues) or a failed one (<see cref="Error"/>).</summary>
public sealed record SqsBatchEntryResult
{
    public required string Id { get; init; }

    public string? MessageId { get; init; }

    public string? SequenceNumber { get; init; }

    public BatchResultErrorEntry? Error { get; init; }

    public bool Succeeded => Error is null;

    internal static SqsBatchEntryResult Success(string id, string? messageId, string? sequenceNumber) =>
        new() { Id = id, MessageId = messageId, SequenceNumber = sequenceNumber };

    internal static SqsBatchEntryResult Failure(string id, string code, string message, bool senderFault) =>
        new() { Id = id, Error = new BatchResultErrorEntry { Id = id, Code = code, Message = message, SenderFault = senderFault } };
}
