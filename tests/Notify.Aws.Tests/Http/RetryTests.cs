using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Notify.Aws.Http;
using Notify.Aws.Tests.Fixtures;

namespace Notify.Aws.Tests.Http;

/// <summary>
/// The transport's retry policy against a real moto behind a fault-injecting proxy: what is retried, how often,
/// and what surfaces. Attempts are counted at the proxy (what really went over the wire), not inferred from time.
/// </summary>
public sealed class RetryTests(MotoFixture moto) : IClassFixture<MotoFixture>, IAsyncLifetime
{
    private FaultProxy _proxy = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _proxy = await FaultProxy.StartAsync(moto.Endpoint);

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    [Fact]
    public async Task Should_succeed_after_retries_when_throttled_twice()
    {
        _proxy.Add(FaultRule.Next(2, new Fault.Throttling(), FaultRule.Target("ListQueues")));
        using var transport = Transport();

        var response = await ListQueuesAsync(transport, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, response.Attempts);
        Assert.Equal(3, _proxy.RequestsSeen);
        Assert.Equal(2, _proxy.FaultsInjected);
    }

    [Fact]
    public async Task Should_succeed_after_a_retry_when_a_5xx_precedes_the_answer()
    {
        _proxy.Add(FaultRule.Next(1, Fault.ServerError(500)));
        using var transport = Transport();

        var response = await ListQueuesAsync(transport, Ct);

        Assert.Equal(2, response.Attempts);
        Assert.Equal(2, _proxy.RequestsSeen);
    }

    [Fact]
    public async Task Should_retry_when_the_connection_is_reset_before_an_answer()
    {
        _proxy.Add(FaultRule.Next(1, new Fault.Abort()));
        using var transport = Transport();

        var response = await ListQueuesAsync(transport, Ct);

        Assert.Equal(2, response.Attempts);
        Assert.Equal(2, _proxy.RequestsSeen);
        Assert.Equal(1, _proxy.FaultsInjected);
    }

    [Fact]
    public async Task Should_make_one_attempt_and_throw_the_typed_error_when_the_error_is_not_retryable()
    {
        _proxy.Add(FaultRule.Always(new Fault.Error(400, "InvalidParameterValue")));
        using var transport = Transport();

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => ListQueuesAsync(transport, Ct));

        Assert.Equal(1, _proxy.RequestsSeen);
        Assert.Equal("InvalidParameterValue", e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.StartsWith("fault-", e.RequestId, StringComparison.Ordinal);
        Assert.False(e.IsRetryable);
    }

    [Fact]
    public async Task Should_make_one_attempt_and_surface_moto_error_when_the_queue_does_not_exist()
    {
        using var transport = Transport();
        var protocol = new AwsJsonRpcProtocol(transport, "AmazonSQS", queryCompatible: true);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => transport.SendAsync(
            protocol.BuildRequest("GetQueueUrl", new Dictionary<string, string> { ["QueueName"] = "missing-" + Guid.NewGuid().ToString("N") }, Json<Dictionary<string, string>>()),
            Ct));

        Assert.Equal(1, _proxy.RequestsSeen);
        Assert.Equal("QueueDoesNotExist", e.ErrorCode);
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", e.QueryErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.False(string.IsNullOrEmpty(e.RequestId), "moto answers a request id; the error must carry it");
    }

    [Fact]
    public async Task Should_make_exactly_MaxAttempts_attempts_then_throw_when_503_persists()
    {
        _proxy.Add(FaultRule.Always(Fault.ServerError(503)));
        using var transport = Transport(maxAttempts: 3);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => ListQueuesAsync(transport, Ct));

        Assert.Equal(3, _proxy.RequestsSeen);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Equal("ServiceUnavailable", e.ErrorCode);
        Assert.StartsWith("fault-", e.RequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_make_a_single_attempt_when_MaxAttempts_is_one()
    {
        _proxy.Add(FaultRule.Always(Fault.ServerError(503)));
        using var transport = Transport(maxAttempts: 1);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => ListQueuesAsync(transport, Ct));

        Assert.Equal(1, _proxy.RequestsSeen);
        Assert.True(e.IsRetryable);
    }

    [Fact]
    public async Task Should_throw_promptly_and_stop_retrying_when_cancelled_during_the_backoff()
    {
        _proxy.Add(FaultRule.Always(Fault.ServerError(503)));
        using var transport = Transport(maxAttempts: 4, baseDelay: TimeSpan.FromSeconds(10));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // The pipeline counts a retry just before it starts the backoff delay: cancelling there lands in the
        // backoff deterministically, whatever the jittered delay turns out to be.
        using var listener = CancelOnRetry(cts);

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ListQueuesAsync(transport, cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Cancellation took {clock.Elapsed}; the backoff was not interrupted");
        Assert.Equal(1, _proxy.RequestsSeen);
    }

    private AwsTransport Transport(int maxAttempts = 4, TimeSpan? baseDelay = null) =>
        new(AwsService.Sqs, AwsConnection.ForLocal(_proxy.Endpoint), JsonErrorReader.Instance, new AwsRetryOptions
        {
            MaxAttempts = maxAttempts,
            BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(1),
            MaxDelay = baseDelay ?? TimeSpan.FromMilliseconds(10),
        });

    private static Task<AwsResponse> ListQueuesAsync(AwsTransport transport, CancellationToken cancellationToken) =>
        transport.SendAsync(
            new AwsJsonRpcProtocol(transport, "AmazonSQS", queryCompatible: true)
                .BuildRequest("ListQueues", new Dictionary<string, string>(), Json<Dictionary<string, string>>()),
            cancellationToken);

    private static readonly AsyncLocal<CancellationTokenSource?> CancelHere = new();

    /// <summary>
    /// Cancels <paramref name="cts"/> when this test's call records a retry. Other tests record retries in
    /// parallel; the async-local marks the measurements taken on this test's own call.
    /// </summary>
    private static MeterListener CancelOnRetry(CancellationTokenSource cts)
    {
        CancelHere.Value = cts;
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == AwsTelemetry.Name && instrument.Name == "notify.aws.retries")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => CancelHere.Value?.Cancel());
        listener.Start();
        return listener;
    }

    private static JsonTypeInfo<T> Json<T>() => (JsonTypeInfo<T>)JsonSerializerOptions.Default.GetTypeInfo(typeof(T));
}
