using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Notify.EndToEnd.Faults;

/// <summary>
/// One operation of the API: its method and path template (<c>/api/users/{userId}/contact</c>), its parameters, whether
/// it takes a JSON body (and the example the document gives for it), the API key scopes that may call it, and every
/// security scheme that may (<c>apiKey</c>, <c>inboxToken</c>).
/// </summary>
public sealed partial record ApiOperation(
    string Method,
    string Path,
    IReadOnlyList<string> PathParameters,
    IReadOnlyList<string> QueryParameters,
    bool HasBody,
    JsonNode? Example,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> Schemes)
{
    /// <summary>Everything but a read: its refusal must leave the store as it was.</summary>
    public bool IsWrite => Method is not ("GET" or "HEAD");

    public override string ToString() => $"{Method} {Path}";

    /// <summary>The path with each <c>{name}</c> replaced by <paramref name="segment"/>(name), used as given (already escaped).</summary>
    public string Fill(Func<string, string> segment) => Parameter().Replace(Path, m => segment(m.Groups["name"].Value));

    [GeneratedRegex(@"\{(?<name>[A-Za-z0-9_]+)\}")]
    private static partial Regex Parameter();
}

/// <summary>
/// The operations to fuzz and to check authorization on, found rather than listed, so a new endpoint is covered the day
/// it is mapped: every operation of the OpenAPI document at <c>/openapi/v1.json</c> (with the scopes its security
/// requirement names, which the document takes from the endpoint's authorization policies), and the dashboard's JSON
/// API, which the document leaves out: <c>/dashboard/api/*</c> maps the handlers of <c>/api/*</c> behind the session
/// cookie, so each <c>/api</c> operation's twin is probed without a session (401: mapped; 404 or 405: not).
/// </summary>
public static class ApiSurface
{
    public const string DashboardApi = "/dashboard/api";

    public static async Task<IReadOnlyList<ApiOperation>> OperationsAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", cancellationToken))!;
        var operations = new List<ApiOperation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, node) in item!.AsObject())
            {
                if (node is not JsonObject operation || method is "parameters" or "summary" or "description" or "servers")
                {
                    continue;
                }

                var parameters = (operation["parameters"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                var body = operation["requestBody"]?["content"] as JsonObject;
                var json = body?.FirstOrDefault(c => c.Key.Contains("json", StringComparison.OrdinalIgnoreCase)).Value;
                operations.Add(new ApiOperation(
                    method.ToUpperInvariant(),
                    path,
                    [.. parameters.Where(p => (string?)p["in"] == "path").Select(p => (string)p["name"]!)],
                    [.. parameters.Where(p => (string?)p["in"] == "query").Select(p => (string)p["name"]!)],
                    body is not null,
                    json?["example"]?.DeepClone(),
                    ScopesOf(operation),
                    [.. Requirements(operation).Select(r => r.Key).Distinct()]));
            }
        }

        return operations;
    }

    /// <summary>The <c>/dashboard/api</c> twins of <paramref name="api"/> that are mapped (they answer a call without a session with 401).</summary>
    public static async Task<IReadOnlyList<ApiOperation>> DashboardOperationsAsync(HttpClient anonymous, IReadOnlyList<ApiOperation> api, CancellationToken cancellationToken)
    {
        var found = new List<ApiOperation>();
        foreach (var operation in api.Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal)))
        {
            var twin = operation with { Path = DashboardApi + operation.Path["/api".Length..], Scopes = ["admin"], Schemes = ["dashboard session"] };
            using var request = new HttpRequestMessage(new HttpMethod(twin.Method), twin.Fill(_ => "probe-1"));
            request.Headers.Add("X-Notify-Dashboard", "1");
            using var response = await anonymous.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                found.Add(twin);
            }
        }

        return found;
    }

    /// <summary>The scopes of the operation's <c>apiKey</c> security requirement (empty when no API key may call it).</summary>
    private static IReadOnlyList<string> ScopesOf(JsonObject operation) =>
        [.. Requirements(operation).Where(r => r.Key == "apiKey").SelectMany(r => (r.Value as JsonArray ?? []).Select(s => (string)s!)).Distinct()];

    /// <summary>Each (scheme, scopes) of the operation's alternative security requirements.</summary>
    private static IEnumerable<KeyValuePair<string, JsonNode?>> Requirements(JsonObject operation) =>
        (operation["security"] as JsonArray ?? []).OfType<JsonObject>().SelectMany(requirement => requirement);
}
