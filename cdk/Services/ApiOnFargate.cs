using Amazon.CDK;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.CertificateManager;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.ECS.Patterns;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Constructs;
using Notify.Cdk.Stacks;
using EcsSecret = Amazon.CDK.AWS.ECS.Secret;

namespace Notify.Cdk.Services;

/// <summary>
/// The API on Fargate behind an Application Load Balancer (<c>-c apiHosting=fargate</c>): the same image as on Lambda,
/// for steady, high traffic and for the live inbox's long-lived connections (SignalR, SSE), which an HTTP API does not
/// carry. HTTPS when <c>-c certificateArn=...</c> is given (HTTP then redirects), else HTTP.
/// </summary>
internal sealed class ApiOnFargate : Construct
{
    public ApiOnFargate(Construct scope, string id, DeploymentSettings settings, DataStack data, MessagingStack messaging, ApiSecrets secrets, Cluster cluster, Amazon.CDK.AWS.APS.CfnWorkspace? prometheus)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(secrets);
        var stage = settings.Stage;
        Role = new Role(this, "TaskRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ecs-tasks.amazonaws.com"),
            Description = "Notify's API on Fargate",
        });
        ServiceAccess.GrantApi(Role, settings, data, messaging);
        Logs = new LogGroup(this, "Logs", new LogGroupProps { Retention = stage.LogRetention, RemovalPolicy = stage.RemovalPolicy });

        var https = settings.CertificateArn is not null;
        Service = new ApplicationLoadBalancedFargateService(this, "Service", new ApplicationLoadBalancedFargateServiceProps
        {
            Cluster = cluster,
            Cpu = 512,
            MemoryLimitMiB = 1024,
            RuntimePlatform = new RuntimePlatform { CpuArchitecture = CpuArchitecture.X86_64, OperatingSystemFamily = OperatingSystemFamily.LINUX },
            TaskImageOptions = new ApplicationLoadBalancedTaskImageOptions
            {
                Image = ServiceImages.Api(),
                ContainerName = "Api",
                ContainerPort = ServiceEnvironment.ContainerPort,
                Environment = ServiceEnvironment.Api(settings, data, messaging),
                Secrets = secrets.Variables.ToDictionary(v => v.Key, v => EcsSecret.FromSecretsManager(v.Value)),
                TaskRole = Role,
                LogDriver = LogDriver.AwsLogs(new AwsLogDriverProps { LogGroup = Logs, StreamPrefix = "api" }),
            },
            PublicLoadBalancer = true,
            Protocol = https ? ApplicationProtocol.HTTPS : ApplicationProtocol.HTTP,
            Certificate = https ? Certificate.FromCertificateArn(this, "Certificate", settings.CertificateArn!) : null,
            RedirectHTTP = https,
            MinHealthyPercent = 100,
            CircuitBreaker = new DeploymentCircuitBreaker { Enable = true, Rollback = true },
        });
        Service.TargetGroup.ConfigureHealthCheck(new Amazon.CDK.AWS.ElasticLoadBalancingV2.HealthCheck
        {
            Path = "/alive",
            HealthyHttpCodes = "200",
            Interval = Duration.Seconds(15),
        });
        // Draining waits for in-flight requests, not for the ALB's 300 s default.
        Service.TargetGroup.SetAttribute("deregistration_delay.timeout_seconds", "30");

        if (prometheus is not null)
        {
            MetricsCollector.AddTo(Service.TaskDefinition, "notify-api", new CollectorExports(null, prometheus), Logs);
        }

        // No desired count: deploys keep what autoscaling set.
        var scaling = Service.Service.AutoScaleTaskCount(new EnableScalingProps { MinCapacity = stage.ApiMinTasks, MaxCapacity = stage.ApiMaxTasks });
        scaling.ScaleOnCpuUtilization("ScaleOnCpu", new CpuUtilizationScalingProps { TargetUtilizationPercent = 60 });
        scaling.ScaleOnRequestCount("ScaleOnRequests", new RequestCountScalingProps
        {
            RequestsPerTarget = 1000,
            TargetGroup = Service.TargetGroup,
        });
    }

    public Role Role { get; }

    public ApplicationLoadBalancedFargateService Service { get; }

    public LogGroup Logs { get; }

    public string Url => (Service.Certificate is null ? "http://" : "https://") + Service.LoadBalancer.LoadBalancerDnsName;
}
