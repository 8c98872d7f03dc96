using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Xml.Linq;

namespace Notify.Aws.Http;

/// <summary>AWS JSON 1.0 (SQS, DynamoDB): POST / with <c>X-Amz-Target: {prefix}.{Operation}</c> and a JSON body.</summary>
public sealed class AwsJsonRpcProtocol(AwsTransport transport, string targetPrefix, bool queryCompatible)
{
    private readonly KeyValuePair<string, string>[] _extraHeaders = queryCompatible
        // SQS moved from Query to JSON; this header asks it for Query-compatible error codes, as the SDKs do.
        ? [new("x-amzn-query-mode", "true")]
        : [];

    public AwsTransport Transport => transport;

    internal AwsHttpRequest BuildRequest<TRequest>(string operation, TRequest request, JsonTypeInfo<TRequest> requestType) =>
        new(operation, HttpMethod.Post, "/", MediaTypes.AmzJson10, JsonSerializer.SerializeToUtf8Bytes(request, requestType),
            [new("X-Amz-Target", $"{targetPrefix}.{operation}"), .. _extraHeaders]);

    public Task<TResponse> InvokeAsync<TRequest, TResponse>(
        string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : new() =>
        InvokeAsync(operation, request, requestType, responseType, [], cancellationToken);

    /// <param name="spanTags">The resource the call names, for its span (<see cref="AwsHttpRequest.SpanTags"/>).</param>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        IReadOnlyList<KeyValuePair<string, object?>> spanTags,
        CancellationToken cancellationToken)
        where TResponse : new()
    {
        var built = BuildRequest(operation, request, requestType);
        var response = await transport.SendAsync(spanTags.Count == 0 ? built : built with { SpanTags = spanTags }, cancellationToken);
        return response.Body.Length == 0 ? new TResponse() : JsonSerializer.Deserialize(response.Body, responseType) ?? new TResponse();
    }
}

/// <summary>REST JSON (SES v2): the operation is the method and path; members bind to the path, query or JSON body.</summary>
public sealed class AwsRestJsonProtocol(AwsTransport transport)
{
    public AwsTransport Transport => transport;

    public async Task<TResponse> InvokeAsync<TResponse>(
        string operation, HttpMethod method, string pathAndQuery, byte[]? body, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : new()
    {
        var response = await transport.SendAsync(
            new AwsHttpRequest(operation, method, pathAndQuery, body is null ? null : MediaTypes.Json, body ?? [], []), cancellationToken);
        return response.Body.Length == 0 ? new TResponse() : JsonSerializer.Deserialize(response.Body, responseType) ?? new TResponse();
    }

    /// <summary>Escapes a path label the way the SDKs do (every reserved character, '/' included).</summary>
    public static string Label(string value) => Uri.EscapeDataString(value);
}

/// <summary>AWS Query (SNS, SES v1): form-encoded <c>Action</c>, <c>Version</c> and flattened members; XML answers.</summary>
public sealed class AwsQueryProtocol(AwsTransport transport, string version)
{
    private static readonly XNamespace Any = XNamespace.None;

    public AwsTransport Transport => transport;

    internal AwsHttpRequest BuildRequest(string action, QueryParameters parameters) =>
        new(action, HttpMethod.Post, "/", MediaTypes.FormUrlEncoded, Encoding.UTF8.GetBytes(parameters.Encode(action, version)), []);

    /// <summary>Returns the <c>{Action}Result</c> element (empty when the action answers no members).</summary>
    public Task<XElement> InvokeAsync(string action, QueryParameters parameters, CancellationToken cancellationToken) =>
        InvokeAsync(action, parameters, [], cancellationToken);

    /// <inheritdoc cref="InvokeAsync(string, QueryParameters, CancellationToken)"/>
    /// <param name="spanTags">The resource the call names, for its span (<see cref="AwsHttpRequest.SpanTags"/>).</param>
    public async Task<XElement> InvokeAsync(
        string action, QueryParameters parameters, IReadOnlyList<KeyValuePair<string, object?>> spanTags, CancellationToken cancellationToken)
    {
        var built = BuildRequest(action, parameters);
        var response = await transport.SendAsync(spanTags.Count == 0 ? built : built with { SpanTags = spanTags }, cancellationToken);
        if (response.Body.Length == 0)
        {
            return new XElement(action + "Result");
        }

        var root = XDocument.Parse(Encoding.UTF8.GetString(response.Body)).Root;
        return root?.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result") ?? new XElement(Any + action + "Result");
    }
}

/// <summary>Flattened Query members in insertion order (<c>Attributes.entry.1.key</c>, <c>Entries.member.1.Id</c>).</summary>
public sealed class QueryParameters
{
    private readonly List<KeyValuePair<string, string>> _items = [];

    public IReadOnlyList<KeyValuePair<string, string>> Items => _items;

    public QueryParameters Add(string name, string? value)
    {
        if (value is not null)
        {
            _items.Add(new(name, value));
        }

        return this;
    }

    public QueryParameters Add(string name, bool? value) => Add(name, value is null ? null : value.Value ? "true" : "false");

    public QueryParameters Add(string name, int? value) => Add(name, value?.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A map serialized as <c>{prefix}.entry.N.{key}</c>/<c>.value</c> (Query maps, 1-based).</summary>
    public QueryParameters AddMap(string prefix, IEnumerable<KeyValuePair<string, string>>? map, string keyName = "key", string valueName = "value")
    {
        var i = 0;
        foreach (var (key, value) in map ?? [])
        {
            i++;
            Add($"{prefix}.entry.{i}.{keyName}", key);
            Add($"{prefix}.entry.{i}.{valueName}", value);
        }

        return this;
    }

    /// <summary>A list serialized as <c>{prefix}.member.N…</c> (1-based); <paramref name="write"/> adds each member's fields.</summary>
    public QueryParameters AddList<T>(string prefix, IEnumerable<T>? items, Action<QueryParameters, string, T> write)
    {
        var i = 0;
        foreach (var item in items ?? [])
        {
            i++;
            write(this, $"{prefix}.member.{i}", item);
        }

        return this;
    }

    public string Encode(string action, string version)
    {
        var sb = new StringBuilder(64 + (_items.Count * 32));
        sb.Append("Action=").Append(Uri.EscapeDataString(action)).Append("&Version=").Append(Uri.EscapeDataString(version));
        foreach (var (name, value) in _items)
        {
            sb.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return sb.ToString();
    }
}
