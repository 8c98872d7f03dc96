using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Notify.Aws.Http;

namespace Notify.Aws.Ses.V2;

/// <summary>
/// Amazon SES v2 over REST JSON (API 2019-09-27): sending, identities, configuration sets, event destinations and
/// the account's quota. Operations and members mirror AWSSDK.SimpleEmailV2; errors surface as
/// <see cref="AwsServiceException"/> (e.g. <c>MessageRejected</c>, <c>NotFoundException</c>, <c>TooManyRequestsException</c>).
/// </summary>
/// <remarks>
/// Endpoints that lack an operation (moto has no GetAccount or event destinations) answer 404 without an AWS
/// error code: the exception then has <see cref="AwsServiceException.StatusCode"/> 404 and, unlike a real
/// <c>NotFoundException</c>, no recognised <see cref="AwsServiceException.ErrorCode"/>; see <see cref="IsUnsupportedOperation"/>.
/// </remarks>
public sealed class SesV2Client : AwsClient
{
    private readonly AwsRestJsonProtocol _rest;

    /// <summary>Shares a transport (and its connection pool) owned by the caller.</summary>
    public SesV2Client(AwsTransport transport)
        : base(AwsService.SesV2, transport) => _rest = new(Transport);

    /// <summary>Creates and owns its transport; dispose the client to release its connections.</summary>
    public SesV2Client(AwsConnection connection, AwsRetryOptions? retry = null, HttpMessageHandler? handler = null)
        : base(AwsService.SesV2, JsonErrorReader.Instance, connection, retry, handler) => _rest = new(Transport);

    /// <summary>
    /// True when the endpoint does not implement the operation at all: a 404 that names no AWS error (moto's answer
    /// to GetAccount and the event destination operations) or a 501. Callers then fall back (e.g. to SES v1 GetSendQuota).
    /// </summary>
    public static bool IsUnsupportedOperation(AwsServiceException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode switch
        {
            // LocalStack's answer for an operation it has not implemented.
            System.Net.HttpStatusCode.NotImplemented => true,
            System.Net.HttpStatusCode.NotFound => exception.ErrorCode is "Unknown" or "404",
            _ => false,
        };
    }

    public Task<SendEmailResponse> SendEmailAsync(SendEmailRequest request, CancellationToken cancellationToken = default) =>
        PostAsync("SendEmail", "/v2/email/outbound-emails", request, SesV2JsonContext.Default.SendEmailRequest, SesV2JsonContext.Default.SendEmailResponse, cancellationToken);

    public Task<CreateEmailIdentityResponse> CreateEmailIdentityAsync(CreateEmailIdentityRequest request, CancellationToken cancellationToken = default) =>
        PostAsync("CreateEmailIdentity", "/v2/email/identities", request, SesV2JsonContext.Default.CreateEmailIdentityRequest, SesV2JsonContext.Default.CreateEmailIdentityResponse, cancellationToken);

    public Task<GetEmailIdentityResponse> GetEmailIdentityAsync(GetEmailIdentityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _rest.InvokeAsync(
            "GetEmailIdentity", HttpMethod.Get, EmailIdentityPath(request.EmailIdentity), null,
            SesV2JsonContext.Default.GetEmailIdentityResponse, cancellationToken);
    }

    public Task<DeleteEmailIdentityResponse> DeleteEmailIdentityAsync(DeleteEmailIdentityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _rest.InvokeAsync(
            "DeleteEmailIdentity", HttpMethod.Delete, EmailIdentityPath(request.EmailIdentity), null,
            SesV2JsonContext.Default.DeleteEmailIdentityResponse, cancellationToken);
    }

    /// <remarks>
    /// Uses the long-standing <c>GET /v2/email/identities</c> route that AWS and moto both serve (the newest SDKs
    /// POST to <c>/v2/email/list-identities</c> instead, which moto 5.2 does not know).
    /// </remarks>
    public Task<ListEmailIdentitiesResponse> ListEmailIdentitiesAsync(ListEmailIdentitiesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _rest.InvokeAsync(
            "ListEmailIdentities", HttpMethod.Get, PagedPath("/v2/email/identities", request.NextToken, request.PageSize), null,
            SesV2JsonContext.Default.ListEmailIdentitiesResponse, cancellationToken);
    }

    public Task<CreateConfigurationSetResponse> CreateConfigurationSetAsync(CreateConfigurationSetRequest request, CancellationToken cancellationToken = default) =>
        PostAsync("CreateConfigurationSet", "/v2/email/configuration-sets", request, SesV2JsonContext.Default.CreateConfigurationSetRequest, SesV2JsonContext.Default.CreateConfigurationSetResponse, cancellationToken);

    public Task<GetConfigurationSetResponse> GetConfigurationSetAsync(GetConfigurationSetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _rest.InvokeAsync(
            "GetConfigurationSet", HttpMethod.Get, ConfigurationSetPath(request.ConfigurationSetName), null,
            SesV2JsonContext.Default.GetConfigurationSetResponse, cancellationToken);
    }

    public Task<DeleteConfigurationSetResponse> DeleteConfigurationSetAsync(DeleteConfigurationSetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _rest.InvokeAsync(
            "DeleteConfigurationSet", HttpMethod.Delete, ConfigurationSetPath(request.ConfigurationSetName), null,
            SesV2JsonContext.Default.DeleteConfigurationSetResponse, cancellationToken);
    }

    /// <remarks>The long-standing <c>GET</c> route, for the same reason as <see cref="ListEmailIdentitiesAsync"/>.</remarks>
    public Task<ListConfigurationSetsResponse> ListConfigurationSetsAsync(ListConfigurationSetsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _rest.InvokeAsync(
            "ListConfigurationSets", HttpMethod.Get, PagedPath("/v2/email/configuration-sets", request.NextToken, request.PageSize), null,
            SesV2JsonContext.Default.ListConfigurationSetsResponse, cancellationToken);
    }

    public Task<CreateConfigurationSetEventDestinationResponse> CreateConfigurationSetEventDestinationAsync(
        CreateConfigurationSetEventDestinationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PostAsync(
            "CreateConfigurationSetEventDestination", ConfigurationSetPath(request.ConfigurationSetName) + "/event-destinations", request,
            SesV2JsonContext.Default.CreateConfigurationSetEventDestinationRequest, SesV2JsonContext.Default.CreateConfigurationSetEventDestinationResponse, cancellationToken);
    }

    public Task<GetConfigurationSetEventDestinationsResponse> GetConfigurationSetEventDestinationsAsync(
        GetConfigurationSetEventDestinationsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _rest.InvokeAsync(
            "GetConfigurationSetEventDestinations", HttpMethod.Get, ConfigurationSetPath(request.ConfigurationSetName) + "/event-destinations", null,
            SesV2JsonContext.Default.GetConfigurationSetEventDestinationsResponse, cancellationToken);
    }

    /// <summary>The account's sending quota and status. Not implemented by moto: see <see cref="IsUnsupportedOperation"/>.</summary>
    public Task<GetAccountResponse> GetAccountAsync(GetAccountRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _rest.InvokeAsync("GetAccount", HttpMethod.Get, "/v2/email/account", null, SesV2JsonContext.Default.GetAccountResponse, cancellationToken);
    }

    private Task<TResponse> PostAsync<TRequest, TResponse>(
        string operation, string path, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : new()
    {
        ArgumentNullException.ThrowIfNull(request);
        return _rest.InvokeAsync(operation, HttpMethod.Post, path, JsonSerializer.SerializeToUtf8Bytes(request, requestType), responseType, cancellationToken);
    }

    private static string EmailIdentityPath(string? identity) => "/v2/email/identities/" + Label(identity, "EmailIdentity");

    private static string ConfigurationSetPath(string? name) => "/v2/email/configuration-sets/" + Label(name, "ConfigurationSetName");

    /// <summary>An empty label would address a different resource (the collection), so it is a caller error, as in the SDKs.</summary>
    private static string Label(string? value, string member) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException($"{member} is required.", member) : AwsRestJsonProtocol.Label(value);

    /// <summary>A list route with its paging members in the query string, each only when set.</summary>
    private static string PagedPath(string path, string? nextToken, int? pageSize) =>
        path + Query(("NextToken", nextToken), ("PageSize", pageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (value is not null)
            {
                sb.Append(sb.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        return sb.ToString();
    }
}
