using Notify.Aws.Tests.Fixtures;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Volume;

/// <summary>
/// The volume run with AWS misbehaving: the fault proxy between Notify (API and worker) and moto answers 10 % of all calls
/// with added latency, a 5xx or throttling. Every notification still ends terminal and correct: email sent, SMS and push
/// sent exactly once or, where an outcome was lost, <c>unknown</c> and never sent twice. The retries it took are reported.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AwsFaultTests(AwsFaultsFixture system) : IClassFixture<AwsFaultsFixture>
{
    [Fact]
    public async Task Should_end_every_notification_terminal_and_never_send_sms_or_push_twice_when_a_tenth_of_aws_calls_fail_or_lag()
    {
        var run = new VolumeRun(system, "faults");
        await run.PrepareAsync();
        var seen = system.Proxy.RequestsSeen;

        // Rules are tried in order and the first that fires wins: 4 % + 96 % × 3.1 % + … ≈ 10 % of calls in all.
        var errorsByService = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        Action<ProxiedRequest, Fault> count = (request, fault) =>
        {
            if (fault is not Fault.Latency)
            {
                errorsByService.AddOrUpdate(ServiceOf(request), 1, (_, n) => n + 1);
            }
        };
        system.Proxy.FaultInjected += count;
        var latency = system.Proxy.Add(FaultRule.WithProbability(0.04, 1, new Fault.Latency(TimeSpan.FromMilliseconds(1500))));
        var serverErrors = system.Proxy.Add(FaultRule.WithProbability(0.031, 2, Fault.ServerError(503)));
        var throttling = system.Proxy.Add(FaultRule.WithProbability(0.032, 3, new Fault.Throttling()));
        IReadOnlyDictionary<string, string> statuses;
        IngestFigures ingest;
        TimeSpan drained;
        int calls;
        try
        {
            ingest = await run.IngestAsync();
            statuses = await run.WaitAllTerminalAsync(VolumeFixture.DrainTimeout);
            drained = run.Elapsed;
        }
        finally
        {
            // Read before the reset, which zeroes the counters.
            calls = system.Proxy.RequestsSeen;
            system.Proxy.Reset();
            system.Proxy.FaultInjected -= count;
        }

        var copies = await run.CountCopiesAsync();
        var figures = run.Summarize(statuses, copies, ingest, drained);
        var (api, worker) = (await system.MetricsAsync("api"), await system.MetricsAsync("worker"));
        figures["awsCallsThroughProxy"] = calls - seen;
        figures["faultsInjected"] = new Dictionary<string, int> { ["latency1500ms"] = latency.Injected, ["serverError503"] = serverErrors.Injected, ["throttling"] = throttling.Injected };
        figures["faultRate"] = Math.Round((double)(latency.Injected + serverErrors.Injected + throttling.Injected) / Math.Max(1, calls - seen), 3);
        figures["errorsInjectedByService"] = errorsByService.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value);

        // Notify's own clients (SQS, SNS, SES) count their retries; DynamoDB's SDK retries on its own, once per error above.
        figures["awsRetriesApi"] = EndToEndFixture.MetricSum(api, "notify_aws_retries_total");
        figures["awsRetriesWorker"] = EndToEndFixture.MetricSum(worker, "notify_aws_retries_total");
        figures["awsRequestsApi"] = EndToEndFixture.MetricSum(api, "notify_aws_requests_total");
        figures["awsRequestsWorker"] = EndToEndFixture.MetricSum(worker, "notify_aws_requests_total");
        figures["laneRedeliveries"] = EndToEndFixture.MetricSum(worker, "notify_lane_messages_completed_total", "disposition=\"retry\"");
        Figures.Record("aws-faults", figures);

        run.AssertNoneLostAndSmsOrPushNeverTwice(statuses, copies);
    }

    private static string ServiceOf(ProxiedRequest request) => request switch
    {
        { Target: { } t } when t.StartsWith("DynamoDB", StringComparison.Ordinal) => "dynamodb",
        { Target: { } t } when t.StartsWith("AmazonSQS", StringComparison.Ordinal) => "sqs",
        { Path: var p } when p.StartsWith("/v2/email", StringComparison.Ordinal) => "ses",
        { Action: not null } => "sns",
        _ => "other",
    };
}
