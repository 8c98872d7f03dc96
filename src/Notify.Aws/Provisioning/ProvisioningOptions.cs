using System.ComponentModel.DataAnnotations;

namespace Notify.Aws.Provisioning;

/// <summary>Environment-specific inputs of provisioning (section <c>Notify:Provisioning</c>).</summary>
public sealed class ProvisioningOptions
{
    public const string SectionName = "Notify:Provisioning";

    /// <summary>Physical names are <c>{Prefix}-{logical}</c>; tests use a unique prefix per run.</summary>
    [Required, RegularExpression("^[a-zA-Z0-9-]{1,40}$")]
    public string Prefix { get; set; } = "notify";

    /// <summary>The SES sending identity: an email address or a domain. moto verifies it at once; AWS asks for DNS or a click.</summary>
    [Required]
    public string SenderIdentity { get; set; } = "notify@example.com";

    /// <summary>
    /// Creates the push platform applications with placeholder credentials (local emulators only: AWS validates the
    /// credentials, which the CDK app takes from Secrets Manager).
    /// </summary>
    public bool CreatePlatformApplications { get; set; }
}
