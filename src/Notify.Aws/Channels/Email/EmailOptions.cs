using System.ComponentModel.DataAnnotations;

namespace Notify.Aws.Channels.Email;

/// <summary>How Notify sends email through SES (section <c>Notify:Email</c>).</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Notify:Email";

    /// <summary>
    /// The rate used when none is configured and SES cannot tell (an endpoint without SES v2 <c>GetAccount</c>, such as
    /// moto): the sending rate SES grants a new production account.
    /// </summary>
    public const double DefaultSendRate = 14;

    /// <summary>
    /// The sender. Must be a verified identity (the address or its domain). Empty: the provisioned
    /// <c>Notify:Provisioning:SenderIdentity</c> when it is an address, else <c>notify@</c> that domain.
    /// </summary>
    [EmailAddress]
    public string? FromAddress { get; set; }

    /// <summary>
    /// Messages per second this instance sends. Empty: the account's <c>MaxSendRate</c> from SES v2 <c>GetAccount</c>,
    /// read once, else <see cref="DefaultSendRate"/>. SES's quota is per account, so with several workers set each one's share.
    /// </summary>
    [Range(0.01, 100_000)]
    public double? MaxSendRate { get; set; }

    /// <summary>Sends that may wait for the rate limit; the next one is answered at once as rate limited, to be retried later.</summary>
    [Range(0, 100_000)]
    public int MaxQueuedSends { get; set; } = 100;

    /// <summary>The default sender for a provisioned identity: the identity itself when it is an address, else <c>notify@{domain}</c>.</summary>
    public static string DefaultFromAddress(string senderIdentity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(senderIdentity);
        return senderIdentity.Contains('@', StringComparison.Ordinal) ? senderIdentity : "notify@" + senderIdentity;
    }
}
