using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Sqs;

/// <summary>FIFO semantics and dead-letter redrive against moto.</summary>
public sealed class SqsFifoAndRedriveTests(MotoFixture moto) : IClassFixture<MotoFixture>, IDisposable
{
    private readonly SqsClient _sqs = new(moto.Connection);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_deliver_once_when_the_same_deduplication_id_is_sent_twice()
    {
        var url = await _sqs.CreateAsync("dedup", fifo: true);
        var request = new SendMessageRequest { QueueUrl = url, MessageBody = "once", MessageGroupId = "g", MessageDeduplicationId = "order-42" };

        var first = await _sqs.SendMessageAsync(request, Ct);
        var second = await _sqs.SendMessageAsync(request, Ct);
        var received = await _sqs.ReceiveAsync(url);
        await _sqs.DeleteMessageAsync(url, received.Messages[0].ReceiptHandle!, Ct);
        var afterDelete = await _sqs.ReceiveAsync(url, waitSeconds: 1);

        Assert.NotNull(first.SequenceNumber);
        Assert.NotNull(second.MessageId);
        var message = Assert.Single(received.Messages);
        Assert.Equal("order-42", message.Attributes[MessageSystemAttributeName.MessageDeduplicationId]);
        Assert.Equal("g", message.Attributes[MessageSystemAttributeName.MessageGroupId]);
        Assert.Empty(afterDelete.Messages);
    }

    [Fact]
    public async Task Should_deliver_a_group_in_send_order_and_block_it_while_one_of_its_messages_is_in_flight()
    {
        var url = await _sqs.CreateAsync("groups", new() { [QueueAttributeName.ContentBasedDeduplication] = "true" }, fifo: true);
        var sent = new List<(string Group, string Body)> { ("A", "a1"), ("B", "b1"), ("A", "a2"), ("A", "a3"), ("B", "b2") };
        var result = await _sqs.SendMessageBatchesAsync(
            url, sent.Select((m, i) => new SendMessageBatchRequestEntry { Id = $"e{i}", MessageBody = m.Body, MessageGroupId = m.Group }), Ct);
        Assert.True(result.AllSucceeded);

        var first = Assert.Single((await _sqs.ReceiveAsync(url, max: 1, visibilityTimeout: 60)).Messages);
        var group = first.Attributes[MessageSystemAttributeName.MessageGroupId];
        var inOrder = sent.Where(m => m.Group == group).Select(m => m.Body).ToList();
        var whileInFlight = await _sqs.ReceiveAsync(url, visibilityTimeout: 60);
        await _sqs.DeleteMessageAsync(url, first.ReceiptHandle!, Ct);
        var afterDelete = await _sqs.ReceiveAsync(url, visibilityTimeout: 60);

        Assert.Equal(inOrder[0], first.Body);
        Assert.DoesNotContain(whileInFlight.Messages, m => m.Attributes[MessageSystemAttributeName.MessageGroupId] == group);
        Assert.Equal(inOrder.Skip(1), afterDelete.Messages.Where(m => m.Attributes[MessageSystemAttributeName.MessageGroupId] == group).Select(m => m.Body));
    }

    [Fact]
    public async Task Should_move_a_message_to_the_dead_letter_queue_after_max_receive_count()
    {
        var dlq = await _sqs.CreateAsync("dlq");
        var dlqArn = await _sqs.ArnOfAsync(dlq);
        var source = await _sqs.CreateAsync(
            "redrive", new() { [QueueAttributeName.RedrivePolicy] = $$"""{"deadLetterTargetArn":"{{dlqArn}}","maxReceiveCount":"2"}""" });
        await _sqs.SendMessageAsync(source, "poison", Ct);

        var receivesFromSource = 0;
        var deadLettered = await Deadline.PollAsync(
            async () =>
            {
                // Each receive with visibility 0 counts as a failed delivery and makes the message visible again at once.
                receivesFromSource += (await _sqs.ReceiveAsync(source, visibilityTimeout: 0)).Messages.Count;
                return (await _sqs.ReceiveAsync(dlq)).Messages;
            },
            m => m.Count > 0,
            TimeSpan.FromSeconds(15),
            "the message to reach the dead-letter queue");
        var sources = await _sqs.ListDeadLetterSourceQueuesAsync(new ListDeadLetterSourceQueuesRequest { QueueUrl = dlq }, Ct);
        var sourceAttributes = await _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = source, AttributeNames = [QueueAttributeName.All] }, Ct);

        Assert.Equal("poison", Assert.Single(deadLettered).Body);
        Assert.Equal(2, receivesFromSource);
        Assert.Empty((await _sqs.ReceiveAsync(source)).Messages);
        Assert.Equal([source], sources.QueueUrls);
        Assert.Contains(dlqArn, sourceAttributes.RedrivePolicy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_report_sequence_numbers_when_batch_sending_to_a_fifo_queue()
    {
        var url = await _sqs.CreateAsync("fifo-batch", fifo: true);
        var entries = Enumerable.Range(0, 12)
            .Select(i => new SendMessageBatchRequestEntry { Id = $"f{i}", MessageBody = $"m{i}", MessageGroupId = "g", MessageDeduplicationId = $"d{i}" })
            .ToList();

        var result = await _sqs.SendMessageBatchesAsync(url, entries, Ct);

        // moto's sequence numbers are random; real SQS's increase within a group, so only presence is asserted here.
        Assert.Equal(2, result.Calls);
        Assert.True(result.AllSucceeded);
        Assert.All(result.Entries, e => Assert.False(string.IsNullOrEmpty(e.SequenceNumber)));
        Assert.Equal(12, result.Entries.Select(e => e.SequenceNumber).Distinct().Count());
        Assert.Equal(entries.Select(e => e.MessageBody), await ReceiveGroupInOrderAsync(url, 12));
    }

    /// <summary>Receives one group's messages, deleting each batch so the group unblocks, and returns the bodies in order.</summary>
    private async Task<List<string>> ReceiveGroupInOrderAsync(string url, int count)
    {
        var bodies = new List<string>();
        await Deadline.PollAsync(
            async () =>
            {
                var received = await _sqs.ReceiveAsync(url, visibilityTimeout: 60);
                bodies.AddRange(received.Messages.Select(m => m.Body!));
                foreach (var message in received.Messages)
                {
                    await _sqs.DeleteMessageAsync(url, message.ReceiptHandle!, Ct);
                }

                return bodies.Count;
            },
            n => n >= count,
            TimeSpan.FromSeconds(15),
            $"{count} messages of the group");
        return bodies;
    }

    public void Dispose() => _sqs.Dispose();
}
