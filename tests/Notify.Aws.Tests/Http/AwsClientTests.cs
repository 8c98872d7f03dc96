using System.Net;
using Notify.Aws.Http;
using Notify.Aws.Ses;
using Notify.Aws.Ses.V2;
using Notify.Aws.Sns;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Http;

/// <summary>What every service client gets from <see cref="AwsClient"/>: the check of a shared transport and who disposes it.</summary>
public sealed class AwsClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Should_refuse_transport_of_another_service_when_constructed()
    {
        using var sqs = new AwsTransport(AwsService.Sqs, StubHttpHandler.Connection, JsonErrorReader.Instance);
        using var sns = new AwsTransport(AwsService.Sns, StubHttpHandler.Connection, QueryXmlErrorReader.Instance);
        // SES v1 and v2 share the host and the signing name, but not the protocol.
        using var ses = new AwsTransport(AwsService.Ses, StubHttpHandler.Connection, QueryXmlErrorReader.Instance);

        Assert.Throws<ArgumentException>(() => new SnsClient(sqs));
        Assert.Throws<ArgumentException>(() => new SqsClient(sns));
        Assert.Throws<ArgumentException>(() => new SesClient(sqs));
        Assert.Throws<ArgumentException>(() => new SesV2Client(ses));
    }

    [Fact]
    public async Task Should_leave_a_shared_transport_open_and_dispose_an_owned_one_when_the_client_is_disposed()
    {
        var handler = StubHttpHandler.AmzJson(_ => (HttpStatusCode.OK, """{"QueueUrl":"http://x/1/q"}"""));
        using var shared = new AwsTransport(AwsService.Sqs, StubHttpHandler.Connection, JsonErrorReader.Instance, StubHttpHandler.Retry, handler);
        var sharing = new SqsClient(shared);
        var owning = new SqsClient(StubHttpHandler.Connection, StubHttpHandler.Retry, handler);

        sharing.Dispose();
        owning.Dispose();

        Assert.Equal("http://x/1/q", (await new SqsClient(shared).GetQueueUrlAsync("q", Ct)).QueueUrl);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => owning.GetQueueUrlAsync("q", Ct));
    }
}
