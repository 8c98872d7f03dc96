using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Notify.ServiceDefaults.Prometheus;

/// <summary>The two exposition formats <c>/metrics</c> serves.</summary>
public enum PrometheusFormat
{
    /// <summary>The classic text format, <c>text/plain; version=0.0.4</c>.</summary>
    Text004,

    /// <summary>OpenMetrics 1.0, served when the scraper asks for <c>application/openmetrics-text</c>.</summary>
    OpenMetrics100,
}

/// <summary>
/// Writes one collection of OpenTelemetry metrics in both exposition formats. It runs inside the exporter's
/// <c>Export</c> call because the SDK's metric points are only valid there.
/// </summary>
internal static class PrometheusText
{
    public const string Text004ContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static (byte[] Text004, byte[] OpenMetrics) Write(in Batch<Metric> batch, Resource? resource)
    {
        var families = Group(batch);
        return (Utf8.GetBytes(Render(families, resource, openMetrics: false)), Utf8.GetBytes(Render(families, resource, openMetrics: true)));
    }

    private sealed class Family(string name, PrometheusType type, string? unit, string help)
    {
        public string Name { get; } = name;
        public PrometheusType Type { get; } = type;
        public string? Unit { get; } = unit;
        public string Help { get; } = help;
        public List<Metric> Metrics { get; } = [];
    }

    private static List<Family> Group(in Batch<Metric> batch)
    {
        var families = new List<Family>();
        var byName = new Dictionary<string, Family>(StringComparer.Ordinal);
        foreach (var metric in batch)
        {
            PrometheusType type;
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.DoubleSum:
                    type = PrometheusType.Counter;
                    break;
                case MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic or MetricType.LongGauge or MetricType.DoubleGauge:
                    type = PrometheusType.Gauge;
                    break;
                case MetricType.Histogram:
                    type = PrometheusType.Histogram;
                    break;
                default:
                    // Exponential histograms have no representation in either text format.
                    continue;
            }

            var (name, unit) = PrometheusNames.Family(metric.Name, metric.Unit, type);
            if (name == "target_info" || name == "target")
            {
                continue;
            }

            if (byName.TryGetValue(name, out var family))
            {
                // Two meters may produce one Prometheus name: same type merges into one family (samples differ by
                // otel_scope_name); a type clash would make the whole exposition invalid, so the later one is dropped.
                if (family.Type == type)
                {
                    family.Metrics.Add(metric);
                }

                continue;
            }

            var help = string.IsNullOrWhiteSpace(metric.Description) ? metric.Name : metric.Description;
            family = new Family(name, type, unit, help);
            family.Metrics.Add(metric);
            byName[name] = family;
            families.Add(family);
        }

        return families;
    }

    private static string Render(List<Family> families, Resource? resource, bool openMetrics)
    {
        var sb = new StringBuilder(4096);
        WriteTargetInfo(sb, resource, openMetrics);

        foreach (var family in families)
        {
            var typeWord = family.Type switch
            {
                PrometheusType.Counter => "counter",
                PrometheusType.Histogram => "histogram",
                _ => "gauge",
            };

            // In 0.0.4 a counter's family is named after its sample (x_total); OpenMetrics names the family x.
            var headerName = family.Type == PrometheusType.Counter && !openMetrics ? family.Name + "_total" : family.Name;
            if (openMetrics)
            {
                sb.Append("# TYPE ").Append(headerName).Append(' ').Append(typeWord).Append('\n');
                if (family.Unit is not null && family.Name.EndsWith("_" + family.Unit, StringComparison.Ordinal))
                {
                    sb.Append("# UNIT ").Append(headerName).Append(' ').Append(family.Unit).Append('\n');
                }

                sb.Append("# HELP ").Append(headerName).Append(' ');
                AppendEscaped(sb, family.Help, escapeQuotes: true);
                sb.Append('\n');
            }
            else
            {
                sb.Append("# HELP ").Append(headerName).Append(' ');
                AppendEscaped(sb, family.Help, escapeQuotes: false);
                sb.Append('\n');
                sb.Append("# TYPE ").Append(headerName).Append(' ').Append(typeWord).Append('\n');
            }

            foreach (var metric in family.Metrics)
            {
                WriteSamples(sb, family, metric);
            }
        }

        if (openMetrics)
        {
            sb.Append("# EOF\n");
        }

        return sb.ToString();
    }

    private static void WriteTargetInfo(StringBuilder sb, Resource? resource, bool openMetrics)
    {
        var labels = new List<KeyValuePair<string, object?>>();
        if (resource is not null)
        {
            foreach (var attribute in resource.Attributes)
            {
                labels.Add(new(attribute.Key, attribute.Value));
            }
        }

        if (labels.Count == 0)
        {
            return;
        }

        if (openMetrics)
        {
            sb.Append("# TYPE target info\n# HELP target Target metadata\n");
        }
        else
        {
            sb.Append("# HELP target_info Target metadata\n# TYPE target_info gauge\n");
        }

        sb.Append("target_info");
        AppendLabels(sb, Labels(labels), extraName: null, extraValue: null);
        sb.Append(" 1\n");
    }

    private static void WriteSamples(StringBuilder sb, Family family, Metric metric)
    {
        var scope = new List<KeyValuePair<string, object?>> { new("otel_scope_name", metric.MeterName) };
        if (!string.IsNullOrEmpty(metric.MeterVersion))
        {
            scope.Add(new("otel_scope_version", metric.MeterVersion));
        }

        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new List<KeyValuePair<string, object?>>(scope);
            foreach (var tag in point.Tags)
            {
                tags.Add(new(tag.Key, tag.Value));
            }

            var labels = Labels(tags);
            switch (family.Type)
            {
                case PrometheusType.Counter:
                    sb.Append(family.Name).Append("_total");
                    AppendLabels(sb, labels, null, null);
                    sb.Append(' ');
                    AppendValue(sb, metric, in point);
                    sb.Append('\n');
                    break;

                case PrometheusType.Gauge:
                    sb.Append(family.Name);
                    AppendLabels(sb, labels, null, null);
                    sb.Append(' ');
                    AppendValue(sb, metric, in point);
                    sb.Append('\n');
                    break;

                case PrometheusType.Histogram:
                    long cumulative = 0;
                    var sawInfinity = false;
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        cumulative += bucket.BucketCount;
                        sawInfinity |= double.IsPositiveInfinity(bucket.ExplicitBound);
                        sb.Append(family.Name).Append("_bucket");
                        AppendLabels(sb, labels, "le", FormatDouble(bucket.ExplicitBound));
                        sb.Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }

                    var count = point.GetHistogramCount();
                    if (!sawInfinity)
                    {
                        sb.Append(family.Name).Append("_bucket");
                        AppendLabels(sb, labels, "le", "+Inf");
                        sb.Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }

                    sb.Append(family.Name).Append("_sum");
                    AppendLabels(sb, labels, null, null);
                    sb.Append(' ').Append(FormatDouble(point.GetHistogramSum())).Append('\n');
                    sb.Append(family.Name).Append("_count");
                    AppendLabels(sb, labels, null, null);
                    sb.Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    break;
            }
        }
    }

    private static void AppendValue(StringBuilder sb, Metric metric, in MetricPoint point)
    {
        switch (metric.MetricType)
        {
            case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                sb.Append(point.GetSumLong().ToString(CultureInfo.InvariantCulture));
                break;
            case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                sb.Append(FormatDouble(point.GetSumDouble()));
                break;
            case MetricType.LongGauge:
                sb.Append(point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture));
                break;
            default:
                sb.Append(FormatDouble(point.GetGaugeLastValueDouble()));
                break;
        }
    }

    /// <summary>
    /// Sanitised label names with their values; keys that sanitise to the same name are merged with <c>;</c>
    /// (in the order of the original keys), as the specification asks.
    /// </summary>
    private static List<KeyValuePair<string, string>> Labels(List<KeyValuePair<string, object?>> tags)
    {
        var result = new List<KeyValuePair<string, string>>(tags.Count);
        if (tags.Count > 1)
        {
            tags.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        foreach (var tag in tags)
        {
            var name = PrometheusNames.LabelName(tag.Key);
            var value = LabelValue(tag.Value);
            var existing = result.FindIndex(l => l.Key == name);
            if (existing >= 0)
            {
                result[existing] = new(name, result[existing].Value + ";" + value);
            }
            else
            {
                result.Add(new(name, value));
            }
        }

        return result;
    }

    private static string LabelValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => string.Join(",", e.Cast<object?>().Select(LabelValue)),
        _ => value.ToString() ?? "",
    };

    private static void AppendLabels(StringBuilder sb, List<KeyValuePair<string, string>> labels, string? extraName, string? extraValue)
    {
        if (labels.Count == 0 && extraName is null)
        {
            return;
        }

        sb.Append('{');
        var first = true;
        foreach (var label in labels)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            sb.Append(label.Key).Append("=\"");
            AppendEscaped(sb, label.Value, escapeQuotes: true);
            sb.Append('"');
        }

        if (extraName is not null)
        {
            if (!first)
            {
                sb.Append(',');
            }

            sb.Append(extraName).Append("=\"").Append(extraValue).Append('"');
        }

        sb.Append('}');
    }

    private static void AppendEscaped(StringBuilder sb, string value, bool escapeQuotes)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '"' when escapeQuotes:
                    sb.Append("\\\"");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
    }

    internal static string FormatDouble(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        return double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);
    }
}
