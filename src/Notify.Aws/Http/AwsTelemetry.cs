using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Notify.Aws.Http;

/// <summary>Spans and meters of the AWS client layer; ServiceDefaults subscribes to both names.</summary>
public static class AwsTelemetry
{
    public const string Name = "Notify.Aws";

    public static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);

    /// <summary>Every HTTP attempt, retries included: the figure benchmarks divide by accepted events.</summary>
    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "notify.aws.requests", unit: "{request}", description: "HTTP requests sent to AWS services, retries included.");

    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "notify.aws.retries", unit: "{retry}", description: "AWS calls retried after throttling, 5xx or a transient network error.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "notify.aws.call.duration", unit: "s", description: "Duration of AWS calls, retries included.");
}
