using System.Text.Json.Nodes;

namespace Notify.Api.Tests.Lambda;

/// <summary>
/// The API Gateway HTTP API events (payload format 2.0, shaped as AWS documents them) in <c>Lambda/Events</c>. A test
/// that needs a value only known at run time (a session cookie, an anti-forgery token) edits a copy.
/// </summary>
public static class RecordedEvents
{
    public static string Load(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Lambda", "Events", name));

    public static string Edit(string name, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(Load(name))!.AsObject();
        edit(root);
        return root.ToJsonString();
    }
}
