using System.Net;

namespace Notify.Aws.Http;

/// <summary>One HTTP request to an AWS service, before signing. The body is already serialized by the protocol.</summary>
public sealed record AwsHttpRequest(
    string Operation,
    HttpMethod Method,
    string PathAndQuery,
    string? ContentType,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>
    /// Attributes the transport copies onto the call's span: the resource the client already knows (queue, topic), so
    /// nothing has to parse the body back. Never an address, phone number or device token.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>> SpanTags { get; init; } = [];
}

/// <summary>A successful answer. Errors never reach callers as a response: they become <see cref="AwsServiceException"/>.</summary>
public sealed record AwsResponse(HttpStatusCode StatusCode, byte[] Body, string? RequestId, int Attempts);
