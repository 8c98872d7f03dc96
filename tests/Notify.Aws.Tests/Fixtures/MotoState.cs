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
}
