using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace Notify.ServiceDefaults.Telemetry;

/// <summary>
/// Drops the server span of a health probe or a scrape (<c>/health</c>, <c>/alive</c>, <c>/metrics</c>) at creation,
/// so neither it nor anything the probe causes (an AWS readiness call) reaches a trace: a dropped parent makes the
/// parent-based sampler drop its children too. ASP.NET Core passes <c>url.path</c> to samplers only with its
/// OpenTelemetry tags enabled (see <see cref="NotifyTelemetry.EnableAspNetCoreTags"/>).
/// </summary>
internal sealed class HealthProbeSampler(Sampler inner, IReadOnlyList<string> probePaths) : Sampler
{
    public const string AspNetCoreActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.Kind == ActivityKind.Server &&
            samplingParameters.Name == AspNetCoreActivityName &&
            samplingParameters.Tags is { } tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "url.path" && tag.Value is string path && IsProbe(path))
                {
                    return Drop;
                }
            }
        }

        return inner.ShouldSample(samplingParameters);
    }

    private bool IsProbe(string path)
    {
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        foreach (var probe in probePaths)
        {
            if (string.Equals(trimmed, probe, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The root sampler OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG name (the SDK would read them itself, but only
    /// when no sampler is set, and this one is); parent-based always-on by default.
    /// </summary>
    public static Sampler FromConfiguration(IConfiguration configuration)
    {
        var name = configuration["OTEL_TRACES_SAMPLER"]?.Trim().ToLowerInvariant();
        var ratio = double.TryParse(configuration["OTEL_TRACES_SAMPLER_ARG"], NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1 ? r : 1.0;
        return name switch
        {
            "always_on" => new AlwaysOnSampler(),
            "always_off" => new AlwaysOffSampler(),
            "traceidratio" => new TraceIdRatioBasedSampler(ratio),
            "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
            "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)),
            _ => new ParentBasedSampler(new AlwaysOnSampler()),
        };
    }
}
