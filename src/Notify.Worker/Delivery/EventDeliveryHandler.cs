using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Notify.Core;
using Notify.Core.DeadLetters;
using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Stats;
using Notify.Core.Templates;
using Notify.Core.Users;
using Notify.Worker.Lanes;

namespace Notify.Worker.Delivery;

/// <summary>
/// Delivers one lane message: loads the event's stored state, the user's profile and the event type's templates, plans
/// each channel (<see cref="DeliveryPlanner"/>), then for each channel to send claims its row, calls the provider and
/// records the outcome. The message is deleted once every channel is final or handed back to the scheduler (quiet
/// hours, rate limit); a transient failure keeps it and lets it come back with exponential backoff, and after
/// <c>maxReceiveCount</c> receives the lane's redrive policy moves it to the DLQ.
/// </summary>
/// <remarks>
/// Exactly-once as far as AWS allows: a channel whose row is final is never sent again, and a claim (a lease on the row)
/// is taken before every provider call. A claim found expired with no outcome is sent again for email and in-app (a
/// duplicate email is the lesser harm than a lost one) and recorded <c>unknown</c> for SMS and push, which cost money and
/// wake people up when duplicated. The same rule covers a provider call that timed out after the request left.
/// </remarks>
public sealed partial class EventDeliveryHandler(
    IEventStore events,
    IUserStore users,
    ISuppressionStore suppressions,
    IDeliveryStore store,
    TemplateCache templates,
    TemplateRenderer renderer,
    ChannelDispatcher dispatcher,
    IInboxNotifier inbox,
    DeliveryStatsAggregator deliveryStats,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    IOptions<RateLimitOptions> rateLimits,
    ILogger<EventDeliveryHandler> logger) : ILaneMessageHandler
{
    private readonly DeliveryOptions _options = options.Value;
    private readonly RateLimitOptions _rateLimits = rateLimits.Value;

    public async Task<MessageDisposition> HandleAsync(LaneMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var accepted = Parse(message.Body);
        if (accepted is null)
        {
            // Never readable, so never deliverable: straight back, so that its receives run out and the DLQ keeps it.
            LogUnreadable(message.Lane);
            return MessageDisposition.Release;
        }

        using var activity = DeliveryTelemetry.StartDelivery(accepted, message.TraceParent, message.TraceState);
        activity?.SetTag("messaging.message.delivery_count", message.ReceiveCount);
        var recordTask = events.GetAsync(accepted.EventId, cancellationToken);
        var profileTask = users.GetProfileAsync(accepted.UserId, cancellationToken);
        var templatesTask = templates.GetAsync(accepted.Submission.EventType, cancellationToken);
        await Task.WhenAll(recordTask, profileTask, templatesTask);
        var record = await recordTask;
        if (record?.Status == EventStatus.Cancelled
            || (record is { Status: EventStatus.Scheduled } && record.Event.Generation > accepted.Generation))
        {
            // Cancelled, or put back for later since this copy was sent: the later generation will come on its own.
            return MessageDisposition.Delete;
        }

        var run = new DeliveryRun(accepted, record, await profileTask, await templatesTask, time.GetUtcNow());
        await PlanAsync(run, cancellationToken);
        await SendAllAsync(run, message, cancellationToken);
        return await FinishAsync(run, message, cancellationToken);
    }

    private static AcceptedEvent? Parse(string? body)
    {
        try
        {
            return string.IsNullOrEmpty(body) ? null : JsonSerializer.Deserialize<AcceptedEvent>(body, NotifyJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task PlanAsync(DeliveryRun run, CancellationToken cancellationToken)
    {
        var existing = run.Record?.Notifications.ToDictionary(n => n.Channel) ?? [];
        var lookups = DeliveryPlanner.RequestedChannels(run.Event, run.Templates)
            .Where(c => c is Channel.Email or Channel.Sms && !(existing.TryGetValue(c, out var row) && row.Status.IsTerminal()))
            .Select(c => (Channel: c, Address: DeliveryPlanner.AddressFor(c, run.Event, run.Profile)))
            .Where(a => !string.IsNullOrEmpty(a.Address))
            .Select(async a => (a.Channel, a.Address, Suppressed: await suppressions.GetAsync(a.Channel, a.Address!, cancellationToken) is not null))
            .ToList();
        var suppressed = (await Task.WhenAll(lookups)).Where(l => l.Suppressed).Select(l => (l.Channel, l.Address!)).ToHashSet();
        var decisions = DeliveryPlanner.Plan(
            run.Event, run.Profile, run.Templates, existing, (c, a) => suppressed.Contains((c, a)), renderer, _options.DefaultLocale, run.Now);
        foreach (var decision in decisions)
        {
            switch (decision)
            {
                case ChannelDecision.AlreadyFinal final:
                    run.Final[final.Channel] = final.Status;
                    break;
                case ChannelDecision.Finish finish:
                    run.Pending.Add(run.Row(finish.Channel, finish.Status, finish.Reason, finish.Error, finish.Content, attempts: 0));
                    break;
                case ChannelDecision.Defer defer:
                    run.Defer(defer.Channel, defer.Until, defer.Reason);
                    break;
                case ChannelDecision.Send send:
                    run.Sends.Add(send);
                    break;
            }
        }
    }

    private async Task SendAllAsync(DeliveryRun run, LaneMessage message, CancellationToken cancellationToken)
    {
        for (var i = 0; i < run.Sends.Count; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Shutting down: what is not claimed yet waits for the next receive.
                run.RetryAfter(TimeSpan.Zero);
                return;
            }

            var send = run.Sends[i];
            var claim = await store.ClaimAsync(
                new ClaimRequest(run.Event, send.Channel, run.Now, run.Now + _options.ClaimLease, send.Channel is Channel.Email or Channel.InApp,
                    RateLimitFor(run, send.Channel), TakeEvent: false, send.Content),
                cancellationToken);
            switch (claim)
            {
                case ClaimOutcome.Claimed claimed:
                    await SendClaimedAsync(run, send, claimed.Attempt, isLast: i == run.Sends.Count - 1, message, cancellationToken);
                    break;
                case ClaimOutcome.AlreadyFinal final:
                    run.Final[send.Channel] = final.Status;
                    break;
                case ClaimOutcome.HeldElsewhere held:
                    run.RetryAfter(held.LeaseUntil - run.Now);
                    break;
                case ClaimOutcome.LeaseExpired:
                    run.Pending.Add(run.Row(send.Channel, NotificationStatus.Unknown, DeliveryReasons.LeaseExpired,
                        "A worker claimed it and stopped before recording an outcome; not re-sent, as it may have gone out.", send.Content, 0));
                    break;
                case ClaimOutcome.RateLimited limited:
                    run.Defer(send.Channel, limited.RetryAt, DeliveryReasons.RateLimited);
                    break;
            }
        }
    }

    private async Task SendClaimedAsync(DeliveryRun run, ChannelDecision.Send send, int attempt, bool isLast, LaneMessage message, CancellationToken cancellationToken)
    {
        SendResult result;
        var started = Stopwatch.GetTimestamp();
        using (var span = DeliveryTelemetry.StartSend(send.Channel))
        {
            try
            {
                result = await dispatcher.SendAsync(run.Event, send, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Cancelled by shutdown around the provider call: the outcome is unknown to us, so the claim stays and its
                // lease decides (email re-sent, SMS and push recorded unknown).
                run.RetryAfter(TimeSpan.Zero);
                return;
            }

            span?.SetTag("notify.result", ResultName(result));
        }

        DeliveryTelemetry.RecordProviderCall(send.Channel, ResultName(result), Stopwatch.GetElapsedTime(started));

        // From here on the provider has acted: the outcome is written even when shutdown is under way.
        var now = time.GetUtcNow();
        NotificationRecord row;
        ProviderMessageRef? reference = null;
        switch (result)
        {
            case SendResult.Accepted ok:
                row = run.Row(send.Channel, NotificationStatus.Sent, null, null, send.Content, attempt, now, ok.Simulated);
                if (send.Channel == Channel.Email && !ok.Simulated)
                {
                    reference = new ProviderMessageRef(ok.ProviderMessageId, run.Event.EventId, send.Channel, run.Event.UserId, run.Event.Submission.EventType);
                }

                break;
            case SendResult.Transient transient when transient.MayHaveBeenAccepted && send.Channel is Channel.Sms or Channel.Push:
                row = run.Row(send.Channel, NotificationStatus.Unknown, DeliveryReasons.ProviderRejected, transient.Error, send.Content, attempt, now);
                break;
            case SendResult.Transient transient:
                await store.ReleaseAsync(run.Event.EventId, send.Channel, transient.Error, now, CancellationToken.None);
                run.RetryAfter(Backoff(message.ReceiveCount));
                LogTransient(run.Event.EventId, send.Channel, message.ReceiveCount, transient.Error);
                return;
            case SendResult.Rejected rejected:
                if (rejected.Suppress && send.Address is { } address)
                {
                    await suppressions.PutAsync(new Suppression(send.Channel, address, rejected.Reason, now), CancellationToken.None);
                }

                row = run.Row(send.Channel, rejected.Suppress ? NotificationStatus.Suppressed : NotificationStatus.Failed, rejected.Reason, rejected.Error, send.Content, attempt, now);
                break;
            default:
                throw new InvalidOperationException("Unknown send result.");
        }

        // The last channel's outcome carries the rows decided without a provider call and the event's completion: one
        // write for the common single-channel event.
        if (isLast && run.CanComplete)
        {
            run.Pending.Add(row);
            await CommitAsync(run, reference, now);
        }
        else
        {
            await store.CommitAsync(new DeliveryCommit(run.Event.EventId, [row], reference, null, now), CancellationToken.None);
            run.Final[row.Channel] = row.Status;
            RecordFinal(row, run.Event, now);
        }

        if (row is { Channel: Channel.InApp, Status: NotificationStatus.Sent, Simulated: false })
        {
            await AnnounceAsync(run, send, now);
        }
    }

    private async Task<MessageDisposition> FinishAsync(DeliveryRun run, LaneMessage message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (run.Retry is { } delay)
        {
            // Rows decided without a provider call are final already; the rest comes back with the message. From now on
            // SQS owns the retries, so the event leaves the sweeper's due index (the happy path never needs this write:
            // completing removes it).
            var take = run.Record is { Status: EventStatus.Received or EventStatus.Scheduled or EventStatus.Failed };
            if (run.Pending.Count > 0 || take)
            {
                await store.CommitAsync(new DeliveryCommit(run.Event.EventId, [.. run.Pending], null, take ? new EventUpdate.Processing() : null, now), CancellationToken.None);
                run.Pending.ForEach(row => RecordFinal(row, run.Event, now));
                run.Pending.Clear();
            }

            return delay <= TimeSpan.Zero ? MessageDisposition.Release : new MessageDisposition.RetryAfter(delay);
        }

        if (run.Deferred.Count > 0)
        {
            if (run.Record is null)
            {
                // No stored event to reschedule: keep the message invisible until then instead.
                return new MessageDisposition.RetryAfter(run.DeferUntil!.Value - now);
            }

            var next = Math.Max(run.Event.Generation, run.Record.Event.Generation) + 1;
            var rows = run.Pending.Concat(run.Deferred).ToList();
            await store.CommitAsync(new DeliveryCommit(run.Event.EventId, rows, null, new EventUpdate.Reschedule(run.DeferUntil!.Value, next), now), CancellationToken.None);
            LogDeferred(run.Event.EventId, run.DeferUntil.Value, string.Join(", ", run.Deferred.Select(d => d.Reason).Distinct()));
            return MessageDisposition.Delete;
        }

        if (run.Pending.Count > 0 || !run.Completed)
        {
            await CommitAsync(run, null, now);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return MessageDisposition.Delete;
    }

    /// <summary>Writes the pending rows and, when every channel is final, the event's overall status.</summary>
    private async Task CommitAsync(DeliveryRun run, ProviderMessageRef? reference, DateTimeOffset now)
    {
        foreach (var row in run.Pending)
        {
            run.Final[row.Channel] = row.Status;
        }

        var status = EventOutcome.Derive(run.Final.Values);
        var update = status is { } s && run.Record is not null ? new EventUpdate.Complete(s) : null;
        await store.CommitAsync(new DeliveryCommit(run.Event.EventId, [.. run.Pending], reference, update, now), CancellationToken.None);
        foreach (var row in run.Pending)
        {
            RecordFinal(row, run.Event, now);
        }

        run.Pending.Clear();
        run.Completed |= update is not null || run.Record is null;
    }

    private async Task AnnounceAsync(DeliveryRun run, ChannelDecision.Send send, DateTimeOffset now)
    {
        try
        {
            await inbox.NotifyStoredAsync(
                new InboxItemStored(run.Event.UserId, NotificationId.Format(run.Event.EventId, Channel.InApp), run.Event.EventId,
                    run.Event.Submission.EventType, send.Content.Title, send.Content.Body, now),
                CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Live updates are best effort; the inbox itself is stored.
            LogAnnounceFailed(run.Event.EventId, e);
        }
    }

    private RateLimitCharge? RateLimitFor(DeliveryRun run, Channel channel)
    {
        var accepted = run.Event;
        var now = run.Now;
        if (accepted.Priority == Priority.High && _rateLimits.HighPriorityBypasses)
        {
            return null;
        }

        // A notification counts once: a row claimed before was charged then, and its retries (transient failures, a
        // redrive) must not use up the user's window, or one flaky send would hold back the user's next notifications.
        if (run.Record?.Notifications.Any(n => n.Channel == channel && n.Attempts > 0) == true)
        {
            return null;
        }

        var type = accepted.Submission.EventType;
        var (scope, limit) = _rateLimits.EventTypes.TryGetValue(type, out var own) ? (type, own) : ("*", _rateLimits.PerUser);
        var window = _rateLimits.Window;
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % window.Ticks), TimeSpan.Zero);
        return new RateLimitCharge(scope, start, window, limit);
    }

    /// <summary>A row reached its final status: the metric, and the per-minute counts the dashboard charts.</summary>
    private void RecordFinal(NotificationRecord row, AcceptedEvent accepted, DateTimeOffset now)
    {
        DeliveryTelemetry.RecordFinal(row, accepted, now);
        deliveryStats.Add(now, row.Channel, row.Status);
    }

    private TimeSpan Backoff(int receiveCount) =>
        RetryBackoff.ForReceiveCount(receiveCount, Random.Shared.NextDouble(), _options.RetryBaseDelay, _options.RetryMaxDelay);

    private static string ResultName(SendResult result) => result switch
    {
        SendResult.Accepted => "accepted",
        SendResult.Transient => "transient",
        _ => "rejected",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "A message on the {Lane} lane is not an event; it goes to the DLQ once its receives run out")]
    private partial void LogUnreadable(Priority lane);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId}: {Channel} failed transiently on receive {ReceiveCount}: {Error}; retrying with backoff")]
    private partial void LogTransient(string eventId, Channel channel, int receiveCount, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} deferred until {Until} ({Reasons})")]
    private partial void LogDeferred(string eventId, DateTimeOffset until, string reasons);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId}: the inbox item is stored but could not be announced")]
    private partial void LogAnnounceFailed(string eventId, Exception exception);
}
