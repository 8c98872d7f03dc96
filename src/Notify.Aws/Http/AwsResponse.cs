using System.Net;

namespace Notify.Aws.Http;

/// <summary>One HTTP request to an AWS service, before signing. The body is already serialized by the protocol.</summary>
public sealed record AwsHttpRequest(
    string Operation,
    HttpMethod Method,
    string PathAndQuery,
    string? ContentType,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>A successful answer. Errors never reach callers as a response: they become <see cref="AwsServiceException"/>.</summary>
public sealed record AwsResponse(HttpStatusCode StatusCode, byte[] Body, string? RequestId, int Attempts);
