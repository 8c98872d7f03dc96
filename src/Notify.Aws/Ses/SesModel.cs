namespace Notify.Aws.Ses;

// The SES v1 subset Notify needs, named as in AWSSDK.SimpleEmail (Amazon.SimpleEmail.Model). SES v1 still owns
// identity feedback notifications (bounce/complaint/delivery topics), and its send quota is the fallback where
// SES v2's GetAccount is unavailable (moto).

/// <summary>The feedback kinds SES can publish to SNS per identity (the SDK's <c>NotificationType</c> constants).</summary>
public static class NotificationType
{
    public const string Bounce = "Bounce";
    public const string Complaint = "Complaint";
    public const string Delivery = "Delivery";
}

/// <summary>
/// Routes one feedback kind of an identity (an address or a whole domain) to an SNS topic;
/// a null <see cref="SnsTopic"/> stops publishing it.
/// </summary>
public sealed class SetIdentityNotificationTopicRequest
{
    public string? Identity { get; set; }

    /// <summary>One of <see cref="Ses.NotificationType"/>.</summary>
    public string? NotificationType { get; set; }

    public string? SnsTopic { get; set; }
}

public sealed class SetIdentityNotificationTopicResponse;

/// <summary>Whether the notifications of one kind carry the original message's headers.</summary>
public sealed class SetIdentityHeadersInNotificationsEnabledRequest
{
    public string? Identity { get; set; }

    public string? NotificationType { get; set; }

    public bool Enabled { get; set; }
}

public sealed class SetIdentityHeadersInNotificationsEnabledResponse;

public sealed class GetIdentityNotificationAttributesRequest
{
    /// <summary>Up to 100 identities (addresses or domains).</summary>
    public List<string>? Identities { get; set; }
}

public sealed class GetIdentityNotificationAttributesResponse
{
    public Dictionary<string, IdentityNotificationAttributes> NotificationAttributes { get; set; } = [];
}

public sealed class IdentityNotificationAttributes
{
    public string? BounceTopic { get; set; }

    public string? ComplaintTopic { get; set; }

    public string? DeliveryTopic { get; set; }

    /// <summary>Bounces and complaints are also e-mailed to the sender (must stay on unless both topics are set).</summary>
    public bool ForwardingEnabled { get; set; }

    public bool HeadersInBounceNotificationsEnabled { get; set; }

    public bool HeadersInComplaintNotificationsEnabled { get; set; }

    public bool HeadersInDeliveryNotificationsEnabled { get; set; }
}

public sealed class GetSendQuotaRequest;

public sealed class GetSendQuotaResponse
{
    /// <summary>Messages allowed per 24 hours; -1 means unlimited.</summary>
    public double Max24HourSend { get; set; }

    /// <summary>Messages per second.</summary>
    public double MaxSendRate { get; set; }

    public double SentLast24Hours { get; set; }
}

public sealed class VerifyEmailIdentityRequest
{
    public string? EmailAddress { get; set; }
}

public sealed class VerifyEmailIdentityResponse;

public sealed class VerifyDomainIdentityRequest
{
    public string? Domain { get; set; }
}

public sealed class VerifyDomainIdentityResponse
{
    /// <summary>Publish as a TXT record at <c>_amazonses.{domain}</c> to complete verification.</summary>
    public string? VerificationToken { get; set; }
}
