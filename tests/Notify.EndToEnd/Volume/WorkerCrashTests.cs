using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Volume;

/// <summary>
/// The volume run with the worker killed (SIGKILL: no shutdown hook, claims and received messages left as they are) every
/// 6–10 s and restarted by the AppHost: nothing is lost; an email may go out twice when a kill fell between SES taking it and
/// the outcome's write (at least once, by design), an SMS or push never does — its row ends <c>unknown</c> instead. A
/// message caught by kills on all of its receives is dead-lettered, and redriven once the kills stop. The counts per
/// channel and the dead letters are printed and recorded.
/// </summary>
[Trait("Category", "Slow")]
public sealed class WorkerCrashTests(WorkerCrashFixture system) : IClassFixture<WorkerCrashFixture>
{
    // A kill every 6–10 s for the whole run: 10 at the default 200 events, 100 at the 2,000 (about 15 minutes).
    private static readonly int MaxKills = Math.Max(10, VolumeRun.Events / 20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_lose_nothing_and_never_send_sms_or_push_twice_when_the_worker_is_killed_every_few_seconds()
    {
        var run = new VolumeRun(system, "crash");
        await run.PrepareAsync();
        var kills = new List<double>();
        using var stopKilling = new CancellationTokenSource();

        var ingesting = run.IngestAsync();
        var killer = Task.Run(async () =>
        {
            while (kills.Count < MaxKills)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(6000, 10000)), stopKilling.Token);
                if (ingesting.IsCompleted && await run.LaneDepthAsync() == 0)
                {
                    return;
                }

                await system.KillServiceAsync("worker");
                kills.Add(Math.Round(run.Elapsed.TotalSeconds, 1));
                TestContext.Current.TestOutputHelper?.WriteLine($"{run.Elapsed.TotalSeconds:0.0} s: worker killed and restarted ({kills.Count})");
            }
        }, Ct);

        var ingest = await ingesting;

        // A message that every kill catches in flight runs out of receives (5) and goes to its DLQ: the event is shown
        // failed and dead-lettered, nothing is lost, and an operator redrives it (the DLQ alarm's runbook). Once the kills
        // stop, the redriven events must end terminal like the rest.
        var redriven = 0;
        var statuses = await run.WaitAllTerminalAsync(VolumeFixture.DrainTimeout, async () =>
        {
            if (!killer.IsCompleted)
            {
                return 0;
            }

            var n = await run.RedriveDeadLettersAsync();
            redriven += n;
            return n;
        });
        var drained = run.Elapsed;
        await stopKilling.CancelAsync();
        try
        {
            await killer;
        }
        catch (OperationCanceledException) when (stopKilling.IsCancellationRequested)
        {
        }

        var copies = await run.CountCopiesAsync();
        var figures = run.Summarize(statuses, copies, ingest, drained);
        figures["kills"] = kills.Count;
        figures["deadLetteredThenRedriven"] = redriven;
        figures["killedAtSeconds"] = kills;
        Figures.Record("worker-crash", figures);

        Assert.True(kills.Count >= Math.Min(3, MaxKills), $"only {kills.Count} kills happened during the run");
        run.AssertNoneLostAndSmsOrPushNeverTwice(statuses, copies);
    }
}
