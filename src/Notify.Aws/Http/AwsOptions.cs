namespace Notify.Aws.Http;

/// <summary>
/// Where Notify's services find AWS (section <c>Aws</c>). All optional: by default the SDK resolution chain and
/// the <c>AWS_ENDPOINT_URL*</c> variables decide, exactly as for any AWS SDK application.
/// </summary>
public sealed class AwsOptions
{
    public const string SectionName = "Aws";

    /// <summary>Region name (e.g. eu-west-1); else AWS_REGION, the profile's region, or instance metadata.</summary>
    public string? Region { get; set; }

    /// <summary>A shared-config profile to take credentials and region from.</summary>
    public string? Profile { get; set; }

    /// <summary>One endpoint for every service (moto, LocalStack); else the AWS_ENDPOINT_URL* variables, else AWS.</summary>
    public Uri? EndpointUrl { get; set; }

    public AwsConnection ToConnection() => AwsConnection.FromEnvironment(Region, Profile, EndpointUrl);
}
