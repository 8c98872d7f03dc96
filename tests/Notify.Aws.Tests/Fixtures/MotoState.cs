using System.Text.Json.Nodes;

namespace Notify.Aws.Tests.Fixtures;

/// <summary>
/// moto's model dump (<c>GET /moto-api/data.json</c>): every tracked model instance by service and class, e.g.
/// <c>sns.SMS</c> (sent SMS) and <c>ses.Message</c>/<c>ses.RawMessage</c> (sent e-mail). The only way to see
/// what moto "delivered" to channels it cannot deliver to.
/// </summary>
internal static class MotoState
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<IReadOnlyList<JsonObject>> ModelsAsync(Uri endpoint, string service, string model, CancellationToken cancellationToken)
    {
        var json = await Http.GetStringAsync(new Uri(endpoint, "moto-api/data.json"), cancellationToken);
        return JsonNode.Parse(json)?[service]?[model] is JsonArray items ? [.. items.OfType<JsonObject>()] : [];
    }

    /// <summary>
    /// The whole dump, read once for several models, with patience: it covers every table item and queued message moto
    /// holds, so after a run of thousands of events it takes seconds.
    /// </summary>
    public static async Task<JsonNode?> DumpAsync(Uri endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = timeout };
        return JsonNode.Parse(await http.GetStringAsync(new Uri(endpoint, "moto-api/data.json"), cancellationToken));
    }

    /// <summary>The instances of one model in a <see cref="DumpAsync"/> result, e.g. <c>sns</c>/<c>SMS</c>.</summary>
    public static IReadOnlyList<JsonObject> Models(JsonNode? dump, string service, string model) =>
        dump?[service]?[model] is JsonArray items ? [.. items.OfType<JsonObject>()] : [];
}
