using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Notify.Core.Templates;

namespace Notify.Worker.Delivery;

/// <summary>
/// An event type's templates, read with one query and kept for <see cref="DeliveryOptions.TemplateCacheDuration"/>: a
/// burst of one event type costs one read, not one per event. Concurrent misses share the read in flight.
/// </summary>
public sealed class TemplateCache(ITemplateStore store, TimeProvider time, IOptions<DeliveryOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<Template>> GetAsync(string eventType, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(eventType, out var entry) && entry.Until > now)
        {
            return await entry.Templates.WaitAsync(cancellationToken);
        }

        var fresh = new Entry(store.ListForEventTypeAsync(eventType, CancellationToken.None), now + options.Value.TemplateCacheDuration);
        var current = _entries.AddOrUpdate(eventType, fresh, (_, old) => old.Until > now ? old : fresh);
        try
        {
            return await current.Templates.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed read is not cached: the next event asks again.
            _entries.TryRemove(new KeyValuePair<string, Entry>(eventType, current));
            throw;
        }
    }

    private sealed record Entry(Task<IReadOnlyList<Template>> Templates, DateTimeOffset Until);
}
