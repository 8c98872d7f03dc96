using System.Text;

namespace Notify.ServiceDefaults.Tests.Fixtures;

/// <summary>
/// Just enough protobuf to read OTLP export requests (opentelemetry-proto's collector/*/v1 messages): a wire-format
/// field reader and the few paths the tests need, so no protobuf package is required.
/// </summary>
public static class Otlp
{
    public sealed record Span(IReadOnlyDictionary<string, string> Resource, string Name, string TraceId, IReadOnlyDictionary<string, string> Attributes);

    public sealed record MetricData(IReadOnlyDictionary<string, string> Resource, string Scope, string Name);

    public sealed record LogRecord(IReadOnlyDictionary<string, string> Resource, string Body);

    /// <summary>ExportTraceServiceRequest: resource_spans(1) → resource(1), scope_spans(2) → spans(2).</summary>
    public static IEnumerable<Span> Spans(byte[] body)
    {
        foreach (var resourceSpans in Messages(body, 1))
        {
            var resource = Resource(resourceSpans);
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                foreach (var span in Messages(scopeSpans, 2))
                {
                    var traceId = Convert.ToHexStringLower(Messages(span, 1).FirstOrDefault().Span);
                    yield return new Span(resource, String(span, 5) ?? "", traceId, Attributes(span, 9));
                }
            }
        }
    }

    /// <summary>ExportMetricsServiceRequest: resource_metrics(1) → resource(1), scope_metrics(2) → scope(1), metrics(2) → name(1).</summary>
    public static IEnumerable<MetricData> Metrics(byte[] body)
    {
        foreach (var resourceMetrics in Messages(body, 1))
        {
            var resource = Resource(resourceMetrics);
            foreach (var scopeMetrics in Messages(resourceMetrics, 2))
            {
                var scope = Messages(scopeMetrics, 1).Select(s => String(s, 1)).FirstOrDefault() ?? "";
                foreach (var metric in Messages(scopeMetrics, 2))
                {
                    yield return new MetricData(resource, scope, String(metric, 1) ?? "");
                }
            }
        }
    }

    /// <summary>ExportLogsServiceRequest: resource_logs(1) → resource(1), scope_logs(2) → log_records(2) → body(5).</summary>
    public static IEnumerable<LogRecord> Logs(byte[] body)
    {
        foreach (var resourceLogs in Messages(body, 1))
        {
            var resource = Resource(resourceLogs);
            foreach (var scopeLogs in Messages(resourceLogs, 2))
            {
                foreach (var record in Messages(scopeLogs, 2))
                {
                    var value = Messages(record, 5).Select(AnyValue).FirstOrDefault();
                    yield return new LogRecord(resource, value ?? "");
                }
            }
        }
    }

    private static Dictionary<string, string> Resource(ReadOnlyMemory<byte> parent) =>
        Messages(parent, 1).Select(r => Attributes(r, 1)).FirstOrDefault() ?? [];

    /// <summary>Repeated KeyValue { key = 1; AnyValue value = 2 }.</summary>
    private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in Messages(message, field))
        {
            var key = String(kv, 1);
            var value = Messages(kv, 2).Select(AnyValue).FirstOrDefault();
            if (key is not null)
            {
                result[key] = value ?? "";
            }
        }

        return result;
    }

    /// <summary>AnyValue: string_value = 1, bool_value = 2, int_value = 3 (others are not needed here).</summary>
    private static string? AnyValue(ReadOnlyMemory<byte> value)
    {
        foreach (var f in Fields(value))
        {
            switch (f.Number)
            {
                case 1 when f.WireType == 2:
                    return Encoding.UTF8.GetString(f.Bytes.Span);
                case 2 when f.WireType == 0:
                    return f.Varint != 0 ? "true" : "false";
                case 3 when f.WireType == 0:
                    return ((long)f.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static string? String(ReadOnlyMemory<byte> message, int field) =>
        Messages(message, field).Select(m => Encoding.UTF8.GetString(m.Span)).FirstOrDefault();

    private static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int field) =>
        Fields(message).Where(f => f.Number == field && f.WireType == 2).Select(f => f.Bytes);

    private readonly record struct Field(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes);

    private static IEnumerable<Field> Fields(ReadOnlyMemory<byte> data)
    {
        var position = 0;
        while (position < data.Length)
        {
            var tag = ReadVarint(data.Span, ref position);
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    yield return new Field(number, wireType, ReadVarint(data.Span, ref position), default);
                    break;
                case 1:
                    yield return new Field(number, wireType, 0, data.Slice(position, 8));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(data.Span, ref position);
                    yield return new Field(number, wireType, 0, data.Slice(position, length));
                    position += length;
                    break;
                case 5:
                    yield return new Field(number, wireType, 0, data.Slice(position, 4));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType} at {position}.");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }

            shift += 7;
        }
    }
}
