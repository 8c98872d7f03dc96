using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Resources;

namespace Notify.Aws.DynamoDb;

/// <summary>
/// The worker's state writes: claims with a lease (and, in the same transaction, the user's rate-limit counter and the
/// event leaving the due index), outcomes with the event's completion, deferrals, and the SES message id index
/// (<c>MSG#{id}</c>). Every row write is conditional on the stored status rank, so a redelivered message, a second worker
/// or a late receipt never moves a row backwards.
/// </summary>
public sealed class DynamoDeliveryStore : IDeliveryStore
{
    internal const string LeaseUntil = "leaseUntil";
    internal const string Released = "released";
    internal const string Generation = "generation";
    internal const string DeferredUntil = "deferredUntil";
    private const string MessageSk = "MSG";
    private const string RateLimitSk = "RL";
    private const string Count = "n";

    // SES feedback arrives within days; the index need not outlive that.
    private static readonly TimeSpan MessageRefRetention = TimeSpan.FromDays(14);

    private readonly IAmazonDynamoDB _dynamo;
    private readonly string _table;
    private readonly DynamoStoreOptions _options;

    public DynamoDeliveryStore(IAmazonDynamoDB dynamo, ResourceNaming naming, IOptions<DynamoStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(options);
        _dynamo = dynamo ?? throw new ArgumentNullException(nameof(dynamo));
        _table = naming.Table(NotifyResources.MainTable);
        _options = options.Value;
    }

    /// <remarks>
    /// Plain conditional writes, no transaction: the rate-limit counter first (refused → <see cref="ClaimOutcome.RateLimited"/>,
    /// nothing claimed), then the claim. A claim refused after the charge leaves one charge too many in that window, which
    /// errs on the side of sending less. (Transactions would save a request but cost twice the capacity, and moto copies
    /// the whole table for each one.)
    /// </remarks>
    public async Task<ClaimOutcome> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RateLimit is { } charge)
        {
            var counter = new DynamoUpdate().Add(Count, 1).Set(DynamoKeys.Ttl, DynamoAttributes.N(DynamoAttributes.EpochSeconds(charge.WindowEnd + TimeSpan.FromHours(1))));
            var counterCondition = $"attribute_not_exists({counter.Name(Count)}) OR {counter.Name(Count)} < {counter.Value(DynamoAttributes.N(charge.Limit))}";
            try
            {
                await _dynamo.UpdateItemAsync(counter.ToRequest(_table, RateLimitKey(request.Event.UserId, charge), counterCondition), cancellationToken);
            }
            catch (ConditionalCheckFailedException)
            {
                return new ClaimOutcome.RateLimited(charge.WindowEnd);
            }
        }

        var key = NotificationItems.Key(request.Event.EventId, request.Channel);
        var (claim, condition) = ClaimUpdate(request);
        var single = claim.ToRequest(_table, key, condition);
        single.ReturnValues = ReturnValue.UPDATED_NEW;
        int attempt;
        try
        {
            var response = await _dynamo.UpdateItemAsync(single, cancellationToken);
            attempt = (int)response.Attributes.Long(NotificationItems.Attempts, 1);
        }
        catch (ConditionalCheckFailedException)
        {
            return await ClassifyRefusedClaimAsync(request, key, cancellationToken);
        }

        if (request.TakeEvent)
        {
            await CommitAsync(new DeliveryCommit(request.Event.EventId, [], null, new EventUpdate.Processing(), request.Now), cancellationToken);
        }

        return new ClaimOutcome.Claimed(attempt);
    }

    /// <remarks>
    /// Independent writes go out at once as plain conditional updates; only an in-app row reaching the inbox and its unread
    /// counter share a transaction, so the badge never counts a row twice or misses one.
    /// </remarks>
    public async Task<bool> CommitAsync(DeliveryCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var units = new List<List<Write>>();
        foreach (var write in Writes(commit))
        {
            if (write.DependsOnPrevious && units.Count > 0)
            {
                units[^1].Add(write);
            }
            else
            {
                units.Add([write]);
            }
        }

        // The event's own update goes last: whoever sees the event completed must see its rows final.
        var eventUnit = commit.Event is null ? null : units[^1];
        var applied = await Task.WhenAll(units.Where(u => u != eventUnit).Select(unit => WriteUnitAsync(unit, cancellationToken)));
        var eventApplied = eventUnit is null || await WriteUnitAsync(eventUnit, cancellationToken);
        return applied.All(a => a) && eventApplied;
    }

    private async Task<bool> WriteUnitAsync(List<Write> unit, CancellationToken cancellationToken)
    {
        try
        {
            if (unit.Count == 1)
            {
                await _dynamo.UpdateItemAsync(unit[0].Update.ToRequest(_table, unit[0].Key, unit[0].Condition), cancellationToken);
            }
            else
            {
                await _dynamo.TransactWriteItemsAsync(
                    new TransactWriteItemsRequest { TransactItems = [.. unit.Select(w => new TransactWriteItem { Update = w.Update.ToTransactUpdate(_table, w.Key, w.Condition) })] },
                    cancellationToken);
            }

            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            // The row moved on meanwhile (another worker, a late receipt): forward only, so nothing to write.
            return false;
        }
        catch (TransactionCanceledException e) when (e.CancellationReasons?.Any(IsConditionFailure) == true)
        {
            return false;
        }
    }

    public async Task ReleaseAsync(string eventId, Channel channel, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var update = new DynamoUpdate()
            .Set(Released, DynamoAttributes.Bool(true))
            .Set(NotificationItems.LastError, DynamoAttributes.S(error))
            .Set(NotificationItems.UpdatedAt, DynamoAttributes.Time(now));
        try
        {
            await _dynamo.UpdateItemAsync(
                update.ToRequest(_table, NotificationItems.Key(eventId, channel), $"{update.Name(NotificationItems.Rank)} = {update.Value(DynamoAttributes.N(NotificationStatus.Sending.Rank()))}"),
                cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // Not sending any more: nothing to give back.
        }
    }

    public async Task<ProviderMessageRef?> FindByProviderMessageIdAsync(string providerMessageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerMessageId);
        var response = await _dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = DynamoKeys.Of(MessageKey(providerMessageId), MessageSk), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item
            ? new ProviderMessageRef(providerMessageId, item.String(NotificationItems.EventId), SnakeCase<Channel>.Parse(item.String(NotificationItems.Channel)), item.String(NotificationItems.UserId), item.String(NotificationItems.EventType))
            : null;
    }

    public async Task MarkDeadLetteredAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var update = new DynamoUpdate()
            .Set(DynamoEventStore.Status, DynamoAttributes.S(SnakeCase<EventStatus>.Name(EventStatus.Failed)))
            .Set(DynamoEventStore.UpdatedAt, DynamoAttributes.Time(now))
            .Set("deadLetteredAt", DynamoAttributes.Time(now))
            .Remove(DynamoKeys.DueBucket)
            .Remove(DynamoKeys.DueAt);
        try
        {
            await _dynamo.UpdateItemAsync(update.ToRequest(_table, EventKey(eventId), $"attribute_exists({update.Name(DynamoKeys.Pk)})"), cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // No event record (expired, or a message put on the lane by hand): the dead letter alone tells the story.
        }
    }

    internal static string MessageKey(string providerMessageId) => $"MSG#{providerMessageId}";

    private static Dictionary<string, AttributeValue> EventKey(string eventId) => DynamoKeys.Of(DynamoKeys.Event(eventId), DynamoKeys.EventSk);

    private static Dictionary<string, AttributeValue> RateLimitKey(string userId, RateLimitCharge charge) =>
        DynamoKeys.Of($"RL#{userId}#{charge.Scope}#{DynamoAttributes.FormatTime(charge.WindowStart)}", RateLimitSk);

    private static bool IsConditionFailure(CancellationReason reason) => reason.Code == "ConditionalCheckFailed";

    private (DynamoUpdate Update, string Condition) ClaimUpdate(ClaimRequest request)
    {
        var accepted = request.Event;
        var sending = new NotificationRecord(
            accepted.EventId, request.Channel, accepted.UserId, accepted.Submission.EventType, NotificationStatus.Sending, 0, null, null,
            accepted.Mode == KeyMode.Test, request.Now, request.Now, null, new Dictionary<string, DateTimeOffset>(), request.Content);
        var (update, forward) = NotificationItems.ForwardUpdate(sending, _options.Retention, countAttempt: true);
        update.Set(LeaseUntil, DynamoAttributes.Time(request.LeaseUntil)).Remove(Released);
        var rank = update.Name(NotificationItems.Rank);
        var sendingRank = update.Value(DynamoAttributes.N(NotificationStatus.Sending.Rank()));
        var takeOver = $"{update.Name(Released)} = {update.Value(DynamoAttributes.Bool(true))}";
        if (request.ResendOnExpiredLease)
        {
            takeOver += $" OR {update.Name(LeaseUntil)} < {update.Value(DynamoAttributes.Time(request.Now))}";
        }

        return (update, $"{forward} OR ({rank} = {sendingRank} AND ({takeOver}))");
    }

    private async Task<ClaimOutcome> ClassifyRefusedClaimAsync(ClaimRequest request, Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        var response = await _dynamo.GetItemAsync(new GetItemRequest { TableName = _table, Key = key, ConsistentRead = true }, cancellationToken);
        if (response.Item is not { Count: > 0 } row)
        {
            // Deleted in between (expiry): the next attempt creates it again.
            return new ClaimOutcome.HeldElsewhere(request.Now);
        }

        var status = SnakeCase<NotificationStatus>.Parse(row.String(NotificationItems.Status));
        if (status.IsTerminal())
        {
            return new ClaimOutcome.AlreadyFinal(status);
        }

        var lease = row.OptionalTime(LeaseUntil) ?? request.Now;
        return lease > request.Now ? new ClaimOutcome.HeldElsewhere(lease) : new ClaimOutcome.LeaseExpired();
    }

    private async Task<int> AttemptsAsync(Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        var response = await _dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = key, ConsistentRead = true, ProjectionExpression = NotificationItems.Attempts }, cancellationToken);
        return (int)(response.Item?.Long(NotificationItems.Attempts, 1) ?? 1);
    }

    private IEnumerable<Write> Writes(DeliveryCommit commit)
    {
        foreach (var row in commit.Rows)
        {
            var key = NotificationItems.Key(row.EventId, row.Channel);
            if (row.Status == NotificationStatus.Deferred)
            {
                // A deferral may replace a claim that was given back (released), never one still in flight.
                var (deferred, forward) = NotificationItems.ForwardUpdate(row, _options.Retention);
                deferred.Remove(Released).Remove(LeaseUntil);
                var rank = deferred.Name(NotificationItems.Rank);
                var sendingRank = deferred.Value(DynamoAttributes.N(NotificationStatus.Sending.Rank()));
                yield return new Write(key, deferred,
                    $"{forward} OR ({rank} = {sendingRank} AND {deferred.Name(Released)} = {deferred.Value(DynamoAttributes.Bool(true))})",
                    false);
                continue;
            }

            var (update, condition) = NotificationItems.ForwardUpdate(row, _options.Retention);
            update.Remove(LeaseUntil).Remove(Released);
            yield return new Write(key, update, condition, false);
            if (row.Channel == Channel.InApp && row.Status == NotificationStatus.Sent)
            {
                // Counted only together with the row reaching the inbox: a repeated outcome must not count twice.
                yield return new Write(DynamoKeys.Of(DynamoKeys.User(row.UserId), DynamoKeys.InboxSk), new DynamoUpdate().Add(DynamoNotificationStore.Unread, 1), null, true);
            }
        }

        if (commit.MessageRef is { } reference)
        {
            var message = new DynamoUpdate()
                .Set(NotificationItems.EventId, DynamoAttributes.S(reference.EventId))
                .Set(NotificationItems.Channel, DynamoAttributes.S(SnakeCase<Channel>.Name(reference.Channel)))
                .Set(NotificationItems.UserId, DynamoAttributes.S(reference.UserId))
                .Set(NotificationItems.EventType, DynamoAttributes.S(reference.EventType))
                .Set(DynamoKeys.Ttl, DynamoAttributes.N(DynamoAttributes.EpochSeconds(commit.Now + MessageRefRetention)));
            yield return new Write(DynamoKeys.Of(MessageKey(reference.ProviderMessageId), MessageSk), message, null, false);
        }

        switch (commit.Event)
        {
            case EventUpdate.Processing:
            {
                var update = new DynamoUpdate()
                    .Set(DynamoEventStore.Status, DynamoAttributes.S(SnakeCase<EventStatus>.Name(EventStatus.Processing)))
                    .Set(DynamoEventStore.UpdatedAt, DynamoAttributes.Time(commit.Now))
                    .Set("processingAt", DynamoAttributes.Time(commit.Now))
                    .Remove(DynamoKeys.DueBucket)
                    .Remove(DynamoKeys.DueAt);
                yield return new Write(EventKey(commit.EventId), update, $"attribute_exists({update.Name(DynamoKeys.Pk)})", false);
                break;
            }

            case EventUpdate.Complete complete:
            {
                var update = new DynamoUpdate()
                    .Set(DynamoEventStore.Status, DynamoAttributes.S(SnakeCase<EventStatus>.Name(complete.Status)))
                    .Set(DynamoEventStore.UpdatedAt, DynamoAttributes.Time(commit.Now))
                    .Set("completedAt", DynamoAttributes.Time(commit.Now))
                    .Remove(DynamoKeys.DueBucket)
                    .Remove(DynamoKeys.DueAt);
                yield return new Write(EventKey(commit.EventId), update, $"attribute_exists({update.Name(DynamoKeys.Pk)})", false);
                break;
            }

            case EventUpdate.Reschedule reschedule:
            {
                var update = new DynamoUpdate()
                    .Set(DynamoEventStore.Status, DynamoAttributes.S(SnakeCase<EventStatus>.Name(EventStatus.Scheduled)))
                    .Set(DynamoEventStore.UpdatedAt, DynamoAttributes.Time(commit.Now))
                    .Set(DeferredUntil, DynamoAttributes.Time(reschedule.Until))
                    .Set(Generation, DynamoAttributes.N(reschedule.NextGeneration))
                    .Set(DynamoKeys.DueBucket, DynamoAttributes.S(DueBuckets.For(commit.EventId, reschedule.Until)))
                    .Set(DynamoKeys.DueAt, DynamoAttributes.Time(reschedule.Until));
                yield return new Write(EventKey(commit.EventId), update, $"attribute_exists({update.Name(DynamoKeys.Pk)})", false);
                break;
            }
        }
    }

    private sealed record Write(Dictionary<string, AttributeValue> Key, DynamoUpdate Update, string? Condition, bool DependsOnPrevious);
}
