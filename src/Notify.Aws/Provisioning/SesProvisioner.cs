using Notify.Aws.Http;
using Notify.Aws.Ses;
using Notify.Aws.Ses.V2;

namespace Notify.Aws.Provisioning;

/// <summary>
/// The sending identity, the configuration set and the route of bounce/complaint/delivery feedback to the SNS topic.
/// Feedback goes through a configuration-set event destination where the endpoint supports it (AWS, LocalStack);
/// where it does not (moto answers 404), through SES v1 identity notification topics. Decided by trying, not by
/// guessing from the endpoint.
/// </summary>
internal sealed class SesProvisioner(SesV2Client sesV2, SesClient ses)
{
    private static readonly string[] FeedbackEvents = ["BOUNCE", "COMPLAINT", "DELIVERY", "REJECT"];

    public async Task<IReadOnlyList<ProvisionedResource>> EnsureAsync(
        string identity, string configurationSet, string eventDestination, string topicArn, CancellationToken cancellationToken)
    {
        var results = new List<ProvisionedResource> { await EnsureIdentityAsync(identity, cancellationToken) };

        var setAction = ProvisioningAction.Unchanged;
        try
        {
            await sesV2.GetConfigurationSetAsync(new GetConfigurationSetRequest { ConfigurationSetName = configurationSet }, cancellationToken);
        }
        catch (AwsServiceException e) when (e.ErrorCode == "NotFoundException")
        {
            await sesV2.CreateConfigurationSetAsync(new CreateConfigurationSetRequest { ConfigurationSetName = configurationSet }, cancellationToken);
            setAction = ProvisioningAction.Created;
        }

        results.Add(new ProvisionedResource("ses-configuration-set", configurationSet, configurationSet, setAction));
        results.Add(await EnsureFeedbackRouteAsync(identity, configurationSet, eventDestination, topicArn, cancellationToken));
        return results;
    }

    private async Task<ProvisionedResource> EnsureIdentityAsync(string identity, CancellationToken cancellationToken)
    {
        try
        {
            await sesV2.GetEmailIdentityAsync(new GetEmailIdentityRequest { EmailIdentity = identity }, cancellationToken);
            return new ProvisionedResource("ses-identity", identity, identity, ProvisioningAction.Unchanged);
        }
        catch (AwsServiceException e) when (e.ErrorCode == "NotFoundException")
        {
            await sesV2.CreateEmailIdentityAsync(new CreateEmailIdentityRequest { EmailIdentity = identity }, cancellationToken);
            return new ProvisionedResource("ses-identity", identity, identity, ProvisioningAction.Created);
        }
    }

    private async Task<ProvisionedResource> EnsureFeedbackRouteAsync(
        string identity, string configurationSet, string eventDestination, string topicArn, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await sesV2.GetConfigurationSetEventDestinationsAsync(
                new GetConfigurationSetEventDestinationsRequest { ConfigurationSetName = configurationSet }, cancellationToken);
            if (existing.EventDestinations?.Any(d => d.Name == eventDestination) == true)
            {
                return new ProvisionedResource("ses-event-destination", eventDestination, topicArn, ProvisioningAction.Unchanged);
            }

            await sesV2.CreateConfigurationSetEventDestinationAsync(
                new CreateConfigurationSetEventDestinationRequest
                {
                    ConfigurationSetName = configurationSet,
                    EventDestinationName = eventDestination,
                    EventDestination = new EventDestinationDefinition
                    {
                        Enabled = true,
                        MatchingEventTypes = [.. FeedbackEvents],
                        SnsDestination = new SnsDestination { TopicArn = topicArn },
                    },
                },
                cancellationToken);
            return new ProvisionedResource("ses-event-destination", eventDestination, topicArn, ProvisioningAction.Created);
        }
        catch (AwsServiceException e) when (SesV2Client.IsUnsupportedOperation(e))
        {
            // moto routes feedback by the sender's identity notification topics (SES v1), looked up by domain,
            // so set them on the identity and, for an address, on its domain. Setting the same topic again is a no-op.
            var identities = identity.Contains('@', StringComparison.Ordinal) ? new[] { identity, identity[(identity.IndexOf('@', StringComparison.Ordinal) + 1)..] } : [identity];
            foreach (var target in identities)
            {
                if (target != identity)
                {
                    await ses.VerifyDomainIdentityAsync(new VerifyDomainIdentityRequest { Domain = target }, cancellationToken);
                }

                foreach (var type in new[] { NotificationType.Bounce, NotificationType.Complaint, NotificationType.Delivery })
                {
                    await ses.SetIdentityNotificationTopicAsync(
                        new SetIdentityNotificationTopicRequest { Identity = target, NotificationType = type, SnsTopic = topicArn }, cancellationToken);
                }
            }

            return new ProvisionedResource("ses-feedback-topic", string.Join(",", identities), topicArn, ProvisioningAction.Fallback);
        }
    }
}
