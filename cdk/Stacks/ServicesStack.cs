using Amazon.CDK;
using Amazon.CDK.AWS.APS;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ECS;
using Constructs;
using Notify.Cdk.Services;

namespace Notify.Cdk.Stacks;

/// <summary>
/// The API (Lambda behind an HTTP API by default, or Fargate behind an ALB), the worker on Fargate, the API's generated
/// secrets, the alarms and, with <c>-c prometheus=true</c>, an Amazon Managed Prometheus workspace the collector sidecars
/// remote-write to. No notification state lives here: it redeploys with every release.
/// </summary>
internal sealed class ServicesStack : Stack
{
    public ServicesStack(Construct scope, string id, IStackProps props, DeploymentSettings settings, DataStack data, MessagingStack messaging)
        : base(scope, id, props)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var stage = settings.Stage;

        Vpc = new Vpc(this, "Vpc", new VpcProps
        {
            MaxAzs = 2,
            NatGateways = stage.NatGateways,
            SubnetConfiguration =
            [
                new SubnetConfiguration { Name = "public", SubnetType = SubnetType.PUBLIC, CidrMask = 24 },
                new SubnetConfiguration { Name = "private", SubnetType = SubnetType.PRIVATE_WITH_EGRESS, CidrMask = 22 },
            ],
        });
        // DynamoDB through the VPC's route tables, not the NAT gateway: free, and the worker's busiest dependency.
        Vpc.AddGatewayEndpoint("DynamoDb", new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.DYNAMODB });
        Cluster = new Cluster(this, "Cluster", new ClusterProps { Vpc = Vpc, ContainerInsights = stage.ContainerInsights });

        if (settings.Prometheus)
        {
            Prometheus = new CfnWorkspace(this, "Prometheus", new CfnWorkspaceProps { Alias = $"{settings.ResourcePrefix}-metrics" });
            new CfnOutput(this, "PrometheusRemoteWriteUrl", new CfnOutputProps { Value = $"{Prometheus.AttrPrometheusEndpoint}api/v1/remote_write" });
            new CfnOutput(this, "PrometheusQueryUrl", new CfnOutputProps { Value = $"{Prometheus.AttrPrometheusEndpoint}api/v1/query" });
        }

        Secrets = new ApiSecrets(this, "ApiSecrets", stage);
        new CfnOutput(this, "AdminKeySecretArn", new CfnOutputProps { Value = Secrets.AdminKey.SecretArn, Description = "aws secretsmanager get-secret-value --secret-id ..." });

        Worker = new WorkerService(this, "Worker", new WorkerServiceProps(settings, data, messaging, Cluster, Prometheus));
        if (settings.ApiHosting == ApiHosting.Lambda)
        {
            LambdaApi = new ApiOnLambda(this, "Api", settings, data, messaging, Secrets);
        }
        else
        {
            FargateApi = new ApiOnFargate(this, "Api", settings, data, messaging, Secrets, Cluster, Prometheus);
        }

        Alarms = new NotifyAlarms(this, "Alarms", new NotifyAlarmsProps(settings, messaging, LambdaApi, FargateApi));
        new CfnOutput(this, "ApiUrl", new CfnOutputProps { Value = LambdaApi?.Url ?? FargateApi!.Url, Description = "Notify's API" });
    }

    public Vpc Vpc { get; }

    public Cluster Cluster { get; }

    public CfnWorkspace? Prometheus { get; }

    public ApiSecrets Secrets { get; }

    public WorkerService Worker { get; }

    public ApiOnLambda? LambdaApi { get; }

    public ApiOnFargate? FargateApi { get; }

    public NotifyAlarms Alarms { get; }
}
