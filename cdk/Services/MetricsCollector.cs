using Amazon.CDK;
using Amazon.CDK.AWS.APS;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;

namespace Notify.Cdk.Services;

/// <summary>What the collector sidecar does with the metrics it scrapes from the service's <c>/metrics</c>.</summary>
/// <param name="DeliveryMetrics">Writes <c>notify_deliveries_total</c> by <c>status</c> to CloudWatch (namespace
/// <see cref="MetricsCollector.Namespace"/>) as embedded metric format logs, for the delivery failure alarm.</param>
/// <param name="Prometheus">Remote-writes everything to this Amazon Managed Prometheus workspace.</param>
internal sealed record CollectorExports(ILogGroup? DeliveryMetrics, CfnWorkspace? Prometheus);

/// <summary>
/// The AWS Distro for OpenTelemetry collector as a sidecar: it scrapes the service's Prometheus endpoint on localhost,
/// exactly as a Prometheus server would, and exports to CloudWatch (EMF) and/or Amazon Managed Prometheus (remote write
/// signed with SigV4). Its configuration is inline (<c>AOT_CONFIG_CONTENT</c>), so no file or parameter is deployed.
/// </summary>
internal static class MetricsCollector
{
    /// <summary>Pinned: a collector upgrade changes metric translation, so it is a deliberate change.</summary>
    public const string Image = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3";

    /// <summary>The CloudWatch namespace of the delivery metrics.</summary>
    public const string Namespace = "Notify";

    /// <summary>The Prometheus name of the worker's <c>notify.deliveries</c> counter, as scraped.</summary>
    public const string DeliveriesMetric = "notify_deliveries_total";

    public static ContainerDefinition AddTo(TaskDefinition task, string job, CollectorExports exports, ILogGroup logs)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(exports);
        var collector = task.AddContainer("MetricsCollector", new ContainerDefinitionOptions
        {
            Image = ContainerImage.FromRegistry(Image),
            // A collector failure must not stop deliveries; metrics gap, the service goes on.
            Essential = false,
            Cpu = 64,
            MemoryReservationMiB = 128,
            MemoryLimitMiB = 256,
            Environment = new Dictionary<string, string> { ["AOT_CONFIG_CONTENT"] = Configuration(job, exports) },
            Logging = LogDriver.AwsLogs(new AwsLogDriverProps { LogGroup = logs, StreamPrefix = "collector" }),
        });

        if (exports.DeliveryMetrics is { } deliveryMetrics)
        {
            deliveryMetrics.GrantWrite(task.TaskRole);
            task.TaskRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "CollectorFindsItsLogStream",
                Actions = ["logs:DescribeLogStreams"],
                Resources = [deliveryMetrics.LogGroupArn],
            }));
        }

        if (exports.Prometheus is { } workspace)
        {
            task.TaskRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "CollectorRemoteWrites",
                Actions = ["aps:RemoteWrite"],
                Resources = [workspace.AttrArn],
            }));
        }

        return collector;
    }

    /// <summary>The collector's configuration (YAML; values with tokens spliced in are quoted).</summary>
    public static string Configuration(string job, CollectorExports exports)
    {
        ArgumentNullException.ThrowIfNull(exports);
        var extensions = new List<string> { "  health_check:" };
        var processors = new List<string> { "  batch:\n    timeout: 30s" };
        var exporters = new List<string>();
        var pipelines = new List<string>();
        if (exports.DeliveryMetrics is { } deliveryMetrics)
        {
            // Only the delivery counter, by status (channel summed): awsemf turns a counter into per-interval deltas, so
            // Sum over a period is the deliveries in it. The other series stay in Prometheus, where they are cheap.
            processors.Add($$"""
              filter/deliveries:
                metrics:
                  include:
                    match_type: strict
                    metric_names: [{{DeliveriesMetric}}]
            """);
            exporters.Add($$"""
              awsemf:
                namespace: {{Namespace}}
                log_group_name: "{{deliveryMetrics.LogGroupName}}"
                log_stream_name: "{TaskId}"
                dimension_rollup_option: NoDimensionRollup
                metric_declarations:
                  - dimensions: [[status]]
                    metric_name_selectors: ["^{{DeliveriesMetric}}$"]
            """);
            pipelines.Add("""
                metrics/cloudwatch:
                  receivers: [prometheus]
                  processors: [filter/deliveries, batch]
                  exporters: [awsemf]
            """);
        }

        if (exports.Prometheus is { } workspace)
        {
            extensions.Add($$"""
              sigv4auth:
                region: "{{Amazon.CDK.Aws.REGION}}"
                service: aps
            """);
            exporters.Add($$"""
              prometheusremotewrite:
                endpoint: "{{workspace.AttrPrometheusEndpoint}}api/v1/remote_write"
                auth:
                  authenticator: sigv4auth
                resource_to_telemetry_conversion:
                  enabled: true
            """);
            pipelines.Add("""
                metrics/prometheus:
                  receivers: [prometheus]
                  processors: [batch]
                  exporters: [prometheusremotewrite]
            """);
        }

        var enabled = string.Join(", ", extensions.Select(e => e.Trim().Split(':')[0]));
        return $$"""
            extensions:
            {{string.Join("\n", extensions)}}
            receivers:
              prometheus:
                config:
                  scrape_configs:
                    - job_name: {{job}}
                      scrape_interval: 15s
                      metrics_path: /metrics
                      static_configs:
                        - targets: ["localhost:{{ServiceEnvironment.ContainerPort}}"]
            processors:
            {{string.Join("\n", processors)}}
            exporters:
            {{string.Join("\n", exporters)}}
            service:
              extensions: [{{enabled}}]
              pipelines:
            {{string.Join("\n", pipelines)}}
            """;
    }
}
