using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Notify.Aws.Http;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Http;

/// <summary>The fault proxy itself: later fault suites rely on its matching, modes and fault kinds.</summary>
public sealed class FaultProxyTests(MotoFixture moto) : IClassFixture<MotoFixture>, IAsyncLifetime
{
    private static readonly AwsRetryOptions NoRetry = new() { MaxAttempts = 1 };
    private FaultProxy _proxy = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _proxy = await FaultProxy.StartAsync(moto.Endpoint);

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    [Fact]
    public async Task Should_fault_only_the_matching_Query_action_when_matched_by_Action()
    {
        var rule = _proxy.Add(FaultRule.Always(Fault.ServerError(500), FaultRule.Action("Publish")));
        using var transport = new AwsTransport(AwsService.Sns, AwsConnection.ForLocal(_proxy.Endpoint), QueryXmlErrorReader.Instance, NoRetry);
        var sns = new AwsQueryProtocol(transport, "2010-03-31");

        await sns.InvokeAsync("ListTopics", new QueryParameters(), Ct);
        var e = await Assert.ThrowsAsync<AwsServiceException>(() =>
            sns.InvokeAsync("Publish", new QueryParameters().Add("TopicArn", "arn:aws:sns:us-east-1:123456789012:t").Add("Message", "m"), Ct));

        Assert.Equal("InternalFailure", e.ErrorCode);
        Assert.Equal(1, rule.Injected);
        Assert.Equal(2, _proxy.RequestsSeen);
    }

    [Fact]
    public async Task Should_fault_the_same_requests_when_two_rules_share_a_probability_seed()
    {
        var patterns = new List<string>();
        for (var run = 0; run < 2; run++)
        {
            _proxy.Reset();
            _proxy.Add(FaultRule.WithProbability(0.5, seed: 42, new Fault.Error(400, "Injected")));
            using var transport = Sqs(_proxy.Endpoint);
            var pattern = new StringBuilder();
            for (var i = 0; i < 20; i++)
            {
                try
                {
                    await ListQueuesAsync(transport);
                    pattern.Append('.');
                }
                catch (AwsServiceException)
                {
                    pattern.Append('x');
                }
            }

            patterns.Add(pattern.ToString());
            Assert.Equal(pattern.ToString().Count(c => c == 'x'), _proxy.FaultsInjected);
        }

        Assert.Equal(patterns[0], patterns[1]);
        Assert.InRange(_proxy.FaultsInjected, 3, 17);
    }

    [Fact]
    public async Task Should_apply_the_call_but_lose_the_answer_when_the_response_is_dropped()
    {
        _proxy.Add(FaultRule.Next(1, new Fault.DropResponse(), FaultRule.Target("CreateQueue")));
        using var transport = Sqs(_proxy.Endpoint);
        var name = "dropped-" + Guid.NewGuid().ToString("N");

        await Assert.ThrowsAsync<HttpRequestException>(() => transport.SendAsync(
            Rpc(transport).BuildRequest("CreateQueue", new Dictionary<string, string> { ["QueueName"] = name }, Json<Dictionary<string, string>>()), Ct));
        var queues = await ListQueuesAsync(transport);

        Assert.Contains(name, Encoding.UTF8.GetString(queues.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_delay_then_forward_when_the_fault_is_latency()
    {
        _proxy.Add(FaultRule.Next(1, new Fault.Latency(TimeSpan.FromMilliseconds(300))));
        using var transport = Sqs(_proxy.Endpoint);

        var clock = Stopwatch.StartNew();
        var response = await ListQueuesAsync(transport);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(300), $"answered after {clock.Elapsed}");
        Assert.Equal(1, response.Attempts);
        Assert.Equal(1, _proxy.FaultsInjected);
    }

    private static AwsTransport Sqs(Uri endpoint) => new(AwsService.Sqs, AwsConnection.ForLocal(endpoint), JsonErrorReader.Instance, NoRetry);

    private static AwsJsonRpcProtocol Rpc(AwsTransport transport) => new(transport, "AmazonSQS", queryCompatible: true);

    private static Task<AwsResponse> ListQueuesAsync(AwsTransport transport) =>
        transport.SendAsync(Rpc(transport).BuildRequest("ListQueues", new Dictionary<string, string>(), Json<Dictionary<string, string>>()), Ct);

    private static JsonTypeInfo<T> Json<T>() => (JsonTypeInfo<T>)JsonSerializerOptions.Default.GetTypeInfo(typeof(T));
}
