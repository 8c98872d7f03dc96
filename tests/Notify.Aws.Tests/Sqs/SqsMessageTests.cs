using System.Diagnostics;
using Notify.Aws.Http;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Sqs;

/// <summary>Message operations against moto: send, receive, visibility, delete, attributes and digests, errors.</summary>
public sealed class SqsMessageTests(MotoFixture moto) : IClassFixture<MotoFixture>, IDisposable
{
    private readonly SqsClient _sqs = new(moto.Connection);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_receive_the_sent_body_with_system_attributes_and_not_again_once_deleted()
    {
        var url = await _sqs.CreateAsync("roundtrip");
        var sentAt = DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeMilliseconds();

        var sent = await _sqs.SendMessageAsync(url, "hello", Ct);
        var received = Assert.Single((await _sqs.ReceiveAsync(url, visibilityTimeout: 0)).Messages);
        await _sqs.DeleteMessageAsync(url, received.ReceiptHandle!, Ct);
        var afterDelete = await _sqs.ReceiveAsync(url);

        Assert.Equal("5d41402abc4b2a76b9719d911017c592", sent.MD5OfMessageBody);
        Assert.Equal(sent.MessageId, received.MessageId);
        Assert.Equal("hello", received.Body);
        Assert.Equal("1", received.Attributes[MessageSystemAttributeName.ApproximateReceiveCount]);
        Assert.True(long.Parse(received.Attributes[MessageSystemAttributeName.SentTimestamp], System.Globalization.CultureInfo.InvariantCulture) >= sentAt);
        Assert.True(received.Attributes.ContainsKey(MessageSystemAttributeName.ApproximateFirstReceiveTimestamp));
        Assert.Empty(afterDelete.Messages);
    }

    [Fact]
    public async Task Should_round_trip_string_number_and_binary_attributes_with_their_digest()
    {
        var url = await _sqs.CreateAsync("attrs");
        var attributes = new Dictionary<string, MessageAttributeValue>
        {
            ["Kind"] = new() { DataType = "String", StringValue = "receipt ✓" },
            ["Attempt"] = new() { DataType = "Number", StringValue = "3" },
            ["Ratio"] = new() { DataType = "Number.float", StringValue = "0.25" },
            ["Blob"] = new() { DataType = "Binary", BinaryValue = [0, 1, 2, 250, 255] },
        };

        var sent = await _sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = "with attributes", MessageAttributes = attributes }, Ct);
        var received = Assert.Single((await _sqs.ReceiveAsync(url)).Messages);

        // moto computes the digest on its side; equal to ours means the documented encoding is implemented alike.
        Assert.Equal(SqsMessageChecksums.Md5OfMessageAttributes(attributes), sent.MD5OfMessageAttributes);
        Assert.Equal(sent.MD5OfMessageAttributes, received.MD5OfMessageAttributes);
        Assert.Equal(["Attempt", "Blob", "Kind", "Ratio"], received.MessageAttributes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("receipt ✓", received.MessageAttributes["Kind"].StringValue);
        Assert.Equal("Number", received.MessageAttributes["Attempt"].DataType);
        Assert.Equal("3", received.MessageAttributes["Attempt"].StringValue);
        Assert.Equal("Number.float", received.MessageAttributes["Ratio"].DataType);
        Assert.Equal([0, 1, 2, 250, 255], received.MessageAttributes["Blob"].BinaryValue);
    }

    [Fact]
    public async Task Should_verify_the_digest_of_only_the_requested_attributes_when_receiving_a_subset()
    {
        var url = await _sqs.CreateAsync("subset");
        await _sqs.SendMessageAsync(
            new SendMessageRequest
            {
                QueueUrl = url,
                MessageBody = "subset",
                MessageAttributes = new()
                {
                    ["keep"] = new() { DataType = "String", StringValue = "1" },
                    ["drop"] = new() { DataType = "String", StringValue = "2" },
                },
            },
            Ct);

        var received = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MessageAttributeNames = ["keep"] }, Ct);

        var message = Assert.Single(received.Messages);
        Assert.Equal(["keep"], message.MessageAttributes.Keys);
        Assert.Equal(SqsMessageChecksums.Md5OfMessageAttributes(message.MessageAttributes), message.MD5OfMessageAttributes);
    }

    [Fact]
    public async Task Should_accept_the_trace_header_system_attribute_when_sent()
    {
        var url = await _sqs.CreateAsync("trace");
        var system = new Dictionary<string, MessageSystemAttributeValue>
        {
            [MessageSystemAttributeName.AWSTraceHeader] = new() { DataType = "String", StringValue = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1" },
        };

        var sent = await _sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = "traced", MessageSystemAttributes = system }, Ct);
        var received = Assert.Single((await _sqs.ReceiveAsync(url)).Messages);

        // moto answers no MD5OfMessageSystemAttributes (real SQS does); the digest is checked whenever it is answered.
        Assert.True(sent.MD5OfMessageSystemAttributes is null || sent.MD5OfMessageSystemAttributes == SqsMessageChecksums.Md5OfMessageSystemAttributes(system));
        Assert.Equal(system[MessageSystemAttributeName.AWSTraceHeader].StringValue, received.Attributes[MessageSystemAttributeName.AWSTraceHeader]);
    }

    [Fact]
    public async Task Should_hide_a_received_message_until_its_visibility_is_changed_to_zero()
    {
        var url = await _sqs.CreateAsync("visibility");
        await _sqs.SendMessageAsync(url, "hide me", Ct);

        var first = Assert.Single((await _sqs.ReceiveAsync(url, visibilityTimeout: 60)).Messages);
        var whileHidden = await _sqs.ReceiveAsync(url);
        await _sqs.ChangeMessageVisibilityAsync(new ChangeMessageVisibilityRequest { QueueUrl = url, ReceiptHandle = first.ReceiptHandle, VisibilityTimeout = 0 }, Ct);
        var again = await Deadline.PollAsync(() => _sqs.ReceiveAsync(url, visibilityTimeout: 60), r => r.Messages.Count == 1, TimeSpan.FromSeconds(10), "the message to be visible again");

        Assert.Empty(whileHidden.Messages);
        Assert.Equal(first.MessageId, again.Messages[0].MessageId);
        Assert.Equal("2", again.Messages[0].Attributes[MessageSystemAttributeName.ApproximateReceiveCount]);
    }

    [Fact]
    public async Task Should_report_per_entry_outcomes_when_batches_change_visibility_and_delete()
    {
        var url = await _sqs.CreateAsync("batch-ops");
        await _sqs.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = url, Entries = [new() { Id = "a", MessageBody = "a" }, new() { Id = "b", MessageBody = "b" }] }, Ct);
        var received = await Deadline.PollAsync(
            async () => (await _sqs.ReceiveAsync(url, visibilityTimeout: 60)).Messages, m => m.Count > 0, TimeSpan.FromSeconds(10), "messages to arrive");
        var all = received.Concat((await _sqs.ReceiveAsync(url, visibilityTimeout: 60)).Messages).ToList();
        Assert.Equal(2, all.Count);

        var changed = await _sqs.ChangeMessageVisibilityBatchAsync(
            new ChangeMessageVisibilityBatchRequest
            {
                QueueUrl = url,
                Entries = [.. all.Select((m, i) => new ChangeMessageVisibilityBatchRequestEntry { Id = $"m{i}", ReceiptHandle = m.ReceiptHandle, VisibilityTimeout = 0 }),
                    new() { Id = "bogus", ReceiptHandle = "not-a-receipt-handle", VisibilityTimeout = 0 }],
            },
            Ct);
        var visibleAgain = await _sqs.ReceiveAsync(url, visibilityTimeout: 60);
        var deleted = await _sqs.DeleteMessageBatchAsync(
            new DeleteMessageBatchRequest { QueueUrl = url, Entries = [.. visibleAgain.Messages.Select((m, i) => new DeleteMessageBatchRequestEntry { Id = $"d{i}", ReceiptHandle = m.ReceiptHandle })] },
            Ct);

        Assert.Equal(["m0", "m1"], changed.Successful.Select(s => s.Id).Order());
        var bogus = Assert.Single(changed.Failed);
        Assert.Equal("bogus", bogus.Id);
        Assert.Equal("ReceiptHandleIsInvalid", bogus.Code);
        Assert.True(bogus.SenderFault);
        Assert.Equal(2, visibleAgain.Messages.Count);
        Assert.Equal(["d0", "d1"], deleted.Successful.Select(s => s.Id).Order());
        Assert.Empty(deleted.Failed);
        Assert.Empty((await _sqs.ReceiveAsync(url)).Messages);
    }

    [Fact]
    public async Task Should_return_successful_and_failed_entries_when_one_batch_entry_is_invalid()
    {
        var url = await _sqs.CreateAsync("batch-mixed");

        var response = await _sqs.SendMessageBatchAsync(
            new SendMessageBatchRequest
            {
                QueueUrl = url,
                Entries = [new() { Id = "ok", MessageBody = "fine", MessageAttributes = new() { ["a"] = new() { DataType = "String", StringValue = "b" } } },
                    new() { Id = "late", MessageBody = "too late", DelaySeconds = 5000 }],
            },
            Ct);

        var ok = Assert.Single(response.Successful);
        Assert.Equal("ok", ok.Id);
        Assert.NotNull(ok.MessageId);
        var failed = Assert.Single(response.Failed);
        Assert.Equal("late", failed.Id);
        Assert.Equal("InvalidParameterValue", failed.Code);
        Assert.True(failed.SenderFault);
    }

    [Fact]
    public async Task Should_throw_receipt_handle_is_invalid_when_deleting_with_a_bad_handle()
    {
        var url = await _sqs.CreateAsync("bad-handle");

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _sqs.DeleteMessageAsync(url, "not-a-receipt-handle", Ct));

        Assert.Equal("ReceiptHandleIsInvalid", e.ErrorCode);
        Assert.Equal("ReceiptHandleIsInvalid", e.QueryErrorCode);
        Assert.False(e.IsRetryable);
    }

    [Fact]
    public async Task Should_reject_without_retrying_when_the_message_exceeds_the_queue_limit()
    {
        // moto (like AWS since 2025) defaults MaximumMessageSize to 1 MiB; set the classic 256 KiB limit explicitly.
        var url = await _sqs.CreateAsync("oversize", new() { [QueueAttributeName.MaximumMessageSize] = "262144" });

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _sqs.SendMessageAsync(url, new string('x', 262_145), Ct));
        var atLimit = await _sqs.SendMessageAsync(url, new string('x', 262_144), Ct);

        Assert.Equal("InvalidParameterValue", e.ErrorCode);
        Assert.False(e.IsRetryable);
        Assert.NotNull(atLimit.MessageId);
    }

    [Fact]
    public async Task Should_wait_and_return_nothing_when_long_polling_an_empty_queue()
    {
        var url = await _sqs.CreateAsync("longpoll-empty");

        var clock = Stopwatch.StartNew();
        var response = await _sqs.ReceiveAsync(url, waitSeconds: 2);

        Assert.Empty(response.Messages);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"returned after {clock.Elapsed.TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task Should_return_a_message_sent_during_the_wait_before_the_wait_ends()
    {
        var url = await _sqs.CreateAsync("longpoll-wake");

        var clock = Stopwatch.StartNew();
        var receive = _sqs.ReceiveAsync(url, waitSeconds: 10);

        // Give the receive a moment to be waiting at the server; the assertion below does not depend on the exact delay.
        await Task.Delay(TimeSpan.FromMilliseconds(700), Ct);
        await _sqs.SendMessageAsync(url, "wake up", Ct);
        var response = await receive;

        Assert.Equal("wake up", Assert.Single(response.Messages).Body);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"returned after {clock.Elapsed.TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task Should_send_25_entries_in_three_calls_and_receive_them_all()
    {
        var url = await _sqs.CreateAsync("batches");
        var entries = Enumerable.Range(0, 25)
            .Select(i => new SendMessageBatchRequestEntry
            {
                Id = $"n{i}",
                MessageBody = $"body {i}",
                MessageAttributes = new() { ["Index"] = new() { DataType = "Number", StringValue = $"{i}" } },
            })
            .ToList();

        var result = await _sqs.SendMessageBatchesAsync(url, entries, Ct);
        var bodies = await ReceiveAllAsync(url, 25);

        Assert.Equal(3, result.Calls);
        Assert.True(result.AllSucceeded);
        Assert.Equal(entries.Select(e => e.Id), result.Entries.Select(e => e.Id));
        Assert.Equal(25, result.Entries.Select(e => e.MessageId).Distinct().Count());
        Assert.Equal(entries.Select(e => e.MessageBody).Order(), bodies.Order());
    }

    [Fact]
    public async Task Should_split_by_size_and_fail_only_the_oversize_entry_when_payloads_are_large()
    {
        var url = await _sqs.CreateAsync("batches-size");
        SendMessageBatchRequestEntry Entry(string id, int bytes) => new() { Id = id, MessageBody = id + new string('x', bytes - id.Length) };
        var entries = new[] { Entry("a", 100_000), Entry("b", 100_000), Entry("c", 100_000), Entry("huge", 300_000), Entry("d", 1_000) };

        var result = await _sqs.SendMessageBatchesAsync(url, entries, Ct);
        var bodies = await ReceiveAllAsync(url, 4);

        // [a, b] fills 200 KB; c would overflow 256 KiB, so it opens the second call, closed early by "huge".
        Assert.Equal(3, result.Calls);
        Assert.Equal(["a", "b", "c", "d"], result.Successful.Select(e => e.Id));
        Assert.Equal("InvalidParameterValue", result["huge"].Error?.Code);
        Assert.Equal(["a", "b", "c", "d"], bodies.Select(b => b[..1]).Order());
    }

    private async Task<List<string>> ReceiveAllAsync(string url, int count)
    {
        var bodies = new List<string>();
        await Deadline.PollAsync(
            async () =>
            {
                var response = await _sqs.ReceiveAsync(url, visibilityTimeout: 300);
                bodies.AddRange(response.Messages.Select(m => m.Body!));
                return bodies.Count;
            },
            n => n >= count,
            TimeSpan.FromSeconds(15),
            $"{count} messages");
        return bodies;
    }

    public void Dispose() => _sqs.Dispose();
}
