using System.Xml.Linq;
using Notify.Aws.Http;

namespace Notify.Aws.Ses;

/// <summary>
/// Amazon SES v1 over the AWS Query protocol (API 2010-12-01), limited to what SES v2 does not cover for Notify:
/// feedback notification topics per identity, the send quota, and identity verification (handy on moto).
/// Sending goes through <see cref="V2.SesV2Client"/>.
/// </summary>
public sealed class SesClient : AwsClient
{
    public const string ApiVersion = "2010-12-01";

    private readonly AwsQueryProtocol _query;

    /// <summary>Shares a transport (and its connection pool) owned by the caller.</summary>
    public SesClient(AwsTransport transport)
        : base(AwsService.Ses, transport) => _query = new(Transport, ApiVersion);

    /// <summary>Creates and owns its transport; dispose the client to release its connections.</summary>
    public SesClient(AwsConnection connection, AwsRetryOptions? retry = null, HttpMessageHandler? handler = null)
        : base(AwsService.Ses, QueryXmlErrorReader.Instance, connection, retry, handler) => _query = new(Transport, ApiVersion);

    public async Task<SetIdentityNotificationTopicResponse> SetIdentityNotificationTopicAsync(
        SetIdentityNotificationTopicRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters()
            .Add("Identity", request.Identity)
            .Add("NotificationType", request.NotificationType)
            .Add("SnsTopic", request.SnsTopic);
        await InvokeAsync("SetIdentityNotificationTopic", q, cancellationToken);
        return new SetIdentityNotificationTopicResponse();
    }

    public async Task<SetIdentityHeadersInNotificationsEnabledResponse> SetIdentityHeadersInNotificationsEnabledAsync(
        SetIdentityHeadersInNotificationsEnabledRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters()
            .Add("Identity", request.Identity)
            .Add("NotificationType", request.NotificationType)
            .Add("Enabled", request.Enabled);
        await InvokeAsync("SetIdentityHeadersInNotificationsEnabled", q, cancellationToken);
        return new SetIdentityHeadersInNotificationsEnabledResponse();
    }

    public async Task<GetIdentityNotificationAttributesResponse> GetIdentityNotificationAttributesAsync(
        GetIdentityNotificationAttributesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new QueryParameters().AddList("Identities", request.Identities, static (p, name, identity) => p.Add(name, identity));
        var r = await InvokeAsync("GetIdentityNotificationAttributes", q, cancellationToken);
        return new GetIdentityNotificationAttributesResponse
        {
            NotificationAttributes = r.Map("NotificationAttributes", v => new IdentityNotificationAttributes
            {
                BounceTopic = v.String("BounceTopic"),
                ComplaintTopic = v.String("ComplaintTopic"),
                DeliveryTopic = v.String("DeliveryTopic"),
                ForwardingEnabled = v.Bool("ForwardingEnabled") ?? false,
                HeadersInBounceNotificationsEnabled = v.Bool("HeadersInBounceNotificationsEnabled") ?? false,
                HeadersInComplaintNotificationsEnabled = v.Bool("HeadersInComplaintNotificationsEnabled") ?? false,
                HeadersInDeliveryNotificationsEnabled = v.Bool("HeadersInDeliveryNotificationsEnabled") ?? false,
            }),
        };
    }

    public async Task<GetSendQuotaResponse> GetSendQuotaAsync(GetSendQuotaRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var r = await InvokeAsync("GetSendQuota", new QueryParameters(), cancellationToken);
        return new GetSendQuotaResponse
        {
            Max24HourSend = r.Double("Max24HourSend") ?? 0,
            MaxSendRate = r.Double("MaxSendRate") ?? 0,
            SentLast24Hours = r.Double("SentLast24Hours") ?? 0,
        };
    }

    public async Task<VerifyEmailIdentityResponse> VerifyEmailIdentityAsync(VerifyEmailIdentityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await InvokeAsync("VerifyEmailIdentity", new QueryParameters().Add("EmailAddress", request.EmailAddress), cancellationToken);
        return new VerifyEmailIdentityResponse();
    }

    public async Task<VerifyDomainIdentityResponse> VerifyDomainIdentityAsync(VerifyDomainIdentityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var r = await InvokeAsync("VerifyDomainIdentity", new QueryParameters().Add("Domain", request.Domain), cancellationToken);
        return new VerifyDomainIdentityResponse { VerificationToken = r.String("VerificationToken") };
    }

    private Task<XElement> InvokeAsync(string action, QueryParameters parameters, CancellationToken cancellationToken) =>
        _query.InvokeAsync(action, parameters, cancellationToken);
}
