using System.Globalization;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Volume;

/// <summary>
/// A system of its own for one volume run (a fresh moto: its Query walks every item, so a run must not inherit another's).
/// The fast settings, except: the sweep every 10 s and after the 5-minute sweep delay, as by default (each sweep is 8
/// Queries that walk the table; a 2,000-event run's backlog is older than the delay, which once gave its lanes a second
/// copy of every waiting event before the API marked what its lane took); the template cache as by default; and a
/// per-user limit no run reaches in hour-long windows (a run's users get 20 events each within minutes, and every window
/// adds a counter item per user to the table each Query walks; rate limiting has its own scenario).
/// </summary>
public class VolumeFixture : EndToEndFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>(FastSettings, StringComparer.Ordinal)
            {
                ["Notify:Sweep:Interval"] = "00:00:10",
                ["Notify:Store:SweepDelay"] = "00:05:00",
                ["Notify:Worker:Delivery:TemplateCacheDuration"] = "00:00:15",
                ["Notify:Worker:RateLimits:PerUser"] = "100000",
                ["Notify:Worker:RateLimits:Window"] = "01:00:00",
            };
            foreach (var (key, value) in RunSettings)
            {
                settings[key] = value;
            }

            return settings;
        }
    }

    /// <summary>What a derived run changes on top.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> RunSettings => [];

    /// <summary>A deadline that scales with the run: moto delivers a few notifications a second, less as its tables grow.</summary>
    public static TimeSpan DrainTimeout => TimeSpan.FromSeconds(180 + (VolumeRun.Events * 0.6));
}

public sealed class SteadyLoadFixture : VolumeFixture;

public sealed class AwsFaultsFixture : VolumeFixture;

/// <summary>
/// Claims and lane messages a kill cuts come back within seconds: the shortest claim lease the options allow and a lane
/// visibility of the same length (renewed every 2 s while a handler runs), as the worker's own crash test does.
/// </summary>
public sealed class WorkerCrashFixture : VolumeFixture
{
    public const int LaneConcurrency = 16;

    protected override IEnumerable<KeyValuePair<string, string?>> RunSettings =>
    [
        new("Notify:Worker:Delivery:ClaimLease", "00:00:05"),
        new("Notify:Worker:Lanes:VisibilityTimeout", "00:00:05"),
        new("Notify:Worker:Lanes:ExtendAfter", "00:00:02"),
        new("Notify:Worker:Lanes:MaxConcurrency", LaneConcurrency.ToString(CultureInfo.InvariantCulture)),
    ];
}
