using System.Net;
using System.Text.Json;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Sqs;

/// <summary>Splitting and outcome mapping of <see cref="SqsBatchSender"/>, without a network.</summary>
public sealed class SqsBatchSenderTests
{
    private const int Limit = SqsBatchSender.DefaultMaxPayloadBytes;

    [Fact]
    public void Should_split_by_ten_entries_when_messages_are_small()
    {
        var plan = SqsBatchSender.Plan(Entries(25, bodyBytes: 10), Limit);

        Assert.Equal([10, 10, 5], plan.Select(s => s.Indices.Count));
        Assert.Equal(Enumerable.Range(0, 25), plan.SelectMany(s => s.Indices));
    }

    [Fact]
    public void Should_split_by_payload_when_entries_would_exceed_the_limit_together()
    {
        var plan = SqsBatchSender.Plan(Entries(5, bodyBytes: 100_000), Limit);

        Assert.Equal([[0, 1], [2, 3], [4]], plan.Select(s => s.Indices.ToArray()));
        Assert.All(plan, s => Assert.False(s.TooLarge));
    }

    [Fact]
    public void Should_keep_entries_together_when_they_fill_the_limit_exactly()
    {
        var plan = SqsBatchSender.Plan([Entry("a", Limit - 100), Entry("b", 100), Entry("c", 1)], Limit);

        Assert.Equal([[0, 1], [2]], plan.Select(s => s.Indices.ToArray()));
    }

    [Fact]
    public void Should_isolate_an_oversize_entry_in_input_order_when_one_exceeds_the_limit()
    {
        var plan = SqsBatchSender.Plan([Entry("a", 10), Entry("big", Limit + 1), Entry("b", 10)], Limit);

        Assert.Equal([[0], [1], [2]], plan.Select(s => s.Indices.ToArray()));
        Assert.Equal([false, true, false], plan.Select(s => s.TooLarge));
    }

    [Fact]
    public void Should_count_utf8_bytes_and_attribute_name_type_and_value_when_sizing()
    {
        var entry = new SendMessageBatchRequestEntry
        {
            Id = "x",
            MessageBody = "é✓", // 2 + 3 bytes
            MessageAttributes = new()
            {
                ["ab"] = new() { DataType = "String", StringValue = "xyz" }, // 2 + 6 + 3
                ["c"] = new() { DataType = "Binary", BinaryValue = new byte[10] }, // 1 + 6 + 10
            },
            MessageSystemAttributes = new() { ["AWSTraceHeader"] = new() { DataType = "String", StringValue = "Root=1-abc" } },
        };

        Assert.Equal(5 + 11 + 17, SqsBatchSender.PayloadSize(entry));
    }

    [Fact]
    public async Task Should_report_every_entry_by_id_in_input_order_when_calls_partly_fail()
    {
        var handler = StubHttpHandler.AmzJson(call => (HttpStatusCode.OK, EchoBatch(call, failIds: ["e3"])));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);
        var input = Entries(12, bodyBytes: 10).Append(Entry("huge", Limit + 1)).ToList();

        var result = await sqs.SendMessageBatchesAsync("http://q/1/standard", input, TestContext.Current.CancellationToken);

        Assert.Equal(2, result.Calls);
        Assert.Equal(input.Select(e => e.Id), result.Entries.Select(e => e.Id));
        Assert.Equal("id-e0", result["e0"].MessageId);
        Assert.Equal("InvalidParameterValue", result["e3"].Error?.Code);
        Assert.True(result["e3"].Error?.SenderFault);
        Assert.Equal("InvalidParameterValue", result["huge"].Error?.Code);
        Assert.Equal(11, result.Successful.Count());
        Assert.DoesNotContain(handler.Requests.SelectMany(c => c.Json.GetProperty("Entries").EnumerateArray()), e => e.GetProperty("Id").GetString() == "huge");
    }

    [Fact]
    public async Task Should_fail_the_call_and_skip_the_rest_when_the_service_rejects_a_whole_batch()
    {
        var handler = StubHttpHandler.AmzJson(_ => (HttpStatusCode.BadRequest, """{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"}"""));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        var result = await sqs.SendMessageBatchesAsync("http://q/1/missing", Entries(15, bodyBytes: 10), TestContext.Current.CancellationToken);

        Assert.Equal(1, result.Calls);
        Assert.Single(handler.Requests);
        Assert.All(result.Entries.Take(10), e => Assert.Equal("QueueDoesNotExist", e.Error?.Code));
        Assert.All(result.Entries.Skip(10), e => Assert.Equal(SqsBatchSender.NotAttemptedCode, e.Error?.Code));
        Assert.False(result.AllSucceeded);
    }

    [Fact]
    public async Task Should_not_send_later_messages_of_a_fifo_group_when_an_earlier_one_failed()
    {
        var handler = StubHttpHandler.AmzJson(call => (HttpStatusCode.OK, EchoBatch(call, failIds: ["a1"])));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);
        SendMessageBatchRequestEntry Fifo(string id, string group, int bytes) =>
            new() { Id = id, MessageBody = new string('x', bytes), MessageGroupId = group, MessageDeduplicationId = id };

        // a1 and b1 share a call, the payload limit pushes a2 and b2 into a second one.
        var result = await sqs.SendMessageBatchesAsync(
            "http://q/1/orders.fifo", [Fifo("a1", "A", 100_000), Fifo("b1", "B", 100_000), Fifo("a2", "A", 100_000), Fifo("b2", "B", 10)], TestContext.Current.CancellationToken);

        Assert.Equal(2, result.Calls);
        Assert.Equal(SqsBatchSender.NotAttemptedCode, result["a2"].Error?.Code);
        Assert.True(result["b1"].Succeeded);
        Assert.True(result["b2"].Succeeded);
        Assert.Equal(["b2"], handler.Requests[1].Json.GetProperty("Entries").EnumerateArray().Select(e => e.GetProperty("Id").GetString()));
    }

    [Fact]
    public async Task Should_fail_only_the_entry_when_its_digest_is_answered_wrongly()
    {
        var handler = StubHttpHandler.AmzJson(call => (HttpStatusCode.OK, EchoBatch(call, failIds: [], corruptIds: ["e1"])));
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        var result = await sqs.SendMessageBatchesAsync("http://q/1/standard", Entries(3, bodyBytes: 10), TestContext.Current.CancellationToken);

        Assert.Equal(SqsBatchSender.ChecksumMismatchCode, result["e1"].Error?.Code);
        Assert.True(result["e0"].Succeeded);
        Assert.True(result["e2"].Succeeded);
        await Assert.ThrowsAsync<SqsChecksumMismatchException>(() => sqs.SendMessageBatchAsync(
            new SendMessageBatchRequest { QueueUrl = "http://q/1/standard", Entries = Entries(3, bodyBytes: 10) }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Should_reject_the_input_when_entry_ids_repeat()
    {
        using var sqs = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, StubHttpHandler.AmzJson(_ => throw new InvalidOperationException("no call expected")));

        await Assert.ThrowsAsync<ArgumentException>(
            () => sqs.SendMessageBatchesAsync("http://q/1/standard", [Entry("a", 1), Entry("a", 1)], TestContext.Current.CancellationToken));
    }

    private static List<SendMessageBatchRequestEntry> Entries(int count, int bodyBytes) =>
        [.. Enumerable.Range(0, count).Select(i => Entry($"e{i}", bodyBytes))];

    private static SendMessageBatchRequestEntry Entry(string id, int bodyBytes) => new() { Id = id, MessageBody = new string('x', bodyBytes) };

    /// <summary>A SendMessageBatch answer as SQS would give it: correct digests, except for the listed ids.</summary>
    private static string EchoBatch(StubRequest call, string[] failIds, string[]? corruptIds = null)
    {
        var successful = new List<Dictionary<string, string>>();
        var failed = new List<Dictionary<string, object>>();
        foreach (var entry in call.Json.GetProperty("Entries").EnumerateArray())
        {
            var id = entry.GetProperty("Id").GetString()!;
            if (failIds.Contains(id))
            {
                failed.Add(new() { ["Id"] = id, ["SenderFault"] = true, ["Code"] = "InvalidParameterValue", ["Message"] = "bad" });
                continue;
            }

            var body = entry.GetProperty("MessageBody").GetString()!;
            successful.Add(new()
            {
                ["Id"] = id,
                ["MessageId"] = "id-" + id,
                ["MD5OfMessageBody"] = SqsMessageChecksums.Md5OfBody(corruptIds?.Contains(id) == true ? body + "!" : body),
                ["SequenceNumber"] = "1",
            });
        }

        return JsonSerializer.Serialize(new { Successful = successful, Failed = failed });
    }
}
