using Amazon.CDK;
using Amazon.CDK.AWS.Apigatewayv2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AwsApigatewayv2Integrations;
using Constructs;
using Notify.Cdk.Stacks;

namespace Notify.Cdk.Services;

/// <summary>
/// The API as a Lambda function from the API's container image (the same image the Fargate variant runs; with
/// <c>AWS_LAMBDA_RUNTIME_API</c> set it serves the Lambda Runtime API) behind an HTTP API whose <c>$default</c> stage
/// throttles by stage. Payload format 2.0, which the runtime bridge reads.
/// </summary>
internal sealed class ApiOnLambda : Construct
{
    public ApiOnLambda(Construct scope, string id, DeploymentSettings settings, DataStack data, MessagingStack messaging, ApiSecrets secrets)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(secrets);
        var stage = settings.Stage;

        // No managed policy (AWSLambdaBasicExecutionRole grants logs on *): the function writes to its own log group only.
        Role = new Role(this, "FunctionRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = "Notify's API on Lambda",
        });
        ServiceAccess.GrantApi(Role, settings, data, messaging);
        Logs = new LogGroup(this, "Logs", new LogGroupProps { Retention = stage.LogRetention, RemovalPolicy = stage.RemovalPolicy });
        Logs.GrantWrite(Role);

        var environment = ServiceEnvironment.Api(settings, data, messaging);
        // Lambda has no secret injection: CloudFormation resolves the references at deploy time into the function's
        // (KMS-encrypted) configuration. The Fargate variant injects them from Secrets Manager at task start instead.
        foreach (var (variable, secret) in secrets.Variables)
        {
            environment[variable] = secret.SecretValue.UnsafeUnwrap();
        }

        // Live inbox pushes need long-lived connections and a queue long-polled between requests; a Lambda has neither
        // (the HTTP API carries no WebSocket or SSE stream, the function freezes between invocations). Clients read the
        // inbox endpoints instead; -c apiHosting=fargate serves the hub and the streams.
        environment["Notify__Inbox__FanOut__Enabled"] = "false";

        Function = new DockerImageFunction(this, "Function", new DockerImageFunctionProps
        {
            Code = ServiceImages.ApiLambdaCode(),
            Architecture = Architecture.X86_64,
            MemorySize = stage.ApiMemoryMiB,
            // API Gateway gives up on an integration after 30 s; the function need not run longer.
            Timeout = Duration.Seconds(29),
            Role = Role,
            LogGroup = Logs,
            Environment = environment,
            Description = "Notify API (Lambda Runtime API bridge in Notify.Api)",
        });

        HttpApi = new HttpApi(this, "HttpApi", new HttpApiProps
        {
            Description = $"Notify API ({stage.Name})",
            CreateDefaultStage = false,
            DefaultIntegration = new HttpLambdaIntegration("Function", Function, new HttpLambdaIntegrationProps
            {
                PayloadFormatVersion = PayloadFormatVersion.VERSION_2_0,
            }),
        });
        AccessLogs = new LogGroup(this, "AccessLogs", new LogGroupProps { Retention = stage.LogRetention, RemovalPolicy = stage.RemovalPolicy });
        Stage = new HttpStage(this, "DefaultStage", new HttpStageProps
        {
            HttpApi = HttpApi,
            StageName = "$default",
            AutoDeploy = true,
            Throttle = new ThrottleSettings { RateLimit = stage.ApiRateLimit, BurstLimit = stage.ApiBurstLimit },
        });
        ((CfnStage)Stage.Node.DefaultChild!).AccessLogSettings = new CfnStage.AccessLogSettingsProperty
        {
            DestinationArn = AccessLogs.LogGroupArn,
            Format = """{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod","path":"$context.path","status":"$context.status","latencyMs":"$context.responseLatency","integrationError":"$context.integrationErrorMessage"}""",
        };
    }

    public Role Role { get; }

    public DockerImageFunction Function { get; }

    public HttpApi HttpApi { get; }

    public HttpStage Stage { get; }

    public LogGroup Logs { get; }

    public LogGroup AccessLogs { get; }

    public string Url => Stage.Url;
}
