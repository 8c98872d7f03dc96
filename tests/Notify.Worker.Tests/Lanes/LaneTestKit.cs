using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.Aws.Local;
using Notify.Aws.Provisioning;
using Notify.Aws.Sqs;
using Notify.Core.Resources;
using Notify.Worker.Lanes;

namespace Notify.Worker.Tests.Lanes;

/// <summary>One moto per test class; each test provisions its own prefix, so tests never see each other's messages.</summary>
public sealed class LaneMoto : IAsyncLifetime
{
    public LocalAws Aws { get; private set; } = null!;

    public SqsClient Sqs { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Aws = await LocalAws.StartAsync(new LocalAwsOptions());
        Sqs = new SqsClient(Aws.Connection);
    }

    public async Task<ResourceNaming> ProvisionAsync()
    {
        var prefix = "ln" + Guid.NewGuid().ToString("N")[..10];
        await NotifyProvisioner.ProvisionAsync(Aws.Connection, new ProvisioningOptions { Prefix = prefix }, TestContext.Current.CancellationToken);
        return new ResourceNaming(prefix);
    }

    public async Task<string> UrlAsync(string physicalName) =>
        (await Sqs.GetQueueUrlAsync(physicalName, TestContext.Current.CancellationToken)).QueueUrl!;

    /// <summary>Sends one message per body, each in its own group (FIFO) unless a group is given.</summary>
    public async Task SendAsync(string queueUrl, IEnumerable<string> bodies, Func<string, string>? group = null, Dictionary<string, MessageAttributeValue>? attributes = null)
    {
        var fifo = queueUrl.EndsWith(".fifo", StringComparison.Ordinal);
        var entries = bodies.Select((body, i) => new SendMessageBatchRequestEntry
        {
            Id = "m" + i,
            MessageBody = body,
            MessageGroupId = fifo ? (group ?? (b => "user-" + b))(body) : null,
            MessageDeduplicationId = fifo ? Guid.NewGuid().ToString("N") : null,
            MessageAttributes = attributes,
        }).ToList();
        var result = await Sqs.SendMessageBatchesAsync(queueUrl, entries, TestContext.Current.CancellationToken);
        Assert.All(result.Entries, e => Assert.True(e.Succeeded, e.ToString()));
    }

    /// <summary>(visible, in flight) as SQS counts them.</summary>
    public async Task<(int Visible, int InFlight)> CountAsync(string queueUrl)
    {
        var attributes = await Sqs.GetQueueAttributesAsync(
            new GetQueueAttributesRequest
            {
                QueueUrl = queueUrl,
                AttributeNames = [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible],
            },
            TestContext.Current.CancellationToken);
        return (attributes.ApproximateNumberOfMessages, attributes.ApproximateNumberOfMessagesNotVisible);
    }

    public async ValueTask DisposeAsync()
    {
        Sqs.Dispose();
        await Aws.DisposeAsync();
    }
}

/// <summary>Records every call (message, time) and answers with the behaviour it was given.</summary>
public sealed class RecordingHandler(Func<LaneMessage, CancellationToken, Task<MessageDisposition>> handle) : ILaneMessageHandler
{
    public RecordingHandler()
        : this((_, _) => Task.FromResult(MessageDisposition.Delete))
    {
    }

    public ConcurrentQueue<(LaneMessage Message, DateTimeOffset At)> Calls { get; } = new();

    public IReadOnlyList<LaneMessage> Messages => [.. Calls.Select(c => c.Message)];

    public async Task<MessageDisposition> HandleAsync(LaneMessage message, CancellationToken cancellationToken)
    {
        Calls.Enqueue((message, DateTimeOffset.UtcNow));
        return await handle(message, cancellationToken);
    }
}

/// <summary>A consumer under test: started on creation, stopped and disposed (with what it owns) at the end of the test.</summary>
public sealed class RunningConsumer : IAsyncDisposable
{
    private readonly Microsoft.Extensions.Hosting.BackgroundService _consumer;
    private readonly IDisposable? _owned;
    private bool _stopped;

    private RunningConsumer(Microsoft.Extensions.Hosting.BackgroundService consumer, IDisposable? owned)
    {
        _consumer = consumer;
        _owned = owned;
    }

    public static async Task<RunningConsumer> StartAsync(Microsoft.Extensions.Hosting.BackgroundService consumer, IDisposable? owned = null)
    {
        await consumer.StartAsync(TestContext.Current.CancellationToken);
        return new RunningConsumer(consumer, owned);
    }

    public async Task StopAsync()
    {
        _stopped = true;
        await _consumer.StopAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await _consumer.StopAsync(CancellationToken.None);
        }

        _consumer.Dispose();
        _owned?.Dispose();
    }
}

public static class LaneTestServices
{
    /// <summary>Metrics over a real meter factory, so a test can listen to exactly its own consumer's instruments.</summary>
    public static (LaneMetrics Metrics, ServiceProvider Provider) Metrics()
    {
        var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        return (new LaneMetrics(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), provider);
    }

    /// <summary>Warnings and errors go to the test output, so a failing test shows what the consumer logged.</summary>
    public static ILogger<T> Logger<T>() => new TestOutputLogger<T>();

    private sealed class TestOutputLogger<T> : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {typeof(T).Name}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");
            }
        }
    }
}
