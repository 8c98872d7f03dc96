extern alias worker;

using System.Globalization;
using System.Text.Json.Nodes;
using Notify.Cdk.Services;
using Notify.Cdk.Tests.Fixtures;
using Notify.Core.Resources;
using LaneConsumerOptions = worker::Notify.Worker.Lanes.LaneConsumerOptions;

namespace Notify.Cdk.Tests.Stacks;

[Collection(SynthesizedApps.Name)]
[Trait("Category", "Slow")]
public sealed class ServicesStackTests(DevApp dev, ProdApp prod, VariantApp variant)
{
    [Fact]
    public void Should_run_the_api_image_on_lambda_behind_an_http_api_with_stage_throttling_by_default()
    {
        foreach (var app in new SynthesizedApp[] { dev, prod })
        {
            var function = Assert.Single(app.Services.OfType("AWS::Lambda::Function")).Resource["Properties"]!;
            Assert.Equal("Image", (string?)function["PackageType"]);
            Assert.Equal(["x86_64"], function["Architectures"]!.AsArray().Select(a => (string?)a));
            Assert.Equal(29, (int)function["Timeout"]!);
            Assert.Equal(ImageTag(app, ServiceImages.ApiDockerfile), ImageUri(function["Code"]!["ImageUri"]!));

            var integration = Assert.Single(app.Services.OfType("AWS::ApiGatewayV2::Integration")).Resource["Properties"]!;
            Assert.Equal("AWS_PROXY", (string?)integration["IntegrationType"]);
            Assert.Equal("2.0", (string?)integration["PayloadFormatVersion"]);

            var stage = Assert.Single(app.Services.OfType("AWS::ApiGatewayV2::Stage")).Resource["Properties"]!;
            Assert.Equal("$default", (string?)stage["StageName"]);
            Assert.Equal(app.Stage.ApiRateLimit, (double)stage["DefaultRouteSettings"]!["ThrottlingRateLimit"]!);
            Assert.Equal(app.Stage.ApiBurstLimit, (int)stage["DefaultRouteSettings"]!["ThrottlingBurstLimit"]!);
            Assert.Equal(app.Services.LogicalId("ApiAccessLogs"), (string?)stage["AccessLogSettings"]!["DestinationArn"]!["Fn::GetAtt"]![0]);
            Assert.Empty(app.Services.OfType("AWS::ElasticLoadBalancingV2::LoadBalancer"));
        }

        Assert.Equal(50, dev.Stage.ApiRateLimit);
        Assert.Equal(500, prod.Stage.ApiRateLimit);
    }

    [Fact]
    public void Should_give_the_lambda_its_secrets_and_turn_the_inbox_fan_out_off_when_hosted_on_lambda()
    {
        var variables = Assert.Single(prod.Services.OfType("AWS::Lambda::Function")).Resource["Properties"]!["Environment"]!["Variables"]!;

        foreach (var (variable, secret) in new[] { ("NOTIFY_ADMIN_KEY", "ApiSecretsAdminKey"), ("Notify__Inbox__TokenSigningKey", "ApiSecretsInboxTokenSigningKey") })
        {
            var reference = variables[variable]!["Fn::Join"]![1]!.AsArray();
            Assert.Equal("{{resolve:secretsmanager:", (string?)reference[0]);
            Assert.Equal(prod.Services.LogicalId(secret), (string?)reference[1]!["Ref"]);
        }

        Assert.Equal("false", (string?)variables["Notify__Inbox__FanOut__Enabled"]);
    }

    [Fact]
    public void Should_tell_both_services_every_physical_name_as_a_resource_override_when_synthesized()
    {
        var worker = Environment(Container(prod, "Worker"));
        var api = Assert.Single(prod.Services.OfType("AWS::Lambda::Function")).Resource["Properties"]!["Environment"]!["Variables"]!.AsObject()
            .ToDictionary(v => v.Key, v => v.Value!);

        foreach (var environment in new[] { worker, api })
        {
            var overrides = environment.Where(v => v.Key.StartsWith("Notify__Resources__", StringComparison.Ordinal))
                .ToDictionary(v => v.Key["Notify__Resources__".Length..], v => v.Value.ToJsonString());

            // Every key is one the services accept (ResourceNaming validates them at start), with a CloudFormation value.
            Assert.Empty(ResourceNaming.Validate(overrides.ToDictionary(
                o => o.Key,
                o => NotifyResources.Queues.Any(q => q.Fifo && q.Name == o.Key.Replace('_', '-')) ? "x.fifo" : "x")));
            Assert.Equal(NotifyResources.Queues.Count + NotifyResources.Topics.Count + 2, overrides.Count);
            Assert.All(overrides.Keys, k => Assert.DoesNotContain('-', k));
            foreach (var queue in NotifyResources.Queues)
            {
                Assert.Contains($"{ConstructIds.Of(queue.Name)}Queue", overrides[queue.Name.Replace('-', '_')], StringComparison.Ordinal);
                Assert.Contains("QueueName", overrides[queue.Name.Replace('-', '_')], StringComparison.Ordinal);
            }

            foreach (var topic in NotifyResources.Topics)
            {
                Assert.Contains($"{ConstructIds.Of(topic.Name)}Topic", overrides[topic.Name.Replace('-', '_')], StringComparison.Ordinal);
                Assert.Contains("TopicName", overrides[topic.Name.Replace('-', '_')], StringComparison.Ordinal);
            }

            Assert.Contains("MainTable", overrides[NotifyResources.MainTable.Name], StringComparison.Ordinal);
            Assert.Contains("ConfigurationSet", overrides[NotifyResources.Email.ConfigurationSetName], StringComparison.Ordinal);
            Assert.Equal("notify-prod", (string?)environment["Notify__Provisioning__Prefix"]);
            Assert.Equal("example.com", (string?)environment["Notify__Provisioning__SenderIdentity"]);
        }
    }

    [Fact]
    public void Should_stop_the_worker_no_sooner_than_it_drains_when_ecs_stops_a_task()
    {
        var defaults = new LaneConsumerOptions();
        var worker = Container(prod, "Worker");

        Assert.Equal(TimeSpan.FromSeconds(20), defaults.ShutdownGracePeriod);
        Assert.Equal(defaults.ShutdownGracePeriod.ToString("c", CultureInfo.InvariantCulture), (string?)Environment(worker)["Notify__Worker__Lanes__ShutdownGracePeriod"]);
        // The host waits max(grace, last long poll) + 10 s (LaneServiceCollectionExtensions); ECS must wait longer, within its 120 s cap.
        var drain = Math.Max(defaults.ShutdownGracePeriod.TotalSeconds, defaults.WaitTimeSeconds) + 10;
        Assert.InRange((int)worker["StopTimeout"]!, drain + 1, 120);
        Assert.Equal(ServiceEnvironment.WorkerStopTimeout.TotalSeconds, (int)worker["StopTimeout"]!);
    }

    [Fact]
    public void Should_run_the_worker_image_on_fargate_with_a_health_check_on_alive_when_synthesized()
    {
        foreach (var app in new SynthesizedApp[] { dev, prod })
        {
            var worker = Container(app, "Worker");
            Assert.Equal(ImageTag(app, ServiceImages.WorkerDockerfile), ImageUri(worker["Image"]!));
            Assert.True((bool)worker["Essential"]!);
            Assert.Equal(["CMD-SHELL", "curl -fsS http://localhost:8080/alive || exit 1"], worker["HealthCheck"]!["Command"]!.AsArray().Select(c => (string?)c));
            Assert.Equal("http://+:8080", (string?)Environment(worker)["Urls"]);

            var service = Assert.Single(app.Services.OfType("AWS::ECS::Service")).Resource["Properties"]!;
            Assert.Equal("FARGATE", (string?)service["LaunchType"]);
            Assert.Null(service["DesiredCount"]); // a deploy keeps the count autoscaling set
            Assert.True((bool)service["DeploymentConfiguration"]!["DeploymentCircuitBreaker"]!["Rollback"]!);
            Assert.Equal("DISABLED", (string?)service["NetworkConfiguration"]!["AwsvpcConfiguration"]!["AssignPublicIp"]);

            var target = Assert.Single(app.Services.OfType("AWS::ApplicationAutoScaling::ScalableTarget")).Resource["Properties"]!;
            Assert.Equal(app.Stage.WorkerMinTasks, (int)target["MinCapacity"]!);
            Assert.Equal(app.Stage.WorkerMaxTasks, (int)target["MaxCapacity"]!);
        }
    }

    [Fact]
    public void Should_scale_the_worker_on_messages_visible_and_the_age_of_the_oldest_message_of_both_lanes()
    {
        var alarms = prod.Services.OfType("AWS::CloudWatch::Alarm").Select(a => a.Resource["Properties"]!).ToList();
        var backlog = alarms.Where(a => Expression(a) == "high + low").ToList();
        Assert.Equal(2, backlog.Count); // scale out above the first step, scale in at an empty backlog
        Assert.All(backlog, a => Assert.Equal(["ApproximateNumberOfMessagesVisible"], LaneMetrics(a)));
        Assert.Equal([0d, WorkerService.BacklogSteps.One], backlog.Select(a => (double)a["Threshold"]!).Order());

        var age = Assert.Single(alarms, a => Expression(a) == "MAX([high, low])");
        Assert.Equal(["ApproximateAgeOfOldestMessage"], LaneMetrics(age));
        Assert.Equal(prod.Stage.HighLaneAgeAlarmSeconds / 2, (double)age["Threshold"]!);

        var policies = prod.Services.OfType("AWS::ApplicationAutoScaling::ScalingPolicy").ToDictionary(p => p.Id, p => p.Resource["Properties"]!);
        Assert.Equal(3, policies.Count);
        Assert.All(policies.Values, p => Assert.Equal("StepScaling", (string?)p["PolicyType"]));
        var scaleOut = policies.Single(p => p.Key.Contains("ScaleOnBacklogUpper", StringComparison.Ordinal)).Value["StepScalingPolicyConfiguration"]!["StepAdjustments"]!.AsArray();
        Assert.Equal([1, 3], scaleOut.Select(s => (int)s!["ScalingAdjustment"]!));
    }

    [Fact]
    public void Should_keep_logs_a_week_in_dev_and_three_months_in_prod()
    {
        foreach (var (app, days, policy) in new[] { ((SynthesizedApp)dev, 7, "Delete"), (prod, 90, "Retain"), (variant, 90, "Retain") })
        {
            var groups = app.Templates.SelectMany(t => t.OfType("AWS::Logs::LogGroup").Select(g => (Stack: t.Name, g.Id, g.Resource))).ToList();
            Assert.NotEmpty(groups);
            Assert.All(groups, g => Assert.Equal(days, (int)g.Resource["Properties"]!["RetentionInDays"]!));
            // The platform handler's logs are deploy-time diagnostics: they go with the stack in every stage.
            Assert.All(groups.Where(g => !g.Id.StartsWith("PlatformApplicationsHandlerLogs", StringComparison.Ordinal)), g => Assert.Equal(policy, (string?)g.Resource["DeletionPolicy"]));
        }

        Assert.Equal(4, prod.Services.OfType("AWS::Logs::LogGroup").Count()); // API, API access, worker, delivery metrics
    }

    [Fact]
    public void Should_output_the_api_url_when_synthesized()
    {
        var url = prod.Services.Outputs["ApiUrl"]!["Value"]!["Fn::Join"]![1]!.AsArray();
        Assert.Equal("https://", (string?)url[0]);
        Assert.Equal(prod.Services.LogicalId("ApiHttpApi"), (string?)url[1]!["Ref"]);

        var fargate = variant.Services.Outputs["ApiUrl"]!["Value"]!["Fn::Join"]![1]!.AsArray();
        Assert.Equal("https://", (string?)fargate[0]);
        Assert.Equal(variant.Services.LogicalId("ApiServiceLB"), (string?)fargate[1]!["Fn::GetAtt"]![0]);
    }

    [Fact]
    public void Should_run_the_same_api_image_on_fargate_behind_an_https_load_balancer_when_asked()
    {
        Assert.Empty(variant.Services.OfType("AWS::Lambda::Function"));
        Assert.Empty(variant.Services.OfType("AWS::ApiGatewayV2::Api"));

        var api = Container(variant, "Api");
        Assert.Equal(ImageTag(variant, ServiceImages.ApiDockerfile), ImageUri(api["Image"]!));
        Assert.Equal(ImageTag(prod, ServiceImages.ApiDockerfile), ImageTag(variant, ServiceImages.ApiDockerfile)); // one image, both hostings
        Assert.Equal(8080, (int)api["PortMappings"]![0]!["ContainerPort"]!);
        Assert.Equal(
            ["NOTIFY_ADMIN_KEY", "Notify__Inbox__TokenSigningKey"],
            api["Secrets"]!.AsArray().Select(s => (string?)s!["Name"]).Order(StringComparer.Ordinal));
        Assert.False(Environment(api).ContainsKey("Notify__Inbox__FanOut__Enabled")); // the live inbox runs here

        var listeners = variant.Services.OfType("AWS::ElasticLoadBalancingV2::Listener").Select(l => l.Resource["Properties"]!).ToList();
        Assert.Equal(["HTTP:80", "HTTPS:443"], listeners.Select(l => $"{l["Protocol"]}:{l["Port"]}").Order());
        Assert.Equal("redirect", (string?)listeners.Single(l => (string?)l["Protocol"] == "HTTP")["DefaultActions"]![0]!["Type"]);

        var targets = Assert.Single(variant.Services.OfType("AWS::ElasticLoadBalancingV2::TargetGroup")).Resource["Properties"]!;
        Assert.Equal("/alive", (string?)targets["HealthCheckPath"]);
        Assert.All(variant.Services.OfType("AWS::ECS::Service"), s => Assert.Null(s.Resource["Properties"]!["DesiredCount"]));
        Assert.Equal(2, variant.Services.OfType("AWS::ECS::Service").Count());
    }

    [Fact]
    public void Should_scrape_metrics_into_managed_prometheus_from_both_services_when_prometheus_is_on()
    {
        Assert.Empty(prod.Services.OfType("AWS::APS::Workspace"));
        var workspace = Assert.Single(variant.Services.OfType("AWS::APS::Workspace"));
        Assert.Equal("notify-prod-metrics", (string?)workspace.Resource["Properties"]!["Alias"]);

        foreach (var (container, job) in new[] { ("Worker", "notify-worker"), ("Api", "notify-api") })
        {
            var collector = Sidecar(variant, container);
            Assert.Equal(MetricsCollector.Image, (string?)collector["Image"]);
            Assert.False((bool)collector["Essential"]!);
            var config = Config(collector);
            Assert.Contains($"job_name: {job}", config, StringComparison.Ordinal);
            Assert.Contains("targets: [\"localhost:8080\"]", config, StringComparison.Ordinal);
            Assert.Contains("metrics_path: /metrics", config, StringComparison.Ordinal);
            Assert.Contains("prometheusremotewrite:", config, StringComparison.Ordinal);
            Assert.Contains("authenticator: sigv4auth", config, StringComparison.Ordinal);
            Assert.Contains($"{{{workspace.Id}.PrometheusEndpoint}}api/v1/remote_write", config, StringComparison.Ordinal);
        }

        Assert.Equal(["PrometheusQueryUrl", "PrometheusRemoteWriteUrl"], variant.Services.Outputs.Select(o => o.Key).Where(k => k.StartsWith("Prometheus", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public void Should_write_the_delivery_counter_to_cloudwatch_from_the_worker_in_every_stage()
    {
        foreach (var app in new SynthesizedApp[] { dev, prod, variant })
        {
            var config = Config(Sidecar(app, "Worker"));

            Assert.Contains("awsemf:", config, StringComparison.Ordinal);
            Assert.Contains($"namespace: {MetricsCollector.Namespace}", config, StringComparison.Ordinal);
            Assert.Contains("dimensions: [[status]]", config, StringComparison.Ordinal);
            Assert.Contains($"metric_names: [{MetricsCollector.DeliveriesMetric}]", config, StringComparison.Ordinal);
            Assert.Contains($"log_group_name: \"{{{app.Services.LogicalId("WorkerDeliveryMetrics")}}}\"", config, StringComparison.Ordinal);
            Assert.Equal(app == variant, config.Contains("prometheusremotewrite", StringComparison.Ordinal));
        }
    }

    private static JsonObject Container(SynthesizedApp app, string name) =>
        app.Services.OfType("AWS::ECS::TaskDefinition")
            .SelectMany(t => t.Resource["Properties"]!["ContainerDefinitions"]!.AsArray())
            .Single(c => (string?)c!["Name"] == name)!.AsObject();

    /// <summary>The collector in the same task as <paramref name="name"/>.</summary>
    private static JsonObject Sidecar(SynthesizedApp app, string name) =>
        app.Services.OfType("AWS::ECS::TaskDefinition")
            .Select(t => t.Resource["Properties"]!["ContainerDefinitions"]!.AsArray())
            .Single(containers => containers.Any(c => (string?)c!["Name"] == name))
            .Single(c => (string?)c!["Name"] == "MetricsCollector")!.AsObject();

    private static Dictionary<string, JsonNode> Environment(JsonObject container) =>
        container["Environment"]!.AsArray().ToDictionary(v => (string)v!["Name"]!, v => v!["Value"]!);

    /// <summary>The collector's configuration, with each spliced-in token written as <c>{LogicalId}</c> or <c>{LogicalId.Attribute}</c>.</summary>
    private static string Config(JsonObject collector)
    {
        var value = Environment(collector)["AOT_CONFIG_CONTENT"];
        return value is JsonValue ? (string)value! : string.Concat(value["Fn::Join"]![1]!.AsArray().Select(part => part switch
        {
            JsonValue text => (string)text!,
            JsonObject o when o["Ref"] is { } r => $"{{{r}}}",
            JsonObject o when o["Fn::GetAtt"] is JsonArray a => $"{{{a[0]}.{a[1]}}}",
            _ => "{?}",
        }));
    }

    private static string? Expression(JsonNode alarm) =>
        alarm["Metrics"]?.AsArray().Select(m => (string?)m!["Expression"]).SingleOrDefault(e => e is not null);

    /// <summary>The SQS metric names an alarm reads, after checking it reads them for both lanes.</summary>
    private static IEnumerable<string> LaneMetrics(JsonNode alarm)
    {
        var stats = alarm["Metrics"]!.AsArray().Where(m => m!["MetricStat"] is not null).Select(m => m!["MetricStat"]!["Metric"]!).ToList();
        Assert.All(stats, s => Assert.Equal("AWS/SQS", (string?)s["Namespace"]));
        Assert.Equal(
            [$"{ConstructIds.Of(NotifyResources.HighLane.Name)}Queue", $"{ConstructIds.Of(NotifyResources.LowLane.Name)}Queue"],
            stats.Select(s => s["Dimensions"]![0]!["Value"]!.ToJsonString())
                .Select(v => v.Contains("HighQueue", StringComparison.Ordinal) ? "HighQueue" : v.Contains("LowQueue", StringComparison.Ordinal) ? "LowQueue" : v)
                .Order());
        return stats.Select(s => (string)s["MetricName"]!).Distinct();
    }

    private static string ImageUri(JsonNode uri) => ((string)uri["Fn::Sub"]!).Split(':')[^1];

    /// <summary>The image tag the cloud assembly publishes for a Dockerfile (its asset hash).</summary>
    private static string ImageTag(SynthesizedApp app, string dockerfile)
    {
        var assets = JsonNode.Parse(File.ReadAllText(app.AssetManifest(app.Stacks.Services)))!["dockerImages"]!.AsObject();
        return assets.Single(a => (string?)a.Value!["source"]!["dockerFile"] == dockerfile).Key;
    }
}
