using System.Diagnostics;
using System.Diagnostics.Metrics;
using Notify.Core.Events;
using Notify.Core.Notifications;

namespace Notify.Worker.Delivery;

/// <summary>
/// Spans and business metrics of deliveries. The delivery span continues the trace the API started (W3C
/// <c>traceparent</c> carried as an SQS message attribute), so one trace runs from the POST to the provider call and the
/// state writes; the AWS client's spans nest under it.
/// </summary>
public static class DeliveryTelemetry
{
    public const string Name = "Notify.Worker";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(
        "notify.deliveries", "{notification}", "Notification rows reaching a final status, by channel and status.");

    private static readonly Histogram<double> AcceptedToFinal = Meter.CreateHistogram(
        "notify.delivery.latency", "s", "From the API accepting the event to the notification's final status (sent, failed, skipped...).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600] });

    private static readonly Histogram<double> ProviderCall = Meter.CreateHistogram(
        "notify.provider.duration", "s", "Provider calls (SES, SNS), by channel and result.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> Deferrals = Meter.CreateCounter<long>(
        "notify.deferrals", "{notification}", "Notifications put back for later, by reason (quiet_hours, rate_limited).");

    public static Activity? StartDelivery(AcceptedEvent accepted, string? traceParent, string? traceState)
    {
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);
        var activity = Source.StartActivity($"deliver {accepted.Submission.EventType}", ActivityKind.Consumer, parent);
        activity?.SetTag("notify.event_id", accepted.EventId)
            .SetTag("notify.priority", accepted.Priority.ToString().ToLowerInvariant())
            .SetTag("notify.generation", accepted.Generation)
            .SetTag("messaging.system", "aws_sqs")
            .SetTag("messaging.operation.type", "process");
        return activity;
    }

    public static Activity? StartSend(Channel channel) =>
        Source.StartActivity($"send {Wire(channel)}", ActivityKind.Client)?.SetTag("notify.channel", Wire(channel));

    public static void RecordFinal(NotificationRecord row, AcceptedEvent accepted, DateTimeOffset now)
    {
        var channel = new KeyValuePair<string, object?>("channel", Wire(row.Channel));
        Deliveries.Add(1, channel, new KeyValuePair<string, object?>("status", Wire(row.Status)));
        if (!row.Simulated)
        {
            AcceptedToFinal.Record(
                (now - accepted.AcceptedAt).TotalSeconds,
                channel,
                new KeyValuePair<string, object?>("priority", accepted.Priority.ToString().ToLowerInvariant()),
                new KeyValuePair<string, object?>("status", Wire(row.Status)));
        }
    }

    public static void RecordProviderCall(Channel channel, string result, TimeSpan elapsed) =>
        ProviderCall.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("channel", Wire(channel)), new KeyValuePair<string, object?>("result", result));

    public static void RecordDeferral(Channel channel, string reason) =>
        Deferrals.Add(1, new KeyValuePair<string, object?>("channel", Wire(channel)), new KeyValuePair<string, object?>("reason", reason));

    private static string Wire<TEnum>(TEnum value)
        where TEnum : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
