using BenchmarkDotNet.Attributes;
using Notify.Aws.Http;
using Notify.Aws.Sqs;

namespace Notify.Benchmarks;

/// <summary>
/// The client layer's own cost per SendMessageBatch: serialize a 10-entry batch (the API's micro-batch) to AWS JSON 1.0
/// and sign it with SigV4. No network: this is the CPU Notify adds to every enqueue call.
/// </summary>
[MemoryDiagnoser]
public class SendMessageBatchSigningBenchmark
{
    private AwsTransport _transport = null!;
    private AwsJsonRpcProtocol _rpc = null!;
    private SendMessageBatchRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        _transport = new AwsTransport(AwsService.Sqs, AwsConnection.ForLocal(new Uri("http://127.0.0.1:4566/")), JsonErrorReader.Instance);
        _rpc = new AwsJsonRpcProtocol(_transport, "AmazonSQS", queryCompatible: true);
        var payload = new string('x', 300);
        _request = new SendMessageBatchRequest
        {
            QueueUrl = "http://127.0.0.1:4566/000000000000/notify-high.fifo",
            Entries = [.. Enumerable.Range(0, 10).Select(i => new SendMessageBatchRequestEntry
            {
                Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                MessageBody = $$"""{"eventId":"evt-{{i}}","eventType":"order.shipped","userId":"user-{{i}}","payload":"{{payload}}"}""",
                MessageGroupId = $"user-{i}",
                MessageDeduplicationId = $"evt-{i}",
                MessageAttributes = new()
                {
                    ["traceparent"] = new MessageAttributeValue { DataType = "String", StringValue = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
                },
            })],
        };
    }

    [Benchmark(Description = "serialize + SigV4 sign SendMessageBatch (10 entries)")]
    public HttpRequestMessage SerializeAndSign()
    {
        var request = _rpc.BuildRequest("SendMessageBatch", _request, SqsJsonContext.Wire.SendMessageBatchRequest);
        using var message = _transport.Sign(request);
        return message;
    }

    [GlobalCleanup]
    public void Cleanup() => _transport.Dispose();
}
