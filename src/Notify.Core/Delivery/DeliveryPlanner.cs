using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Templates;
using Notify.Core.Users;

namespace Notify.Core.Delivery;

/// <summary>What to do with one channel of an event, decided before any write or provider call.</summary>
public abstract record ChannelDecision(Channel Channel)
{
    /// <summary>The row already has an outcome (a redelivered or redriven message): leave it.</summary>
    public sealed record AlreadyFinal(Channel Channel, NotificationStatus Status) : ChannelDecision(Channel);

    /// <summary>Final without a provider call: skipped (opted out, expired, unreachable), suppressed, or failed (template).</summary>
    public sealed record Finish(Channel Channel, NotificationStatus Status, string Reason, string? Error, RenderedContent? Content) : ChannelDecision(Channel);

    /// <summary>Not now: quiet hours. The event goes back to the scheduler until <paramref name="Until"/>.</summary>
    public sealed record Defer(Channel Channel, DateTimeOffset Until, string Reason) : ChannelDecision(Channel);

    /// <summary>
    /// Send <paramref name="Content"/> to <paramref name="Address"/> (email or phone) or to each of <paramref name="Devices"/>
    /// (push); in-app needs neither.
    /// </summary>
    public sealed record Send(Channel Channel, RenderedContent Content, string? Address, IReadOnlyList<Device> Devices) : ChannelDecision(Channel);
}

/// <summary>
/// Decides each channel of an event: requested channels ∩ opted-in ∩ reachable, rendered in the user's locale with
/// fallback, held back by quiet hours for low priority, dropped past <c>notAfter</c>. Pure: the worker loads what it
/// needs (profile, templates, suppressions, existing rows) and carries out the decisions.
/// </summary>
/// <remarks>
/// An event that names no channels uses the channels its event type has templates for; with no template at all it
/// asks for every channel, so the missing templates show as <c>template_missing</c> rather than as silence.
/// Quiet hours hold every channel of a low-priority event (in-app included: the badge and the live push to an open
/// page are interruptions too); high priority always goes through.
/// </remarks>
public static class DeliveryPlanner
{
    private static readonly Channel[] AllChannels = Enum.GetValues<Channel>();

    public static IReadOnlyList<Channel> RequestedChannels(AcceptedEvent accepted, IReadOnlyList<Template> templates)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(templates);
        if (accepted.Submission.Channels is { Count: > 0 } named)
        {
            return named;
        }

        var templated = AllChannels.Where(c => templates.Any(t => t.Channel == c)).ToList();
        return templated.Count > 0 ? templated : AllChannels;
    }

    /// <summary>The address each channel would use (the event's recipient overrides the stored contact); null when none.</summary>
    public static string? AddressFor(Channel channel, AcceptedEvent accepted, UserProfile profile)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(profile);
        return channel switch
        {
            Channel.Email => accepted.Submission.Recipient?.Email ?? profile.Contact?.Email,
            Channel.Sms => accepted.Submission.Recipient?.Phone ?? profile.Contact?.Phone,
            _ => null,
        };
    }

    /// <param name="existing">The event's rows already stored, by channel.</param>
    /// <param name="isSuppressed">Whether a (channel, address) is on the suppression list.</param>
    public static IReadOnlyList<ChannelDecision> Plan(
        AcceptedEvent accepted,
        UserProfile profile,
        IReadOnlyList<Template> templates,
        IReadOnlyDictionary<Channel, NotificationRecord> existing,
        Func<Channel, string, bool> isSuppressed,
        TemplateRenderer renderer,
        string defaultLocale,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(isSuppressed);
        ArgumentNullException.ThrowIfNull(renderer);
        var decisions = new List<ChannelDecision>();
        foreach (var channel in RequestedChannels(accepted, templates))
        {
            decisions.Add(Decide(channel, accepted, profile, templates, existing, isSuppressed, renderer, defaultLocale, now));
        }

        return decisions;
    }

    private static ChannelDecision Decide(
        Channel channel,
        AcceptedEvent accepted,
        UserProfile profile,
        IReadOnlyList<Template> templates,
        IReadOnlyDictionary<Channel, NotificationRecord> existing,
        Func<Channel, string, bool> isSuppressed,
        TemplateRenderer renderer,
        string defaultLocale,
        DateTimeOffset now)
    {
        if (existing.TryGetValue(channel, out var row) && row.Status.IsTerminal())
        {
            return new ChannelDecision.AlreadyFinal(channel, row.Status);
        }

        var submission = accepted.Submission;
        if (submission.NotAfter is { } deadline && now > deadline)
        {
            return new ChannelDecision.Finish(channel, NotificationStatus.Skipped, DeliveryReasons.Expired, $"Past its notAfter deadline {deadline:O}.", null);
        }

        if (!profile.Preferences.Allows(submission.EventType, channel))
        {
            return new ChannelDecision.Finish(channel, NotificationStatus.Skipped, DeliveryReasons.OptedOut, null, null);
        }

        var address = AddressFor(channel, accepted, profile);
        var devices = channel == Channel.Push ? profile.Devices.Where(d => d.Enabled).ToList() : [];
        switch (channel)
        {
            case Channel.Email or Channel.Sms when string.IsNullOrEmpty(address):
                return new ChannelDecision.Finish(channel, NotificationStatus.Skipped, DeliveryReasons.NoAddress, null, null);
            case Channel.Push when devices.Count == 0:
                return new ChannelDecision.Finish(channel, NotificationStatus.Skipped, DeliveryReasons.NoDevice, null, null);
            case Channel.Email or Channel.Sms when isSuppressed(channel, address!):
                return new ChannelDecision.Finish(channel, NotificationStatus.Suppressed, DeliveryReasons.Suppressed, "The address is on the suppression list.", null);
        }

        RenderedContent content;
        switch (renderer.Render(templates, channel, profile.Contact?.Locale, defaultLocale, submission.Payload))
        {
            case RenderOutcome.Rendered rendered:
                content = rendered.Content;
                break;
            case RenderOutcome.TemplateMissing missing:
                return new ChannelDecision.Finish(
                    channel, NotificationStatus.Failed, DeliveryReasons.TemplateMissing, $"No template for locales {string.Join(", ", missing.LocalesTried)}.", null);
            case RenderOutcome.RenderFailed failed:
                return new ChannelDecision.Finish(channel, NotificationStatus.Failed, DeliveryReasons.RenderFailed, failed.Reason, null);
            default:
                throw new InvalidOperationException("Unknown render outcome.");
        }

        if (accepted.Priority == Priority.Low && profile.Preferences.QuietHours?.EndAfter(now) is { } quietUntil)
        {
            return new ChannelDecision.Defer(channel, quietUntil, DeliveryReasons.QuietHours);
        }

        return new ChannelDecision.Send(channel, content, address, devices);
    }
}

/// <summary>An event's overall status from its channels' statuses.</summary>
public static class EventOutcome
{
    /// <summary>
    /// Null while a channel is still open. Otherwise <c>completed</c> when nothing failed (skipped channels do not count
    /// as failures: the user chose them away or could not be reached), <c>failed</c> when something failed and nothing
    /// reached the user (sent or delivered), <c>partially_failed</c> in between. Suppressed, <c>unknown</c>, bounced and
    /// complained count as failed: the operator should look at them.
    /// </summary>
    public static EventStatus? Derive(IEnumerable<NotificationStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var list = statuses.ToList();
        if (list.Any(s => !s.IsTerminal()))
        {
            return null;
        }

        var failed = list.Count(s => s is NotificationStatus.Failed or NotificationStatus.Suppressed or NotificationStatus.Unknown
            or NotificationStatus.Bounced or NotificationStatus.Complained);
        var reached = list.Count(s => s is NotificationStatus.Sent or NotificationStatus.Delivered);
        return failed == 0 ? EventStatus.Completed : reached == 0 ? EventStatus.Failed : EventStatus.PartiallyFailed;
    }
}
