using Amazon.CDK;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SQS;
using Constructs;
using Notify.Cdk.Stacks;
using Notify.Core.Resources;

namespace Notify.Cdk.Services;

/// <summary>
/// The delivery worker on Fargate: one container from <c>src/Notify.Worker/Dockerfile</c> and the metrics collector
/// sidecar; ECS waits <see cref="ServiceEnvironment.WorkerStopTimeout"/> after SIGTERM, the worker's own drain time, so a
/// deploy or scale-in never cuts a delivery short. It scales on the lanes' backlog: messages visible and the age of the
/// oldest message, the signals that say deliveries are waiting.
/// </summary>
internal sealed class WorkerService : Construct
{
    /// <summary>Backlog (visible messages over both lanes) at which tasks are added, 1 then 3 at a time.</summary>
    public static readonly (int One, int Three) BacklogSteps = (100, 1000);

    public WorkerService(Construct scope, string id, WorkerServiceProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        var (settings, data, messaging, cluster) = (props.Settings, props.Data, props.Messaging, props.Cluster);
        var stage = settings.Stage;

        Role = new Role(this, "TaskRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ecs-tasks.amazonaws.com"),
            Description = "Notify's delivery worker",
        });
        ServiceAccess.GrantWorker(Role, data, messaging);

        Logs = new LogGroup(this, "Logs", new LogGroupProps { Retention = stage.LogRetention, RemovalPolicy = stage.RemovalPolicy });
        DeliveryMetrics = new LogGroup(this, "DeliveryMetrics", new LogGroupProps { Retention = stage.LogRetention, RemovalPolicy = stage.RemovalPolicy });

        var task = new FargateTaskDefinition(this, "Task", new FargateTaskDefinitionProps
        {
            Cpu = 512,
            MemoryLimitMiB = 1024,
            TaskRole = Role,
            RuntimePlatform = new RuntimePlatform { CpuArchitecture = CpuArchitecture.X86_64, OperatingSystemFamily = OperatingSystemFamily.LINUX },
        });
        Container = task.AddContainer("Worker", new ContainerDefinitionOptions
        {
            Image = ServiceImages.Worker(),
            Essential = true,
            MemoryReservationMiB = 640,
            Environment = ServiceEnvironment.Worker(settings, data, messaging),
            PortMappings = [new PortMapping { ContainerPort = ServiceEnvironment.ContainerPort }],
            StopTimeout = Duration.Seconds(ServiceEnvironment.WorkerStopTimeout.TotalSeconds),
            HealthCheck = new Amazon.CDK.AWS.ECS.HealthCheck
            {
                Command = ["CMD-SHELL", $"curl -fsS http://localhost:{ServiceEnvironment.ContainerPort}/alive || exit 1"],
                Interval = Duration.Seconds(30),
                Timeout = Duration.Seconds(5),
                Retries = 3,
                StartPeriod = Duration.Seconds(30),
            },
            Logging = LogDriver.AwsLogs(new AwsLogDriverProps { LogGroup = Logs, StreamPrefix = "worker" }),
        });
        MetricsCollector.AddTo(task, "notify-worker", new CollectorExports(DeliveryMetrics, props.Prometheus), Logs);

        Service = new FargateService(this, "Service", new FargateServiceProps
        {
            Cluster = cluster,
            TaskDefinition = task,
            // No desired count: a deploy keeps what autoscaling set (a new service starts at the scaling minimum), instead
            // of cutting a scaled-out worker back in the middle of a backlog.
            MinHealthyPercent = 100,
            MaxHealthyPercent = 200,
            CircuitBreaker = new DeploymentCircuitBreaker { Enable = true, Rollback = true },
            VpcSubnets = new Amazon.CDK.AWS.EC2.SubnetSelection { SubnetType = Amazon.CDK.AWS.EC2.SubnetType.PRIVATE_WITH_EGRESS },
        });

        var lanes = (High: messaging.Queue(NotifyResources.HighLane), Low: messaging.Queue(NotifyResources.LowLane));
        var scaling = Service.AutoScaleTaskCount(new EnableScalingProps { MinCapacity = stage.WorkerMinTasks, MaxCapacity = stage.WorkerMaxTasks });
        scaling.ScaleOnMetric("ScaleOnBacklog", StepScaling(
            BothLanes("Messages visible on both lanes", "high + low", lanes, (q, o) => q.MetricApproximateNumberOfMessagesVisible(o)),
            new ScalingInterval { Upper = 0, Change = -1 },
            new ScalingInterval { Lower = BacklogSteps.One, Change = +1 },
            new ScalingInterval { Lower = BacklogSteps.Three, Change = +3 }));

        // The age catches what the count misses: a few messages stuck behind slow sends. Only scales out; the backlog
        // policy scales in once the lanes are empty.
        scaling.ScaleOnMetric("ScaleOnOldestMessage", StepScaling(
            BothLanes("Age of the oldest message on either lane", "MAX([high, low])", lanes, (q, o) => q.MetricApproximateAgeOfOldestMessage(o)),
            new ScalingInterval { Upper = stage.HighLaneAgeAlarmSeconds / 2, Change = 0 },
            new ScalingInterval { Lower = stage.HighLaneAgeAlarmSeconds / 2, Change = +2 }));
    }

    public Role Role { get; }

    public FargateService Service { get; }

    public ContainerDefinition Container { get; }

    public LogGroup Logs { get; }

    /// <summary>The EMF log group the collector writes the delivery counts to.</summary>
    public LogGroup DeliveryMetrics { get; }

    /// <summary>One per-minute SQS metric of both lanes (maximum), combined by <paramref name="expression"/> over <c>high</c> and <c>low</c>.</summary>
    private static MathExpression BothLanes(string label, string expression, (Queue High, Queue Low) lanes, Func<Queue, MetricOptions, Metric> metric)
    {
        var perMinute = new MetricOptions { Statistic = "Maximum", Period = Duration.Minutes(1) };
        return new MathExpression(new MathExpressionProps
        {
            Label = label,
            Expression = expression,
            UsingMetrics = new Dictionary<string, IMetric> { ["high"] = metric(lanes.High, perMinute), ["low"] = metric(lanes.Low, perMinute) },
            Period = Duration.Minutes(1),
        });
    }

    private static BasicStepScalingPolicyProps StepScaling(IMetric metric, params ScalingInterval[] steps) => new()
    {
        Metric = metric,
        ScalingSteps = steps,
        AdjustmentType = AdjustmentType.CHANGE_IN_CAPACITY,
        Cooldown = Duration.Minutes(2),
    };
}

internal sealed record WorkerServiceProps(DeploymentSettings Settings, DataStack Data, MessagingStack Messaging, Cluster Cluster, Amazon.CDK.AWS.APS.CfnWorkspace? Prometheus);
