using System.Xml.Linq;
using Notify.Aws.Http;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Sns;

/// <summary>
/// An SQS queue to watch SNS deliveries with. It speaks SQS's Query protocol, which moto still serves, so these
/// tests do not depend on Notify's own SQS client.
/// </summary>
internal sealed class TestQueue : IDisposable
{
    private readonly AwsTransport _transport;
    private readonly AwsQueryProtocol _query;

    private TestQueue(AwsTransport transport, string url, string arn)
    {
        _transport = transport;
        _query = new AwsQueryProtocol(transport, "2012-11-05");
        Url = url;
        Arn = arn;
    }

    public string Url { get; }

    public string Arn { get; }

    public static async Task<TestQueue> CreateAsync(AwsConnection connection, string name, CancellationToken cancellationToken)
    {
        var transport = new AwsTransport(AwsService.Sqs, connection, QueryXmlErrorReader.Instance);
        var query = new AwsQueryProtocol(transport, "2012-11-05");
        var url = (await query.InvokeAsync("CreateQueue", new QueryParameters().Add("QueueName", name), cancellationToken)).String("QueueUrl")!;
        var attributes = await query.InvokeAsync(
            "GetQueueAttributes", new QueryParameters().Add("QueueUrl", url).Add("AttributeName.1", "QueueArn"), cancellationToken);
        var arn = attributes.Elements().Where(e => e.Name.LocalName == "Attribute").Single(e => e.String("Name") == "QueueArn").String("Value")!;
        return new TestQueue(transport, url, arn);
    }

    /// <summary>Polls until a message body satisfies <paramref name="match"/>; other messages are left to become visible again.</summary>
    public Task<string?> WaitForAsync(Func<string, bool> match, string what, CancellationToken cancellationToken) =>
        Deadline.PollAsync(
            async () => (await ReceiveAsync(cancellationToken)).FirstOrDefault(match),
            body => body is not null,
            TimeSpan.FromSeconds(10),
            what);

    public async Task<IReadOnlyList<string>> ReceiveAsync(CancellationToken cancellationToken)
    {
        var result = await _query.InvokeAsync(
            "ReceiveMessage", new QueryParameters().Add("QueueUrl", Url).Add("MaxNumberOfMessages", 10), cancellationToken);
        return [.. result.Elements().Where(e => e.Name.LocalName == "Message").Select(m => m.String("Body") ?? string.Empty)];
    }

    public void Dispose() => _transport.Dispose();
}
