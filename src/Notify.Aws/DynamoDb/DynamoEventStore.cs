using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Resources;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// Events in the main table (<c>EVT#{eventId}</c> / <c>EVENT</c>), with their notification rows in the same partition.
/// </summary>
/// <remarks>
/// An event is written once, <c>received</c> and already in the sparse <c>due</c> index at <c>acceptedAt + SweepDelay</c>
/// (or <c>scheduled</c> and due at its <c>sendAt</c>), in one conditional put. The sweeper reads
/// what is due (<see cref="DueAsync"/>), enqueues it and calls <see cref="MarkEnqueuedAsync"/>, which takes it out of the
/// index; the API does the same after its own enqueue, so only an event whose enqueue failed or was never confirmed (a
/// crash between the send and the mark) is swept. FIFO deduplication and the worker's per-channel idempotency make the
/// rare repeat harmless.
/// </remarks>
public sealed class DynamoEventStore : IEventStore
{
    internal const string Status = "status";
    internal const string EventJson = "event";
    internal const string UpdatedAt = "updatedAt";

    // Hours of the due index queried at once (times the shards): a day's lookback in a few rounds without flooding
    // the client's connection pool.
    private const int HoursPerRound = 4;

    // Event partitions read at once when a listing of recent events loads each one's channels.
    private const int RecentReadConcurrency = 8;

    private readonly IAmazonDynamoDB _dynamo;
    private readonly string _table;
    private readonly DynamoStoreOptions _options;
    private readonly TimeProvider _time;

    // The minute the next sweep starts from (UTC ticks; 0 until the first sweep of this process).
    private long _checkpointTicks;

    public DynamoEventStore(IAmazonDynamoDB dynamo, ResourceNaming naming, IOptions<DynamoStoreOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(options);
        _dynamo = dynamo ?? throw new ArgumentNullException(nameof(dynamo));
        _table = naming.Table(NotifyResources.MainTable);
        _options = options.Value;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Conditional put on the event id. A repeat answers <see cref="RecordOutcome.AlreadyRecorded"/> with the stored event
    /// taken from the failed put itself (no extra read when DynamoDB returns it); its <see cref="EventRecord.Notifications"/>
    /// is then empty: what the duplicate check needs is the stored <see cref="AcceptedEvent.BodyHash"/>.
    /// </summary>
    public async Task<RecordOutcome> RecordAsync(AcceptedEvent accepted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        var request = new PutItemRequest
        {
            TableName = _table,
            Item = ToItem(accepted),
            ConditionExpression = "attribute_not_exists(#pk)",
            ExpressionAttributeNames = new() { ["#pk"] = DynamoKeys.Pk },
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };

        // Two rounds: the stored event can expire (TTL) between the failed put and the read that looks for it.
        for (var round = 0; ; round++)
        {
            try
            {
                await _dynamo.PutItemAsync(request, cancellationToken);
                return new RecordOutcome.Recorded();
            }
            catch (ConditionalCheckFailedException e)
            {
                if (e.Item is { Count: > 0 } old)
                {
                    return new RecordOutcome.AlreadyRecorded(ToRecord(old, []));
                }

                if (await GetAsync(accepted.EventId, cancellationToken) is { } existing)
                {
                    return new RecordOutcome.AlreadyRecorded(existing);
                }

                if (round > 0)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>One strongly consistent query of the event's partition: the event and its notification rows.</summary>
    public async Task<EventRecord?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        Dictionary<string, AttributeValue>? eventItem = null;
        var notifications = new List<NotificationRecord>();
        var items = await _dynamo.QueryAllAsync(
            new QueryRequest
            {
                TableName = _table,
                KeyConditionExpression = "#pk = :pk",
                ExpressionAttributeNames = new() { ["#pk"] = DynamoKeys.Pk },
                ExpressionAttributeValues = new() { [":pk"] = DynamoAttributes.S(DynamoKeys.Event(eventId)) },
                ConsistentRead = true,
            },
            limit: null,
            cancellationToken);
        foreach (var item in items)
        {
            var sk = item.OptionalString(DynamoKeys.Sk);
            if (sk == DynamoKeys.EventSk)
            {
                eventItem = item;
            }
            else if (sk?.StartsWith(DynamoKeys.NotificationSkPrefix, StringComparison.Ordinal) == true && item.ContainsKey(NotificationItems.Status))
            {
                // (A row without a status is moto showing an UpdateItem half-applied; DynamoDB never exposes one.)
                notifications.Add(NotificationItems.ToRecord(item));
            }
        }

        return eventItem is null ? null : ToRecord(eventItem, notifications);
    }

    /// <summary>
    /// Cancels while the event is <c>scheduled</c> and its <c>sendAt</c> is still after <paramref name="now"/>; removes it from
    /// the due index in the same update. Once <c>sendAt</c> has passed the sweeper may already be enqueuing it: too late.
    /// </summary>
    public async Task<CancelOutcome> CancelAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var update = new DynamoUpdate()
            .Set(Status, DynamoAttributes.S(SnakeCase<EventStatus>.Name(EventStatus.Cancelled)))
            .Set(UpdatedAt, DynamoAttributes.Time(now))
            .Set("cancelledAt", DynamoAttributes.Time(now))
            .Remove(DynamoKeys.DueBucket)
            .Remove(DynamoKeys.DueAt);
        var condition =
            $"{update.Name(Status)} = {update.Value(DynamoAttributes.S(SnakeCase<EventStatus>.Name(EventStatus.Scheduled)))} " +
            $"AND {update.Name(DynamoKeys.DueAt)} > {update.Value(DynamoAttributes.Time(now))}";
        var request = update.ToRequest(_table, DynamoKeys.Of(DynamoKeys.Event(eventId), DynamoKeys.EventSk), condition);
        request.ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD;
        try
        {
            await _dynamo.UpdateItemAsync(request, cancellationToken);
            return CancelOutcome.Cancelled;
        }
        catch (ConditionalCheckFailedException e)
        {
            var old = e.Item is { Count: > 0 } returned ? returned : await GetEventItemAsync(eventId, cancellationToken);
            return old is null ? CancelOutcome.NotFound
                : old.OptionalString(Status) == SnakeCase<EventStatus>.Name(EventStatus.Cancelled) ? CancelOutcome.AlreadyCancelled
                : CancelOutcome.TooLate;
        }
    }

    /// <summary>
    /// Everything in the <c>due</c> index with <c>dueAt &lt;= now</c>, oldest first: the minute buckets × shards from this
    /// process's checkpoint (at most <see cref="DynamoStoreOptions.DueLookback"/> back) up to <paramref name="now"/>. A
    /// complete enumeration moves the checkpoint to the oldest minute it yielded from (those items may still be there next
    /// time, if their enqueue failed), or to the minute before <paramref name="now"/>.
    /// </summary>
    public async IAsyncEnumerable<AcceptedEvent> DueAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var end = DueBuckets.Hour(now);
        var start = DueBuckets.Hour(now - _options.DueLookback);
        var checkpoint = Interlocked.Read(ref _checkpointTicks);
        if (checkpoint > start.UtcTicks)
        {
            start = new DateTimeOffset(checkpoint, TimeSpan.Zero);
        }

        var nowText = DynamoAttributes.FormatTime(now);
        DateTimeOffset? oldestYielded = null;
        for (var round = start; round <= end; round = round.AddHours(HoursPerRound))
        {
            var queries = new List<Task<List<Dictionary<string, AttributeValue>>>>(HoursPerRound * DueBuckets.Shards);
            for (var hour = round; hour <= end && hour < round.AddHours(HoursPerRound); hour = hour.AddHours(1))
            {
                for (var shard = 0; shard < DueBuckets.Shards; shard++)
                {
                    queries.Add(QueryBucketAsync(DueBuckets.Of(hour, shard), nowText, cancellationToken));
                }
            }

            var found = (await Task.WhenAll(queries)).SelectMany(items => items).OrderBy(i => i.OptionalString(DynamoKeys.DueAt), StringComparer.Ordinal);
            foreach (var item in found)
            {
                oldestYielded ??= DueBuckets.Hour(item.TimeOf(DynamoKeys.DueAt));
                yield return ReadEvent(item);
            }
        }

        if (start <= end)
        {
            var next = oldestYielded is { } oldest && oldest < end ? oldest : end.AddHours(-1);
            Interlocked.Exchange(ref _checkpointTicks, next.UtcTicks);
        }
    }

    /// <summary>
    /// Records that the event was handed to its lane: it leaves the due index (a scheduled one becomes <c>received</c>,
    /// like a freshly accepted one). Only for the generation that was published and only while the event still waits
    /// (received or scheduled): a worker that already took it, deferred it to a later generation or a cancel wins.
    /// </summary>
    /// <remarks>
    /// The event is not re-armed for another sweep: SQS keeps what it accepted (and a poison message goes to the DLQ,
    /// where the dashboard redrives it), whereas re-arming put a second copy on the lane whenever the lane's backlog was
    /// older than the sweep delay, and a third one delay later: work multiplied exactly when the worker was behind.
    /// </remarks>
    public async Task MarkEnqueuedAsync(AcceptedEvent enqueued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(enqueued);
        var now = _time.GetUtcNow();
        var received = SnakeCase<EventStatus>.Name(EventStatus.Received);
        var update = new DynamoUpdate()
            .Set(Status, DynamoAttributes.S(received))
            .Set(UpdatedAt, DynamoAttributes.Time(now))
            .Set("enqueuedAt", DynamoAttributes.Time(now))
            .Remove(DynamoKeys.DueBucket)
            .Remove(DynamoKeys.DueAt);
        var generation = update.Name(DynamoDeliveryStore.Generation);
        var sameGeneration = enqueued.Generation == 0
            ? $"(attribute_not_exists({generation}) OR {generation} = {update.Value(DynamoAttributes.N(0))})"
            : $"{generation} = {update.Value(DynamoAttributes.N(enqueued.Generation))}";
        var condition = $"{update.Name(Status)} IN ({update.Value(DynamoAttributes.S(received))}, " +
                        $"{update.Value(DynamoAttributes.S(SnakeCase<EventStatus>.Name(EventStatus.Scheduled)))}) AND {sameGeneration}";
        try
        {
            await _dynamo.UpdateItemAsync(update.ToRequest(_table, DynamoKeys.Of(DynamoKeys.Event(enqueued.EventId), DynamoKeys.EventSk), condition), cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // Taken by the worker, deferred to a later generation, cancelled or expired: not this call's to clear.
        }
    }

    public async Task<int?> NextGenerationAsync(string eventId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var update = new DynamoUpdate().Add(DynamoDeliveryStore.Generation, 1).Set(UpdatedAt, DynamoAttributes.Time(_time.GetUtcNow()));
        var request = update.ToRequest(_table, DynamoKeys.Of(DynamoKeys.Event(eventId), DynamoKeys.EventSk), $"attribute_exists({update.Name(DynamoKeys.Pk)})");
        request.ReturnValues = ReturnValue.UPDATED_NEW;
        try
        {
            var response = await _dynamo.UpdateItemAsync(request, cancellationToken);
            return (int)response.Attributes.Long(DynamoDeliveryStore.Generation, 1);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Newest first from <c>gsi1</c>: the current UTC hour's shards, then the previous hour's if the limit is not reached
    /// (each shard's newest <paramref name="limit"/>, merged), then each event's partition for its channels (a few at a
    /// time). The index is eventually consistent; the partition read is not, so statuses are current.
    /// </summary>
    public async Task<IReadOnlyList<EventRecord>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var found = new List<Dictionary<string, AttributeValue>>(limit);
        var hour = DueBuckets.Hour(_time.GetUtcNow());
        foreach (var bucketHour in (DateTimeOffset[])[hour, hour.AddHours(-1)])
        {
            var shards = await Task.WhenAll(Enumerable.Range(0, DueBuckets.Shards)
                .Select(shard => QueryRecentAsync(DynamoKeys.RecentEvents(bucketHour, shard), limit - found.Count, cancellationToken)));
            found.AddRange(shards.SelectMany(items => items)
                .OrderByDescending(item => item.OptionalString(DynamoKeys.Gsi1Sk), StringComparer.Ordinal)
                .Take(limit - found.Count));
            if (found.Count >= limit)
            {
                break;
            }
        }

        var records = new EventRecord?[found.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, found.Count),
            new ParallelOptions { MaxDegreeOfParallelism = RecentReadConcurrency, CancellationToken = cancellationToken },
            async (index, ct) => records[index] = await GetAsync(found[index].String("eventId"), ct));

        // An event that expired between the index read and its own is left out.
        return [.. records.OfType<EventRecord>()];
    }

    internal Dictionary<string, AttributeValue> ToItem(AcceptedEvent accepted)
    {
        var submission = accepted.Submission;
        var scheduled = accepted.IsScheduled(accepted.AcceptedAt);
        var dueAt = scheduled ? submission.SendAt!.Value : accepted.AcceptedAt + _options.SweepDelay;

        // A scheduled event must outlive its send time by the whole retention, not just its acceptance.
        var lastUseful = new[] { accepted.AcceptedAt, submission.SendAt ?? accepted.AcceptedAt, submission.NotAfter ?? accepted.AcceptedAt }.Max();
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [DynamoKeys.Pk] = DynamoAttributes.S(DynamoKeys.Event(accepted.EventId)),
            [DynamoKeys.Sk] = DynamoAttributes.S(DynamoKeys.EventSk),
            [Status] = DynamoAttributes.S(SnakeCase<EventStatus>.Name(scheduled ? EventStatus.Scheduled : EventStatus.Received)),
            ["eventId"] = DynamoAttributes.S(accepted.EventId),
            ["eventType"] = DynamoAttributes.S(submission.EventType),
            ["userId"] = DynamoAttributes.S(accepted.UserId),
            ["priority"] = DynamoAttributes.S(SnakeCase<Priority>.Name(accepted.Priority)),
            ["mode"] = DynamoAttributes.S(SnakeCase<KeyMode>.Name(accepted.Mode)),
            ["bodyHash"] = DynamoAttributes.S(accepted.BodyHash),
            ["acceptedAt"] = DynamoAttributes.Time(accepted.AcceptedAt),
            [UpdatedAt] = DynamoAttributes.Time(accepted.AcceptedAt),
            [EventJson] = DynamoAttributes.Json(accepted),
            [DynamoKeys.DueBucket] = DynamoAttributes.S(DueBuckets.For(accepted.EventId, dueAt)),
            [DynamoKeys.DueAt] = DynamoAttributes.Time(dueAt),

            // The recent-events listing rides on the same put: no extra write, only gsi1's copy of the item.
            [DynamoKeys.Gsi1Pk] = DynamoAttributes.S(DynamoKeys.RecentEvents(DueBuckets.Hour(accepted.AcceptedAt), DueBuckets.Shard(accepted.EventId))),
            [DynamoKeys.Gsi1Sk] = DynamoAttributes.S($"{DynamoAttributes.FormatTime(accepted.AcceptedAt)}#{accepted.EventId}"),
            [DynamoKeys.Ttl] = DynamoAttributes.N(DynamoAttributes.EpochSeconds(lastUseful + _options.Retention)),
        };
        item.SetIfPresent("sendAt", submission.SendAt);
        return item;
    }

    private static EventRecord ToRecord(Dictionary<string, AttributeValue> item, IReadOnlyList<NotificationRecord> notifications) =>
        new(
            ReadEvent(item),
            SnakeCase<EventStatus>.Parse(item.String(Status)),
            item.TimeOf(UpdatedAt),
            notifications.OrderBy(n => n.Channel).ToList());

    /// <summary>The stored JSON is written once; the generation (deferrals, redrives) lives beside it.</summary>
    private static AcceptedEvent ReadEvent(Dictionary<string, AttributeValue> item) =>
        item.FromJson<AcceptedEvent>(EventJson) with { Generation = (int)item.Long(DynamoDeliveryStore.Generation) };

    private async Task<Dictionary<string, AttributeValue>?> GetEventItemAsync(string eventId, CancellationToken cancellationToken)
    {
        var response = await _dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = DynamoKeys.Of(DynamoKeys.Event(eventId), DynamoKeys.EventSk), ConsistentRead = true },
            cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    /// <summary>
    /// Scans the <c>due</c> index, which holds only pending items (it is sparse), reading two small attributes of each.
    /// Meant for a sampler every minute or so, not for a request path: its cost grows with the backlog it measures.
    /// </summary>
    public async Task<DueBacklog> DueBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowText = DynamoAttributes.FormatTime(now);
        var scheduledText = SnakeCase<EventStatus>.Name(EventStatus.Scheduled);
        int scheduled = 0, overdue = 0;
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var page = await _dynamo.ScanAsync(
                new ScanRequest
                {
                    TableName = _table,
                    IndexName = DynamoKeys.DueIndex,
                    ProjectionExpression = "#status, #dueAt",
                    ExpressionAttributeNames = new() { ["#status"] = Status, ["#dueAt"] = DynamoKeys.DueAt },
                    ExclusiveStartKey = startKey,
                },
                cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                if (string.CompareOrdinal(item.OptionalString(DynamoKeys.DueAt), nowText) <= 0)
                {
                    overdue++;
                }
                else if (item.OptionalString(Status) == scheduledText)
                {
                    scheduled++;
                }
            }

            startKey = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (startKey is not null);

        return new DueBacklog(scheduled, overdue);
    }

    private Task<List<Dictionary<string, AttributeValue>>> QueryRecentAsync(string listing, int limit, CancellationToken cancellationToken) =>
        _dynamo.QueryAllAsync(
            new QueryRequest
            {
                TableName = _table,
                IndexName = DynamoKeys.Gsi1,
                KeyConditionExpression = "#g1pk = :g1pk",
                ExpressionAttributeNames = new() { ["#g1pk"] = DynamoKeys.Gsi1Pk, ["#g1sk"] = DynamoKeys.Gsi1Sk, ["#eventId"] = "eventId" },
                ExpressionAttributeValues = new() { [":g1pk"] = DynamoAttributes.S(listing) },
                ScanIndexForward = false,

                // The listing needs only the order and the ids: each event is read from its partition next.
                ProjectionExpression = "#eventId, #g1sk",
            },
            limit,
            cancellationToken);

    private Task<List<Dictionary<string, AttributeValue>>> QueryBucketAsync(string bucket, string now, CancellationToken cancellationToken) =>
        _dynamo.QueryAllAsync(
            new QueryRequest
            {
                TableName = _table,
                IndexName = DynamoKeys.DueIndex,
                KeyConditionExpression = "#bucket = :bucket AND #dueAt <= :now",
                ExpressionAttributeNames = new() { ["#bucket"] = DynamoKeys.DueBucket, ["#dueAt"] = DynamoKeys.DueAt },
                ExpressionAttributeValues = new() { [":bucket"] = DynamoAttributes.S(bucket), [":now"] = DynamoAttributes.S(now) },
            },
            limit: null,
            cancellationToken);
}
