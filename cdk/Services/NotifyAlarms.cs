using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Constructs;
using Notify.Cdk.Stacks;
using Notify.Core.Resources;

namespace Notify.Cdk.Services;

/// <summary>
/// What operators see first (thresholds by stage, <see cref="StageSettings"/>): anything on a DLQ; a lane whose oldest
/// message waits too long; the API answering 5xx; deliveries failing; the Lambda erroring or throttled. Every alarm
/// notifies the alarm topic (and its email subscription, <c>-c alarmEmail=...</c>), also when it recovers.
/// </summary>
internal sealed class NotifyAlarms : Construct
{
    private readonly List<Alarm> _alarms = [];
    private readonly SnsAction _notify;

    public NotifyAlarms(Construct scope, string id, NotifyAlarmsProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        var stage = props.Settings.Stage;
        var messaging = props.Messaging;
        _notify = new SnsAction(messaging.AlarmTopic);

        foreach (var dlq in new[] { NotifyResources.HighLaneDlq, NotifyResources.LowLaneDlq, NotifyResources.FeedbackDlq })
        {
            Add(
                ConstructIds.Of(dlq.Name) + "NotEmpty",
                messaging.Queue(dlq).MetricApproximateNumberOfMessagesVisible(Every(1, "Maximum")),
                Above(0, $"Messages are on {dlq.Name}: they failed {NotifyResources.LaneMaxReceiveCount} times. See GET /api/dead-letters; redrive with POST /api/dead-letters/redrive."));
        }

        foreach (var (lane, seconds) in new[] { (NotifyResources.HighLane, stage.HighLaneAgeAlarmSeconds), (NotifyResources.LowLane, stage.LowLaneAgeAlarmSeconds) })
        {
            Add(
                ConstructIds.Of(lane.Name) + "LaneOldestMessage",
                messaging.Queue(lane).MetricApproximateAgeOfOldestMessage(Every(1, "Maximum")),
                Above(seconds, $"The oldest message on the {lane.Name} lane has waited over {seconds} s for 3 minutes: workers are behind or stuck.", periods: 3));
        }

        var api5xx = Above(stage.Api5xxPercent, $"Over {stage.Api5xxPercent}% of API requests answered 5xx in 5 minutes.");
        if (props.LambdaApi is { } lambda)
        {
            Add("Api5xxRate", Percent(lambda.HttpApi.MetricServerError(Every(5, "Sum")), lambda.HttpApi.MetricCount(Every(5, "Sum"))), api5xx);
            Add(
                "ApiFunctionErrors",
                lambda.Function.MetricErrors(Every(5, "Sum")),
                Above(stage.LambdaErrorsPerFiveMinutes, "The API function failed invocations (unhandled errors, timeouts, init errors).", orEqual: true));
            Add(
                "ApiFunctionThrottles",
                lambda.Function.MetricThrottles(Every(5, "Sum")),
                Above(0, "The API function was throttled: the account's or the function's concurrency is exhausted."));
        }

        if (props.FargateApi is { } fargate)
        {
            var metrics = fargate.Service.LoadBalancer.Metrics;
            Add("Api5xxRate", Percent(metrics.HttpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, Every(5, "Sum")), metrics.RequestCount(Every(5, "Sum"))), api5xx);
        }

        Add(
            "DeliveryFailureRatio",
            DeliveryFailures(),
            Above(stage.DeliveryFailurePercent, $"Over {stage.DeliveryFailurePercent}% of provider decisions in 15 minutes were failed or unknown (notify_deliveries_total by status)."));
    }

    public IReadOnlyList<Alarm> Alarms => _alarms;

    /// <summary>
    /// failed + unknown over sent + failed + unknown, from the counts the worker's collector writes as EMF
    /// (<see cref="MetricsCollector"/>). Skipped and suppressed are decisions, not failures, and stay out.
    /// </summary>
    private static MathExpression DeliveryFailures()
    {
        Metric Deliveries(string status) => new(new MetricProps
        {
            Namespace = MetricsCollector.Namespace,
            MetricName = MetricsCollector.DeliveriesMetric,
            DimensionsMap = new Dictionary<string, string> { ["status"] = status },
            Statistic = "Sum",
            Period = Duration.Minutes(15),
        });

        return new MathExpression(new MathExpressionProps
        {
            Label = "Failed or unknown deliveries (%)",
            Expression = "100 * (FILL(failed, 0) + FILL(unknown, 0)) / (FILL(sent, 0) + FILL(failed, 0) + FILL(unknown, 0))",
            UsingMetrics = new Dictionary<string, IMetric> { ["sent"] = Deliveries("sent"), ["failed"] = Deliveries("failed"), ["unknown"] = Deliveries("unknown") },
            Period = Duration.Minutes(15),
        });
    }

    /// <summary>API errors as a percentage of requests; no requests, no data point.</summary>
    private static MathExpression Percent(IMetric errors, IMetric requests) => new(new MathExpressionProps
    {
        Label = "API 5xx (% of requests)",
        Expression = "100 * FILL(errors, 0) / total",
        UsingMetrics = new Dictionary<string, IMetric> { ["errors"] = errors, ["total"] = requests },
        Period = Duration.Minutes(5),
    });

    /// <summary>Alarms when the metric is over (or, <paramref name="orEqual"/>, at) the threshold; no data is not breaching.</summary>
    private static CreateAlarmOptions Above(double threshold, string description, int periods = 1, bool orEqual = false) => new()
    {
        AlarmDescription = description,
        Threshold = threshold,
        ComparisonOperator = orEqual ? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD : ComparisonOperator.GREATER_THAN_THRESHOLD,
        EvaluationPeriods = periods,
        TreatMissingData = TreatMissingData.NOT_BREACHING,
    };

    private static MetricOptions Every(int minutes, string statistic) => new() { Period = Duration.Minutes(minutes), Statistic = statistic };

    private void Add(string id, IMetric metric, CreateAlarmOptions options)
    {
        var alarm = metric switch
        {
            Metric m => m.CreateAlarm(this, id, options),
            MathExpression e => e.CreateAlarm(this, id, options),
            _ => throw new ArgumentException($"Unsupported metric {metric.GetType().Name}", nameof(metric)),
        };
        alarm.AddAlarmAction(_notify);
        alarm.AddOkAction(_notify);
        _alarms.Add(alarm);
    }
}

internal sealed record NotifyAlarmsProps(DeploymentSettings Settings, MessagingStack Messaging, ApiOnLambda? LambdaApi, ApiOnFargate? FargateApi);
