using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Events;
using Notify.Core.Resources;
using Notify.Worker.Lanes;

namespace Notify.Worker.Tests.Lanes;

/// <summary>The lane consumer against moto's FIFO lanes, constructed directly with a recording handler.</summary>
public sealed class LaneConsumerTests(LaneMoto moto) : IClassFixture<LaneMoto>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_drain_the_high_lane_first_while_the_low_lane_still_progresses_when_both_have_work()
    {
        var lanes = await ProvisionAsync();
        await moto.SendAsync(lanes.High, Enumerable.Range(0, 40).Select(i => $"high-{i}"));
        await moto.SendAsync(lanes.Low, Enumerable.Range(0, 40).Select(i => $"low-{i}"));
        var handler = new RecordingHandler(async (_, _) =>
        {
            await Task.Delay(20, CancellationToken.None);
            return MessageDisposition.Delete;
        });

        await using (var consumer = await StartAsync(lanes.Naming, handler, o => o.MaxConcurrency = 4))
        {
            await Deadline.PollAsync(() => Task.FromResult(handler.Calls.Count), n => n >= 80, Patience, "80 messages handled");
            await Deadline.PollAsync(() => BothCountsAsync(lanes), c => c == 0, Patience, "every message deleted");
        }

        var order = handler.Messages;
        Assert.Equal(80, order.Select(m => m.Body).Distinct().Count());
        var lastHigh = order.Select((m, i) => (m, i)).Last(x => x.m.Lane == Priority.High).i;
        var lowBeforeHighDrained = order.Take(lastHigh).Count(m => m.Lane == Priority.Low);

        // With LowShareEvery 5, low gets about a fifth of the receives while high has work: some, never half.
        Assert.InRange(lowBeforeHighDrained, 1, 20);
    }

    [Fact]
    public async Task Should_never_hold_more_messages_than_MaxConcurrency_when_handlers_block()
    {
        var lanes = await ProvisionAsync();
        await moto.SendAsync(lanes.High, Enumerable.Range(0, 12).Select(i => $"m-{i}"));
        using var gate = new SemaphoreSlim(0);
        int running = 0, maxRunning = 0;
        var handler = new RecordingHandler(async (_, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            await gate.WaitAsync(CancellationToken.None);
            Interlocked.Decrement(ref running);
            return MessageDisposition.Delete;
        });

        await using var consumer = await StartAsync(lanes.Naming, handler, o => o.MaxConcurrency = 3);
        await Deadline.PollAsync(() => Task.FromResult(Volatile.Read(ref running)), n => n == 3, Patience, "3 handlers blocked");

        // Every slot is taken: the consumer must not have received (and be sitting on) a fourth message.
        var (visible, inFlight) = await moto.CountAsync(lanes.High);
        Assert.Equal((9, 3), (visible, inFlight));

        gate.Release(12);
        await Deadline.PollAsync(() => Task.FromResult(handler.Calls.Count), n => n == 12, Patience, "all 12 handled");
        await Deadline.PollAsync(() => moto.CountAsync(lanes.High), c => c == (0, 0), Patience, "all 12 deleted");
        Assert.Equal(3, Volatile.Read(ref maxRunning));
    }

    [Fact]
    public async Task Should_bring_a_message_back_after_about_its_delay_when_the_handler_asks_to_retry()
    {
        var lanes = await ProvisionAsync();
        await moto.SendAsync(lanes.High, ["retry-me"]);
        var handler = new RecordingHandler((m, _) => Task.FromResult(
            m.ReceiveCount == 1 ? new MessageDisposition.RetryAfter(TimeSpan.FromSeconds(2)) : MessageDisposition.Delete));

        await using var consumer = await StartAsync(lanes.Naming, handler);
        await Deadline.PollAsync(() => Task.FromResult(handler.Calls.Count), n => n >= 2, Patience, "the retried message back");

        var calls = handler.Calls.ToArray();
        Assert.Equal([1, 2], calls.Select(c => c.Message.ReceiveCount));
        Assert.InRange((calls[1].At - calls[0].At).TotalSeconds, 1.9, 10);
        await Deadline.PollAsync(() => moto.CountAsync(lanes.High), c => c == (0, 0), Patience, "the message deleted");
    }

    [Fact]
    public async Task Should_keep_extending_the_lease_when_a_handler_outlasts_the_visibility_timeout()
    {
        var lanes = await ProvisionAsync();
        await moto.SendAsync(lanes.High, ["slow"]);
        var finished = 0;
        var handler = new RecordingHandler(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None); // The slow work itself, 2.5 leases long.
            Interlocked.Increment(ref finished);
            return MessageDisposition.Delete;
        });

        await using var consumer = await StartAsync(lanes.Naming, handler, o =>
        {
            o.VisibilityTimeout = TimeSpan.FromSeconds(2);
            o.ExtendAfter = TimeSpan.FromMilliseconds(500);
        });
        await Deadline.PollAsync(() => Task.FromResult(Volatile.Read(ref finished)), n => n >= 1, Patience, "the slow handler done");
        await Deadline.PollAsync(() => moto.CountAsync(lanes.High), c => c == (0, 0), Patience, "the message deleted");

        // Without extensions the 2 s lease would have run out twice and the consumer itself would have taken it again.
        var call = Assert.Single(handler.Calls);
        Assert.Equal(1, call.Message.ReceiveCount);
    }

    [Fact]
    public async Task Should_delete_what_finished_in_the_grace_period_and_release_the_rest_when_stopping()
    {
        var lanes = await ProvisionAsync();
        await moto.SendAsync(lanes.High, ["quick", "stuck"]);
        var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuckSawCancellation = false;
        var handler = new RecordingHandler(async (m, ct) =>
        {
            if (m.Body == "quick")
            {
                await stopRequested.Task;
                await Task.Delay(200, CancellationToken.None);
                return MessageDisposition.Delete;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct);
                return MessageDisposition.Delete;
            }
            catch (OperationCanceledException)
            {
                stuckSawCancellation = true;
                throw;
            }
        });

        var consumer = await StartAsync(lanes.Naming, handler, o =>
        {
            o.ShutdownGracePeriod = TimeSpan.FromSeconds(1.5);
            o.VisibilityTimeout = TimeSpan.FromSeconds(30);
            o.ExtendAfter = TimeSpan.FromSeconds(10);
        });
        await using (consumer)
        {
            await Deadline.PollAsync(() => Task.FromResult(handler.Calls.Count), n => n == 2, Patience, "both handlers running");

            var clock = Stopwatch.StartNew();
            var stopping = consumer.StopAsync();
            stopRequested.SetResult();
            await stopping;

            Assert.InRange(clock.Elapsed.TotalSeconds, 1.4, 8);
            Assert.True(stuckSawCancellation, "the unfinished handler's token was not cancelled");
        }

        // "quick" is gone; "stuck" is visible again at once, though the lease was 30 s.
        await Deadline.PollAsync(() => moto.CountAsync(lanes.High), c => c == (1, 0), TimeSpan.FromSeconds(5), "quick deleted and stuck released");
        var again = await moto.Sqs.ReceiveMessageAsync(
            new ReceiveMessageRequest { QueueUrl = lanes.High, WaitTimeSeconds = 1, MessageSystemAttributeNames = [MessageSystemAttributeName.All] },
            TestContext.Current.CancellationToken);
        var stuck = Assert.Single(again.Messages);
        Assert.Equal("stuck", stuck.Body);
        Assert.Equal("2", stuck.Attributes[MessageSystemAttributeName.ApproximateReceiveCount]);
    }

    [Fact]
    public async Task Should_bring_the_message_back_later_and_count_a_failure_when_its_handler_throws()
    {
        var lanes = await ProvisionAsync();
        await moto.SendAsync(lanes.Low, ["boom"]);
        var handler = new RecordingHandler((m, _) =>
            m.ReceiveCount == 1 ? throw new InvalidOperationException("provider down") : Task.FromResult(MessageDisposition.Delete));
        var (metrics, provider) = LaneTestServices.Metrics();
        await using var _ = provider;
        var outcomes = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == provider.GetRequiredService<IMeterFactory>() && instrument.Name == "notify.lane.messages.completed")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (outcomes)
            {
                outcomes.Add($"{Tag(tags, "lane")}/{Tag(tags, "disposition")}");
            }
        });
        listener.Start();

        await using var consumer = await StartAsync(lanes.Naming, handler, metrics: metrics);
        await Deadline.PollAsync(() => Task.FromResult(handler.Calls.Count), n => n >= 2, Patience, "the failed message back");
        await Deadline.PollAsync(() => moto.CountAsync(lanes.Low), c => c == (0, 0), Patience, "the message deleted");

        var calls = handler.Calls.ToArray();
        Assert.Equal([1, 2], calls.Select(c => c.Message.ReceiveCount));
        Assert.True((calls[1].At - calls[0].At).TotalSeconds >= 0.9, "the failed message came back without a backoff");
        lock (outcomes)
        {
            Assert.Equal(["low/failed", "low/delete"], outcomes);
        }
    }

    [Fact]
    public async Task Should_report_the_age_of_the_oldest_held_message_per_queue_and_zero_once_none_is_held()
    {
        var lanes = await ProvisionAsync();
        var before = DateTimeOffset.UtcNow;
        await moto.SendAsync(lanes.High, ["waiting"]);
        using var gate = new SemaphoreSlim(0);
        var handler = new RecordingHandler(async (_, _) =>
        {
            await gate.WaitAsync(CancellationToken.None);
            return MessageDisposition.Delete;
        });
        var (metrics, provider) = LaneTestServices.Metrics();
        await using var _ = provider;

        await using var consumer = await StartAsync(lanes.Naming, handler, metrics: metrics);
        await Deadline.PollAsync(() => Task.FromResult(handler.Calls.Count), n => n == 1, Patience, "the message held by its handler");
        var ages = await Deadline.PollAsync(
            () => Task.FromResult(OldestAges(provider)), a => a.GetValueOrDefault("high") >= 1, Patience, "the held message's age to pass 1 s");

        Assert.True(ages["high"] <= (DateTimeOffset.UtcNow - before).TotalSeconds, $"age {ages["high"]} s is older than the message");
        Assert.Equal(0, ages["low"]);

        gate.Release();
        await Deadline.PollAsync(() => Task.FromResult(OldestAges(provider)), a => a["high"] == 0, Patience, "age 0 once the message is done");
    }

    /// <summary>One collection of <c>notify.queue.oldest_message.age</c> from this test's own meter factory, by queue.</summary>
    private static Dictionary<string, double> OldestAges(ServiceProvider provider)
    {
        var ages = new Dictionary<string, double>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == provider.GetRequiredService<IMeterFactory>() && instrument.Name == "notify.queue.oldest_message.age")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => ages[Tag(tags, "queue")!] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return ages;
    }

    [Fact]
    public async Task Should_hand_the_handler_its_lane_queue_receive_count_and_trace_context_when_it_receives()
    {
        var lanes = await ProvisionAsync();
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        await moto.SendAsync(
            lanes.Low,
            ["hello"],
            group: _ => "user-42",
            attributes: new()
            {
                [LanePolicy.TraceParentAttribute] = new MessageAttributeValue { DataType = "String", StringValue = traceParent },
                [LanePolicy.TraceStateAttribute] = new MessageAttributeValue { DataType = "String", StringValue = "notify=1" },
            });
        var handler = new RecordingHandler();

        await using var consumer = await StartAsync(lanes.Naming, handler);
        await Deadline.PollAsync(() => Task.FromResult(handler.Calls.Count), n => n >= 1, Patience, "the message handled");

        var message = Assert.Single(handler.Messages);
        Assert.Equal(Priority.Low, message.Lane);
        Assert.Equal(NotifyResources.LowLane.Name, message.QueueName);
        Assert.Equal(lanes.Low, message.QueueUrl);
        Assert.Equal("hello", message.Body);
        Assert.Equal("user-42", message.MessageGroupId);
        Assert.Equal(1, message.ReceiveCount);
        Assert.InRange(message.SentAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.Equal(traceParent, message.TraceParent);
        Assert.Equal("notify=1", message.TraceState);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }

    private async Task<int> BothCountsAsync(Lanes lanes)
    {
        var (highVisible, highInFlight) = await moto.CountAsync(lanes.High);
        var (lowVisible, lowInFlight) = await moto.CountAsync(lanes.Low);
        return highVisible + highInFlight + lowVisible + lowInFlight;
    }

    private async Task<Lanes> ProvisionAsync()
    {
        var naming = await moto.ProvisionAsync();
        return new Lanes(naming, await moto.UrlAsync(naming.Queue(NotifyResources.HighLane)), await moto.UrlAsync(naming.Queue(NotifyResources.LowLane)));
    }

    private async Task<RunningConsumer> StartAsync(
        ResourceNaming naming, ILaneMessageHandler handler, Action<LaneConsumerOptions>? configure = null, LaneMetrics? metrics = null)
    {
        // Short polls keep start-up and shutdown quick; everything else is the product's default unless a test says otherwise.
        var options = new LaneConsumerOptions { WaitTimeSeconds = 1, ShutdownGracePeriod = TimeSpan.FromSeconds(2) };
        configure?.Invoke(options);
        ServiceProvider? provider = null;
        if (metrics is null)
        {
            (metrics, provider) = LaneTestServices.Metrics();
        }

        var consumer = new LaneConsumer(
            moto.Sqs, naming, handler, Options.Create(options), metrics, TimeProvider.System, LaneTestServices.Logger<LaneConsumer>());
        return await RunningConsumer.StartAsync(consumer, provider);
    }

    private sealed record Lanes(ResourceNaming Naming, string High, string Low);
}
