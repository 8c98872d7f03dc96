using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Notify.ServiceDefaults.Health;

/// <summary>How long a readiness result is reused.</summary>
public sealed class ReadinessCacheOptions
{
    /// <summary>
    /// Load balancers and orchestrators probe every few seconds from several places; each readiness run calls AWS,
    /// so a result is reused for this long. Liveness checks (tagged <c>live</c>) are never cached.
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Wraps every readiness registration (anything not tagged <c>live</c>) in a cache, after all registrations are in:
/// the API and the worker add their AWS checks after <c>AddServiceDefaults</c>.
/// </summary>
internal sealed class CacheReadinessChecks(ReadinessResultCache cache, IOptions<ReadinessCacheOptions> options) : IPostConfigureOptions<HealthCheckServiceOptions>
{
    public void PostConfigure(string? name, HealthCheckServiceOptions healthOptions)
    {
        var duration = options.Value.Duration;
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        foreach (var registration in healthOptions.Registrations)
        {
            if (registration.Tags.Contains(HealthTags.Live))
            {
                continue;
            }

            var inner = registration.Factory;
            var key = registration.Name;
            registration.Factory = sp => new CachedHealthCheck(key, inner(sp), cache, duration);
        }
    }

    private sealed class CachedHealthCheck(string key, IHealthCheck inner, ReadinessResultCache cache, TimeSpan duration) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            cache.GetOrRunAsync(key, duration, ct => inner.CheckHealthAsync(context, ct), cancellationToken);
    }
}

/// <summary>
/// Results per check name. Concurrent probes share one run; only a completed run is reused, so a cancelled or
/// faulted run is retried by the next probe.
/// </summary>
internal sealed class ReadinessResultCache(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (Task<HealthCheckResult> Run, long StartedAt)> _entries = new(StringComparer.Ordinal);

    public Task<HealthCheckResult> GetOrRunAsync(string key, TimeSpan duration, Func<CancellationToken, Task<HealthCheckResult>> run, CancellationToken cancellationToken)
    {
        Task<HealthCheckResult> task;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) &&
                (!entry.Run.IsCompleted || (entry.Run.IsCompletedSuccessfully && time.GetElapsedTime(entry.StartedAt) < duration)))
            {
                task = entry.Run;
            }
            else
            {
                task = run(cancellationToken);
                _entries[key] = (task, time.GetTimestamp());
            }
        }

        return task.WaitAsync(cancellationToken);
    }
}
