using System.Collections.Frozen;

namespace Notify.Core.Events;

/// <summary>An event's lane: its explicit <c>priority</c>, else its event type's configured default, else low.</summary>
public sealed class PriorityResolver
{
    private readonly FrozenDictionary<string, Priority> defaults;

    /// <param name="eventTypeDefaults">Default priority per event type (exact, case-sensitive event type names).</param>
    public PriorityResolver(IEnumerable<KeyValuePair<string, Priority>> eventTypeDefaults)
    {
        ArgumentNullException.ThrowIfNull(eventTypeDefaults);
        defaults = eventTypeDefaults.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>No configured defaults: explicit priority, else low.</summary>
    public static PriorityResolver Empty { get; } = new([]);

    public Priority Resolve(EventSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return Resolve(submission.Priority, submission.EventType);
    }

    public Priority Resolve(Priority? requested, string eventType) =>
        requested ?? (defaults.TryGetValue(eventType, out var configured) ? configured : Priority.Low);
}
