using System.Text.Json;
using Notify.Aws.Http;
using Notify.Aws.Lanes;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Events;

namespace Notify.Aws.Tests.Stores;

public sealed class FifoLanePublisherTests(StoresFixture fixture) : IClassFixture<StoresFixture>
{
    [Fact]
    public async Task Should_send_50_concurrent_publishes_in_far_fewer_batch_calls_with_group_deduplication_and_trace_attributes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var env = await fixture.NewEnvironmentAsync();
        var counter = new CountingHandler();
        using var sqs = new SqsClient(env.Moto.Connection, handler: counter);
        await using var publisher = env.LanePublisher(sqs: sqs);
        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var events = Enumerable.Range(0, 50)
            .Select(i => StoreSamples.Event(userId: $"user-{i % 5}", traceParent: traceParent, traceState: i % 2 == 0 ? "vendor=x" : null))
            .ToList();

        await Task.WhenAll(events.Select(e => Task.Run(() => publisher.PublishAsync(e, ct), ct)));
        var messages = await StoreSamples.DrainAsync(env.Sqs, env.LowLaneUrl, 50);

        Assert.InRange(counter.Count("SendMessageBatch"), 5, 12);
        Assert.Equal(1, counter.Count("GetQueueUrl"));
        Assert.Equal(events.Select(e => e.EventId).Order(), messages.Select(m => StoreSamples.Body(m).EventId).Order());
        var byId = events.ToDictionary(e => e.EventId);
        Assert.All(messages, m =>
        {
            var sent = byId[StoreSamples.Body(m).EventId];
            Assert.Equal(sent.UserId, m.Attributes[MessageSystemAttributeName.MessageGroupId]);
            Assert.Equal(sent.EventId, m.Attributes[MessageSystemAttributeName.MessageDeduplicationId]);
            Assert.Equal(traceParent, m.MessageAttributes[LanePolicy.TraceParentAttribute].StringValue);
            Assert.Equal(sent.TraceState, m.MessageAttributes.GetValueOrDefault(LanePolicy.TraceStateAttribute)?.StringValue);
            Assert.Equal(JsonSerializer.Serialize(sent, Core.NotifyJson.Options), m.Body);
        });
    }

    [Fact]
    public async Task Should_put_high_priority_events_on_the_high_lane_and_low_ones_on_the_low_lane()
    {
        var ct = TestContext.Current.CancellationToken;
        using var env = await fixture.NewEnvironmentAsync();
        await using var publisher = env.LanePublisher();
        var high = Enumerable.Range(0, 3).Select(i => StoreSamples.Event(userId: $"u{i}", priority: Priority.High)).ToList();
        var low = Enumerable.Range(0, 4).Select(i => StoreSamples.Event(userId: $"u{i}", priority: Priority.Low)).ToList();

        await Task.WhenAll(high.Concat(low).Select(e => publisher.PublishAsync(e, ct)));

        var onHigh = await StoreSamples.DrainAsync(env.Sqs, env.HighLaneUrl, 3);
        var onLow = await StoreSamples.DrainAsync(env.Sqs, env.LowLaneUrl, 4);
        Assert.Equal(high.Select(e => e.EventId).Order(), onHigh.Select(m => StoreSamples.Body(m).EventId).Order());
        Assert.Equal(low.Select(e => e.EventId).Order(), onLow.Select(m => StoreSamples.Body(m).EventId).Order());
        Assert.Empty(await StoreSamples.ReceiveNowAsync(env.Sqs, env.HighLaneUrl));
        Assert.Empty(await StoreSamples.ReceiveNowAsync(env.Sqs, env.LowLaneUrl));
    }

    [Fact]
    public async Task Should_store_one_message_when_the_same_event_is_published_twice_in_one_batch()
    {
        var ct = TestContext.Current.CancellationToken;
        using var env = await fixture.NewEnvironmentAsync();
        var counter = new CountingHandler();
        using var sqs = new SqsClient(env.Moto.Connection, handler: counter);
        await using var publisher = env.LanePublisher(new LanePublisherOptions { Linger = TimeSpan.FromMilliseconds(100) }, sqs);
        var accepted = StoreSamples.Event();

        await Task.WhenAll(publisher.PublishAsync(accepted, ct), publisher.PublishAsync(accepted, ct));

        Assert.Equal(1, counter.Count("SendMessageBatch"));
        var messages = await StoreSamples.DrainAsync(env.Sqs, env.LowLaneUrl, 1);
        Assert.Empty(await StoreSamples.ReceiveNowAsync(env.Sqs, env.LowLaneUrl));
        Assert.Equal(accepted.EventId, StoreSamples.Body(Assert.Single(messages)).EventId);
    }

    [Fact]
    public async Task Should_fail_only_the_caller_whose_entry_was_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var env = await fixture.NewEnvironmentAsync();
        await using var publisher = env.LanePublisher(new LanePublisherOptions { Linger = TimeSpan.FromMilliseconds(50) });
        var fine = Enumerable.Range(0, 4).Select(i => StoreSamples.Event(userId: $"u{i}")).ToList();
        var oversized = StoreSamples.Event(userId: "big", payload: JsonSerializer.Serialize(new { blob = new string('x', 300_000) }));

        var fineTasks = fine.Select(e => publisher.PublishAsync(e, ct)).ToList();
        var refused = publisher.PublishAsync(oversized, ct);

        await Task.WhenAll(fineTasks);
        var error = await Assert.ThrowsAsync<LanePublishException>(() => refused);
        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.True(error.SenderFault);
        Assert.Equal(oversized.EventId, error.EventId);
        var messages = await StoreSamples.DrainAsync(env.Sqs, env.LowLaneUrl, 4);
        Assert.Equal(fine.Select(e => e.EventId).Order(), messages.Select(m => StoreSamples.Body(m).EventId).Order());
    }

    [Fact]
    public async Task Should_fail_every_caller_of_a_failed_call_and_recover_when_the_lane_answers_again()
    {
        var ct = TestContext.Current.CancellationToken;
        using var env = await fixture.NewEnvironmentAsync();
        await using var proxy = await FaultProxy.StartAsync(env.Moto.Endpoint);
        using var sqs = new SqsClient(AwsConnection.ForLocal(proxy.Endpoint));
        await using var publisher = env.LanePublisher(new LanePublisherOptions { Linger = TimeSpan.FromMilliseconds(50) }, sqs);
        proxy.Add(FaultRule.Always(new Fault.Error(400, "InvalidAddress"), FaultRule.Target("SendMessageBatch")));
        var refused = Enumerable.Range(0, 3).Select(i => StoreSamples.Event(userId: $"u{i}")).ToList();

        var failures = await Task.WhenAll(refused.Select(e => Assert.ThrowsAsync<LanePublishException>(() => publisher.PublishAsync(e, ct))));

        Assert.All(failures, f => Assert.Equal("InvalidAddress", f.ErrorCode));
        Assert.Equal(refused.Select(e => e.EventId).Order(), failures.Select(f => f.EventId).Order());

        proxy.Reset();
        var later = StoreSamples.Event();
        await publisher.PublishAsync(later, ct);
        var messages = await StoreSamples.DrainAsync(env.Sqs, env.LowLaneUrl, 1);
        Assert.Equal(later.EventId, StoreSamples.Body(Assert.Single(messages)).EventId);
    }

    [Fact]
    public async Task Should_send_what_is_waiting_when_disposed_and_refuse_publishes_afterwards()
    {
        var ct = TestContext.Current.CancellationToken;
        using var env = await fixture.NewEnvironmentAsync();
        var publisher = env.LanePublisher(new LanePublisherOptions { Linger = TimeSpan.FromSeconds(1) });
        var waiting = Enumerable.Range(0, 3).Select(i => StoreSamples.Event(userId: $"u{i}")).ToList();

        var tasks = waiting.Select(e => publisher.PublishAsync(e, ct)).ToList();
        await publisher.DisposeAsync();

        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
        var messages = await StoreSamples.DrainAsync(env.Sqs, env.LowLaneUrl, 3);
        Assert.Equal(waiting.Select(e => e.EventId).Order(), messages.Select(m => StoreSamples.Body(m).EventId).Order());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => publisher.PublishAsync(StoreSamples.Event(), ct));
    }
}

/// <summary>Counts the SQS operations (by <c>X-Amz-Target</c>) that go over the wire.</summary>
internal sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Count(string operation) => _counts.GetValueOrDefault(operation);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : "?";
        _counts.AddOrUpdate(target[(target.LastIndexOf('.') + 1)..], 1, (_, n) => n + 1);
        return base.SendAsync(request, cancellationToken);
    }
}
