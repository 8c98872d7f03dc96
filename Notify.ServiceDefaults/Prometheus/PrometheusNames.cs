using System.Text;

namespace Notify.ServiceDefaults.Prometheus;

/// <summary>The kinds of family the exposition writes; up-down counters are gauges in Prometheus.</summary>
internal enum PrometheusType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>
/// OpenTelemetry names and units to Prometheus names, per the OpenTelemetry "Prometheus and OpenMetrics
/// compatibility" specification: invalid characters become <c>_</c>, the unit becomes a suffix
/// (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>, <c>{request}</c> annotations dropped, <c>1</c> → <c>_ratio</c>
/// on gauges only), and monotonic sums end in <c>_total</c>.
/// </summary>
internal static class PrometheusNames
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["TiBy"] = "tibibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["TBy"] = "terabytes",
        ["m"] = "meters",
        ["V"] = "volts",
        ["A"] = "amperes",
        ["J"] = "joules",
        ["W"] = "watts",
        ["g"] = "grams",
        ["Cel"] = "celsius",
        ["Hz"] = "hertz",
        ["%"] = "percent",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["m"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
        ["w"] = "week",
        ["mo"] = "month",
        ["y"] = "year",
    };

    /// <summary>
    /// The family name (without <c>_total</c>: the OpenMetrics family name) and the unit it ends with, if any.
    /// </summary>
    public static (string Family, string? Unit) Family(string name, string? unit, PrometheusType type)
    {
        var family = MetricName(name);
        var promUnit = Unit(unit, type);

        // The counter suffix is added per format; a name that already carries it would otherwise get it twice.
        if (type == PrometheusType.Counter && family.EndsWith("_total", StringComparison.Ordinal) && family.Length > "_total".Length)
        {
            family = family[..^"_total".Length];
        }

        if (promUnit is not null && !family.EndsWith("_" + promUnit, StringComparison.Ordinal) && family != promUnit)
        {
            family = family + "_" + promUnit;
        }

        // Prometheus reserves _count, _sum and _bucket for histogram series: a gauge with such a name would collide
        // with a histogram of the stem's name and fails promtool's lint (.NET's dotnet.timer.count is one).
        if (type == PrometheusType.Gauge && promUnit is null &&
            (family.EndsWith("_count", StringComparison.Ordinal) || family.EndsWith("_sum", StringComparison.Ordinal) || family.EndsWith("_bucket", StringComparison.Ordinal)))
        {
            family += "_current";
        }

        return (family, promUnit);
    }

    /// <summary>[a-zA-Z_:][a-zA-Z0-9_:]*, invalid characters replaced and runs of underscores collapsed.</summary>
    public static string MetricName(string name) => Sanitize(name, allowColon: true, digitPrefix: "_");

    /// <summary>[a-zA-Z_][a-zA-Z0-9_]*; a key starting with a digit gets <c>key_</c> in front.</summary>
    public static string LabelName(string name) => Sanitize(name, allowColon: false, digitPrefix: "key_");

    /// <summary>The Prometheus unit word for a UCUM unit, or null when the metric gets no unit suffix.</summary>
    public static string? Unit(string? unit, PrometheusType type)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return null;
        }

        var u = RemoveAnnotations(unit).Trim();
        if (u.Length == 0)
        {
            return null;
        }

        if (u == "1")
        {
            return type == PrometheusType.Gauge ? "ratio" : null;
        }

        if (Units.TryGetValue(u, out var word))
        {
            return word;
        }

        var slash = u.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && slash < u.Length - 1)
        {
            var left = u[..slash];
            var right = u[(slash + 1)..];
            var l = Units.TryGetValue(left, out var lw) ? lw : left;
            var r = PerUnits.TryGetValue(right, out var rw) ? rw : right;
            u = l + "_per_" + r;
        }

        var sanitized = Sanitize(u, allowColon: false, digitPrefix: "").Trim('_');
        return sanitized.Length == 0 ? null : sanitized;
    }

    private static string RemoveAnnotations(string unit)
    {
        if (!unit.Contains('{', StringComparison.Ordinal))
        {
            return unit;
        }

        var sb = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static string Sanitize(string name, bool allowColon, string digitPrefix)
    {
        var sb = new StringBuilder(name.Length + digitPrefix.Length);
        foreach (var c in name)
        {
            var valid = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && sb.Length > 0 && sb[^1] == '_')
            {
                continue;
            }

            sb.Append(next);
        }

        if (sb.Length == 0)
        {
            return "_";
        }

        if (char.IsAsciiDigit(sb[0]))
        {
            sb.Insert(0, digitPrefix.Length == 0 ? "_" : digitPrefix);
        }

        return sb.ToString();
    }
}
