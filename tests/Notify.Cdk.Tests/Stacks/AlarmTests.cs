using System.Text.Json.Nodes;
using Notify.Cdk.Services;
using Notify.Cdk.Tests.Fixtures;
using Notify.Core.Resources;

namespace Notify.Cdk.Tests.Stacks;

[Collection(SynthesizedApps.Name)]
[Trait("Category", "Slow")]
public sealed class AlarmTests(DevApp dev, ProdApp prod, VariantApp variant)
{
    [Fact]
    public void Should_alarm_on_any_message_in_each_dead_letter_queue()
    {
        foreach (var app in new SynthesizedApp[] { dev, prod })
        {
            foreach (var dlq in new[] { NotifyResources.HighLaneDlq, NotifyResources.LowLaneDlq, NotifyResources.FeedbackDlq })
            {
                var alarm = Alarm(app, ConstructIds.Of(dlq.Name) + "NotEmpty");

                Assert.Equal("ApproximateNumberOfMessagesVisible", (string?)alarm["MetricName"]);
                Assert.Contains($"{ConstructIds.Of(dlq.Name)}Queue", alarm["Dimensions"]![0]!["Value"]!.ToJsonString(), StringComparison.Ordinal);
                Assert.Equal("GreaterThanThreshold", (string?)alarm["ComparisonOperator"]);
                Assert.Equal(0, (double)alarm["Threshold"]!);
                Assert.Equal(1, (int)alarm["EvaluationPeriods"]!);
            }
        }
    }

    [Fact]
    public void Should_alarm_on_the_age_of_the_oldest_message_of_each_lane_at_the_stage_threshold()
    {
        foreach (var (app, high, low) in new[] { ((SynthesizedApp)dev, 600, 3600), (prod, 120, 900) })
        {
            foreach (var (lane, seconds) in new[] { (NotifyResources.HighLane, high), (NotifyResources.LowLane, low) })
            {
                var alarm = Alarm(app, ConstructIds.Of(lane.Name) + "LaneOldestMessage");

                Assert.Equal("ApproximateAgeOfOldestMessage", (string?)alarm["MetricName"]);
                Assert.Contains($"{ConstructIds.Of(lane.Name)}Queue", alarm["Dimensions"]![0]!["Value"]!.ToJsonString(), StringComparison.Ordinal);
                Assert.Equal(seconds, (double)alarm["Threshold"]!);
                Assert.Equal("GreaterThanThreshold", (string?)alarm["ComparisonOperator"]);
            }
        }
    }

    [Fact]
    public void Should_alarm_on_the_api_5xx_rate_at_the_stage_threshold_for_either_hosting()
    {
        foreach (var (app, percent, errors) in new[] { ((SynthesizedApp)dev, 5d, "5xx"), (prod, 1d, "5xx"), (variant, 1d, "HTTPCode_Target_5XX_Count") })
        {
            var alarm = Alarm(app, "Api5xxRate");
            var metrics = alarm["Metrics"]!.AsArray();

            Assert.Equal(percent, (double)alarm["Threshold"]!);
            Assert.Equal("100 * FILL(errors, 0) / total", (string?)metrics.Single(m => m!["Expression"] is not null)!["Expression"]);
            Assert.Equal(errors, (string?)metrics.Single(m => (string?)m!["Id"] == "errors")!["MetricStat"]!["Metric"]!["MetricName"]);
        }
    }

    [Fact]
    public void Should_alarm_on_the_delivery_failure_ratio_from_the_workers_counter()
    {
        foreach (var (app, percent) in new[] { ((SynthesizedApp)dev, 20d), (prod, 5d) })
        {
            var alarm = Alarm(app, "DeliveryFailureRatio");
            var metrics = alarm["Metrics"]!.AsArray();

            Assert.Equal(percent, (double)alarm["Threshold"]!);
            Assert.Equal(
                "100 * (FILL(failed, 0) + FILL(unknown, 0)) / (FILL(sent, 0) + FILL(failed, 0) + FILL(unknown, 0))",
                (string?)metrics.Single(m => m!["Expression"] is not null)!["Expression"]);
            foreach (var status in new[] { "sent", "failed", "unknown" })
            {
                var metric = metrics.Single(m => (string?)m!["Id"] == status)!["MetricStat"]!;
                Assert.Equal(MetricsCollector.Namespace, (string?)metric["Metric"]!["Namespace"]);
                Assert.Equal(MetricsCollector.DeliveriesMetric, (string?)metric["Metric"]!["MetricName"]);
                Assert.Equal($$"""[{"Name":"status","Value":"{{status}}"}]""", metric["Metric"]!["Dimensions"]!.ToJsonString());
                Assert.Equal("Sum", (string?)metric["Stat"]);
            }
        }
    }

    [Fact]
    public void Should_alarm_on_lambda_errors_and_throttles_only_when_the_api_runs_on_lambda()
    {
        foreach (var (app, errors) in new[] { ((SynthesizedApp)dev, 10d), (prod, 1d) })
        {
            var failures = Alarm(app, "ApiFunctionErrors");
            Assert.Equal("Errors", (string?)failures["MetricName"]);
            Assert.Equal(errors, (double)failures["Threshold"]!);
            Assert.Equal("GreaterThanOrEqualToThreshold", (string?)failures["ComparisonOperator"]);

            var throttles = Alarm(app, "ApiFunctionThrottles");
            Assert.Equal("Throttles", (string?)throttles["MetricName"]);
            Assert.Equal(0, (double)throttles["Threshold"]!);
            Assert.Equal(app.Services.LogicalId("ApiFunction"), (string?)throttles["Dimensions"]![0]!["Value"]!["Ref"]);
        }

        Assert.DoesNotContain(variant.Services.Resources, r => r.Key.StartsWith("AlarmsApiFunction", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_notify_the_alarm_topic_of_every_alarm_and_its_recovery()
    {
        foreach (var app in new SynthesizedApp[] { dev, prod, variant })
        {
            var alarms = app.Services.Resources.Where(r => r.Key.StartsWith("Alarms", StringComparison.Ordinal)).Select(r => r.Value!["Properties"]!).ToList();

            Assert.Equal(app == variant ? 7 : 9, alarms.Count);
            Assert.All(alarms, a =>
            {
                Assert.Contains("AlarmTopic", a["AlarmActions"]!.ToJsonString(), StringComparison.Ordinal);
                Assert.Contains("AlarmTopic", a["OKActions"]!.ToJsonString(), StringComparison.Ordinal);
                Assert.Equal("notBreaching", (string?)a["TreatMissingData"]);
            });
        }

        Assert.Equal("oncall@example.com", (string?)Assert.Single(variant.Messaging.OfType("AWS::SNS::Subscription"), s => (string?)s.Resource["Properties"]!["Protocol"] == "email").Resource["Properties"]!["Endpoint"]);
    }

    private static JsonNode Alarm(SynthesizedApp app, string name) => app.Services.Resource("Alarms" + name)["Properties"]!;
}
