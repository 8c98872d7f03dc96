namespace Notify.Core.Delivery;

/// <summary>
/// What a provider call came to. An explicit result, not an exception: the worker decides from it whether the channel
/// is done, is retried later, or is failed for good, and whether the address goes on the suppression list.
/// </summary>
public abstract record SendResult
{
    private SendResult()
    {
    }

    /// <summary>The provider took the message. <paramref name="ProviderMessageId"/> correlates later feedback (SES bounces).</summary>
    public sealed record Accepted(string ProviderMessageId, bool Simulated = false) : SendResult;

    /// <summary>
    /// Worth another try later (throttling, 5xx, a timeout). <paramref name="MayHaveBeenAccepted"/> is true when the
    /// request may have reached the provider before the failure (a timeout or a dropped connection after sending):
    /// channels that are never blindly re-sent (SMS, push) must then not be sent again.
    /// </summary>
    public sealed record Transient(string Error, bool MayHaveBeenAccepted) : SendResult;

    /// <summary>
    /// Will never succeed as it is (invalid address, disabled endpoint, opted-out number, unverified sender).
    /// <paramref name="Reason"/> is a stable snake_case code (<see cref="DeliveryReasons"/>); <paramref name="Suppress"/> asks
    /// for the address to go on the suppression list.
    /// </summary>
    public sealed record Rejected(string Reason, string Error, bool Suppress = false) : SendResult;
}

/// <summary>The reason codes a notification row can carry (the API shows them as they are).</summary>
public static class DeliveryReasons
{
    public const string OptedOut = "opted_out";
    public const string Expired = "expired";
    public const string NoAddress = "no_address";
    public const string NoDevice = "no_device";
    public const string TemplateMissing = "template_missing";
    public const string RenderFailed = "render_failed";
    public const string Suppressed = "suppressed";
    public const string QuietHours = "quiet_hours";
    public const string RateLimited = "rate_limited";
    public const string InvalidAddress = "invalid_address";
    public const string EndpointDisabled = "endpoint_disabled";
    public const string PhoneOptedOut = "phone_opted_out";
    public const string SenderNotVerified = "sender_not_verified";
    public const string ProviderRejected = "provider_rejected";
    public const string LeaseExpired = "lease_expired";
    public const string Bounced = "bounced";
    public const string Complained = "complained";
}
