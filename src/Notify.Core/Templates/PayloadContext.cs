using System.Text.Json;

namespace Notify.Core.Templates;

/// <summary>
/// Turns a JSON payload into what Handlebars.Net walks natively: dictionaries for objects (so <c>{{order.id}}</c>
/// resolves), lists for arrays (so <c>{{#each items}}</c> iterates), and CLR scalars (so <c>{{#if count}}</c> is
/// false for 0 and <c>false</c>, as in JavaScript Handlebars).
/// </summary>
internal static class PayloadContext
{
    public static object From(JsonElement payload) =>
        payload.ValueKind == JsonValueKind.Undefined ? new Dictionary<string, object?>(StringComparer.Ordinal) : Convert(payload) ?? new Dictionary<string, object?>();

    private static object? Convert(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var member in value.EnumerateObject())
                {
                    members[member.Name] = Convert(member.Value);
                }

                return members;
            case JsonValueKind.Array:
                var items = new List<object?>(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    items.Add(Convert(item));
                }

                return items;
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Number:
                return value.TryGetInt64(out var integer) ? integer
                    : value.TryGetDecimal(out var exact) ? exact
                    : value.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }
}
