using System.Globalization;
using System.Xml.Linq;

namespace Notify.Aws.Http;

/// <summary>
/// Reads members of an AWS Query XML answer (SNS, SES v1). Elements are matched by local name only: each
/// service answers in its own namespace and member names are unique within their parent. Absent members read
/// as null (or an empty collection), never as an error, so a member added by AWS later cannot break a client.
/// </summary>
internal static class QueryXml
{
    public static XElement? Member(this XElement parent, string name)
    {
        foreach (var e in parent.Elements())
        {
            if (e.Name.LocalName == name)
            {
                return e;
            }
        }

        return null;
    }

    public static string? String(this XElement parent, string name) => parent.Member(name)?.Value;

    public static bool? Bool(this XElement parent, string name) => parent.String(name)?.Trim() switch
    {
        null or "" => null,
        var s => s == "1" || s.Equals("true", StringComparison.OrdinalIgnoreCase),
    };

    public static double? Double(this XElement parent, string name) =>
        parent.String(name) is { Length: > 0 } s ? double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture) : null;

    /// <summary>A non-flattened list: <c>&lt;name&gt;&lt;member&gt;…&lt;/member&gt;…&lt;/name&gt;</c>.</summary>
    public static List<T> List<T>(this XElement parent, string name, Func<XElement, T> read) =>
        parent.Member(name) is { } list ? [.. list.Elements().Where(e => e.Name.LocalName == "member").Select(read)] : [];

    public static List<string> Strings(this XElement parent, string name) => parent.List(name, e => e.Value);

    /// <summary>A map: <c>&lt;name&gt;&lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;…&lt;/name&gt;</c>; <paramref name="read"/> gets the value element.</summary>
    public static Dictionary<string, T> Map<T>(this XElement parent, string name, Func<XElement, T> read)
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var entry in parent.Member(name)?.Elements() ?? [])
        {
            if (entry.Name.LocalName == "entry" && entry.String("key") is { } key)
            {
                // A repeated key keeps the last value, as the SDKs' unmarshallers do.
                map[key] = read(entry.Member("value") ?? new XElement("value"));
            }
        }

        return map;
    }

    public static Dictionary<string, string> Map(this XElement parent, string name) => parent.Map(name, e => e.Value);
}
