using System.Text.Json;
using System.Text.Json.Nodes;

namespace Notify.Core.Tests;

internal static class TestJson
{
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static JsonElement ToElement(this JsonNode node) => Parse(node.ToJsonString());

    /// <summary>Sets (or with null removes) the member at a dotted path, creating objects on the way.</summary>
    public static JsonObject With(this JsonObject root, string path, JsonNode? value)
    {
        var names = path.Split('.');
        var parent = root;
        foreach (var name in names[..^1])
        {
            parent = parent[name] as JsonObject ?? (JsonObject)(parent[name] = new JsonObject());
        }

        if (value is null)
        {
            parent.Remove(names[^1]);
        }
        else
        {
            parent[names[^1]] = value;
        }

        return root;
    }

    public static JsonObject Nested(int depth)
    {
        var innermost = new JsonObject { ["leaf"] = 1 };
        var current = innermost;
        for (var i = 1; i < depth; i++)
        {
            current = new JsonObject { ["a"] = current };
        }

        return current;
    }
}
