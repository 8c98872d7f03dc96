using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Notify.Aws.Http;
using Notify.Core.Resources;
using Notify.Core.Users;

namespace Notify.Aws.Sns;

/// <summary>
/// The SNS platform applications push tokens are registered with (section <c>Notify:Push</c>). An ARN left empty is
/// looked up by name (<c>{prefix}-fcm</c>, <c>{prefix}-apns</c>, <c>{prefix}-apns-sandbox</c>), which is what the
/// local provisioner creates.
/// </summary>
public sealed class PushOptions
{
    public const string SectionName = "Notify:Push";

    [RegularExpression("^arn:[^:]+:sns:.+$")]
    public string? FcmApplicationArn { get; set; }

    [RegularExpression("^arn:[^:]+:sns:.+$")]
    public string? ApnsApplicationArn { get; set; }

    [RegularExpression("^arn:[^:]+:sns:.+$")]
    public string? ApnsSandboxApplicationArn { get; set; }
}

/// <summary>
/// Registers push tokens as SNS platform endpoints, as the SNS developer guide recommends: create the endpoint (idempotent
/// for the same token and attributes); when SNS answers <c>InvalidParameter</c> because an endpoint with this token exists
/// with other attributes (another user's, say), reuse the ARN named in the message; then read the endpoint and, if its
/// token, user data or enabled flag is off, set them so the endpoint delivers to this user again.
/// </summary>
public sealed partial class SnsPushEndpointRegistry : IPushEndpointRegistry
{
    private readonly SnsClient _sns;
    private readonly ResourceNaming _naming;
    private readonly PushOptions _options;
    private readonly Dictionary<PushPlatform, Task<string>> _applications = [];
    private readonly Lock _gate = new();

    public SnsPushEndpointRegistry(SnsClient sns, ResourceNaming naming, IOptions<PushOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _sns = sns ?? throw new ArgumentNullException(nameof(sns));
        _naming = naming ?? throw new ArgumentNullException(nameof(naming));
        _options = options.Value;
    }

    /// <summary>The endpoint ARN for the token, enabled and carrying <paramref name="userId"/> as its custom user data.</summary>
    /// <exception cref="InvalidOperationException">No platform application is configured or provisioned for the platform.</exception>
    public async Task<string> RegisterAsync(string userId, PushPlatform platform, string token, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var application = await ApplicationArnAsync(platform, cancellationToken);

        // Twice at most: the endpoint can be deleted between creating and reading it; the second create makes a new one.
        for (var attempt = 1; ; attempt++)
        {
            var arn = await CreateOrFindAsync(application, userId, token, cancellationToken);
            Dictionary<string, string> attributes;
            try
            {
                attributes = (await _sns.GetEndpointAttributesAsync(new GetEndpointAttributesRequest { EndpointArn = arn }, cancellationToken)).Attributes;
            }
            catch (AwsServiceException e) when (e.ErrorCode == "NotFound" && attempt == 1)
            {
                continue;
            }

            var changes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (attributes.GetValueOrDefault("Token") != token)
            {
                changes["Token"] = token;
            }

            if (attributes.GetValueOrDefault("CustomUserData") != userId)
            {
                changes["CustomUserData"] = userId;
            }

            if (!string.Equals(attributes.GetValueOrDefault("Enabled"), "true", StringComparison.OrdinalIgnoreCase))
            {
                changes["Enabled"] = "true";
            }

            if (changes.Count > 0)
            {
                await _sns.SetEndpointAttributesAsync(new SetEndpointAttributesRequest { EndpointArn = arn, Attributes = changes }, cancellationToken);
            }

            return arn;
        }
    }

    /// <summary>Deletes the endpoint; deleting one that is already gone succeeds (SNS's DeleteEndpoint is idempotent).</summary>
    public async Task RemoveAsync(string endpointArn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpointArn);
        try
        {
            await _sns.DeleteEndpointAsync(new DeleteEndpointRequest { EndpointArn = endpointArn }, cancellationToken);
        }
        catch (AwsServiceException e) when (e.StatusCode == HttpStatusCode.NotFound || e.ErrorCode == "NotFound")
        {
        }
    }

    [GeneratedRegex(@"Endpoint (?<arn>arn:[^ ]+) already exists with the same [Tt]oken")]
    private static partial Regex ExistingEndpoint();

    private async Task<string> CreateOrFindAsync(string application, string userId, string token, CancellationToken cancellationToken)
    {
        try
        {
            var created = await _sns.CreatePlatformEndpointAsync(
                new CreatePlatformEndpointRequest { PlatformApplicationArn = application, Token = token, CustomUserData = userId }, cancellationToken);
            return created.EndpointArn ?? throw new InvalidOperationException("SNS answered CreatePlatformEndpoint without an endpoint ARN.");
        }
        catch (AwsServiceException e) when (e.ErrorCode == "InvalidParameter" && ExistingEndpoint().Match(e.ErrorMessage) is { Success: true } match)
        {
            return match.Groups["arn"].Value;
        }
    }

    private Task<string> ApplicationArnAsync(PushPlatform platform, CancellationToken cancellationToken)
    {
        var configured = platform switch
        {
            PushPlatform.Fcm => _options.FcmApplicationArn,
            PushPlatform.Apns => _options.ApnsApplicationArn,
            PushPlatform.ApnsSandbox => _options.ApnsSandboxApplicationArn,
            _ => throw new ArgumentOutOfRangeException(nameof(platform)),
        };
        if (!string.IsNullOrEmpty(configured))
        {
            return Task.FromResult(configured);
        }

        lock (_gate)
        {
            if (!_applications.TryGetValue(platform, out var lookup) || lookup.IsFaulted || lookup.IsCanceled)
            {
                lookup = FindApplicationAsync(platform, cancellationToken);
                _applications[platform] = lookup;
            }

            return lookup;
        }
    }

    private async Task<string> FindApplicationAsync(PushPlatform platform, CancellationToken cancellationToken)
    {
        var name = platform switch
        {
            PushPlatform.Fcm => "fcm",
            PushPlatform.Apns => "apns",
            _ => "apns-sandbox",
        };
        var definition = NotifyResources.PlatformApplications.Single(a => a.Name == name);
        var suffix = $"/{definition.Platform}/{_naming.PlatformApplication(definition)}";
        string? next = null;
        do
        {
            var page = await _sns.ListPlatformApplicationsAsync(new ListPlatformApplicationsRequest { NextToken = next }, cancellationToken);
            if (page.PlatformApplications.FirstOrDefault(a => a.PlatformApplicationArn?.EndsWith(suffix, StringComparison.Ordinal) == true) is { } found)
            {
                return found.PlatformApplicationArn!;
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        throw new InvalidOperationException(
            $"No SNS platform application for {platform}: set {PushOptions.SectionName}:{platform}ApplicationArn or provision '{_naming.PlatformApplication(definition)}'.");
    }
}
