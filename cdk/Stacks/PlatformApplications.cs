using System.Reflection;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using Notify.Core.Resources;

namespace Notify.Cdk.Stacks;

/// <summary>One SNS platform application, as the services see it: its ARN and the ARN pattern of its device endpoints.</summary>
internal sealed record PlatformApplication(PlatformApplicationDefinition Definition, string Name, string Arn, string EndpointArns);

/// <summary>
/// The SNS platform applications of <see cref="NotifyResources.PlatformApplications"/> whose credentials secret is named in
/// context (<c>fcmSecretArn</c>, <c>apnsSecretArn</c>, <c>apnsSandboxSecretArn</c>); a platform without one is skipped,
/// and devices of that platform cannot register. CloudFormation has no platform application type, so a small custom
/// resource creates each one (Handlers/platform-application.js) and reads the secret itself at deploy time: the
/// credentials never pass through the template.
/// </summary>
internal sealed class PlatformApplications : Construct
{
    private readonly Dictionary<string, PlatformApplication> _applications = new(StringComparer.Ordinal);

    public PlatformApplications(Construct scope, string id, DeploymentSettings settings)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.PlatformSecretArns.Count == 0)
        {
            return;
        }

        var stack = Stack.Of(this);
        var role = new Role(this, "HandlerRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = "Creates, updates and deletes Notify's SNS platform applications from their secrets",
        });
        var logs = new LogGroup(this, "HandlerLogs", new LogGroupProps { Retention = settings.Stage.LogRetention, RemovalPolicy = RemovalPolicy.DESTROY });
        logs.GrantWrite(role);
        var handler = new Function(this, "Handler", new FunctionProps
        {
            Runtime = Runtime.NODEJS_20_X,
            Handler = "index.handler",
            Code = Code.FromInline(HandlerSource()),
            Role = role,
            LogGroup = logs,
            Timeout = Duration.Minutes(1),
            Description = "Notify: SNS platform applications from Secrets Manager (CloudFormation custom resource)",
        });

        foreach (var definition in NotifyResources.PlatformApplications)
        {
            if (!settings.PlatformSecretArns.TryGetValue(definition.Name, out var secretArn))
            {
                continue;
            }

            // Named after the stack, so each stage's applications are its own; the name is also what the endpoint ARNs carry.
            var name = $"{stack.StackName}-{definition.Name}";
            Secret.FromSecretCompleteArn(this, ConstructIds.Of(definition.Name) + "Secret", secretArn).GrantRead(role);
            var application = new CustomResource(this, ConstructIds.Of(definition.Name), new CustomResourceProps
            {
                ServiceToken = handler.FunctionArn,
                ResourceType = "Custom::SnsPlatformApplication",
                Properties = new Dictionary<string, object>
                {
                    ["Name"] = name,
                    ["Platform"] = definition.Platform,
                    ["SecretArn"] = secretArn,
                },
            });
            var arn = application.GetAttString("Arn");
            _applications[definition.Name] = new PlatformApplication(
                definition,
                name,
                arn,
                stack.FormatArn(new ArnComponents { Service = "sns", Resource = "endpoint", ResourceName = $"{definition.Platform}/{name}/*" }));
            new CfnOutput(stack, ConstructIds.Of(definition.Name) + "PlatformApplicationArn", new CfnOutputProps { Value = arn });
        }

        // Every application's ARN is known before it exists (the name is ours), so the grant needs no wildcard.
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ManagePlatformApplications",
            Actions = ["sns:SetPlatformApplicationAttributes", "sns:DeletePlatformApplication"],
            Resources = [.. _applications.Values.Select(a => stack.FormatArn(new ArnComponents { Service = "sns", Resource = "app", ResourceName = $"{a.Definition.Platform}/{a.Name}" }))],
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "CreatePlatformApplications",
            Actions = ["sns:CreatePlatformApplication"],
            Resources = ["*"],
        }));
    }

    /// <summary>By logical name (<c>fcm</c>, <c>apns</c>, <c>apns-sandbox</c>); only the platforms that have credentials.</summary>
    public IReadOnlyDictionary<string, PlatformApplication> Applications => _applications;

    private static string HandlerSource()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("platform-application.js")
                           ?? throw new InvalidOperationException("The platform application handler is not embedded in Notify.Cdk.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
