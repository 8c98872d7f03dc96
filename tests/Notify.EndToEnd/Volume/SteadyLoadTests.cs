using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Volume;

/// <summary>
/// The volume run on a healthy system: every event accepted at a steady 40 per second from 8 clients reaches a terminal
/// state, none is lost, and each provider received each event's content exactly once.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SteadyLoadTests(SteadyLoadFixture system) : IClassFixture<SteadyLoadFixture>
{
    [Fact]
    public async Task Should_send_every_event_exactly_once_per_channel_when_events_arrive_at_a_steady_40_per_second_from_8_clients()
    {
        var run = new VolumeRun(system, "steady");
        await run.PrepareAsync();

        var ingest = await run.IngestAsync();
        var statuses = await run.WaitAllTerminalAsync(VolumeFixture.DrainTimeout);
        var drained = run.Elapsed;
        var copies = await run.CountCopiesAsync();

        var figures = run.Summarize(statuses, copies, ingest, drained);
        var worker = await system.MetricsAsync("worker");
        figures["workerAwsRequestsPerNotification"] = Math.Round(EndToEndFixture.MetricSum(worker, "notify_aws_requests_total") / run.Plan.Count, 2);
        figures["workerAwsRetries"] = EndToEndFixture.MetricSum(worker, "notify_aws_retries_total");
        Figures.Record("steady-load", figures);

        Assert.All(run.Plan, p =>
        {
            Assert.True(statuses.GetValueOrDefault(p.EventId) == "sent", $"{p.EventId} ({p.Channel}) ended {statuses.GetValueOrDefault(p.EventId) ?? "without a row"}");
            Assert.True(copies[p.Channel, p.EventId] == 1, $"{p.EventId} reached {p.Channel} {copies[p.Channel, p.EventId]} times");
        });
    }
}
