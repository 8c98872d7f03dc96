using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Events;
using Notify.Core.Resources;
using Notify.Worker.Lanes;

namespace Notify.Worker.Tests.Lanes;

/// <summary>The single-queue consumer (DLQs, SES feedback) and the registration of both consumers in a host.</summary>
public sealed class QueueConsumerTests(LaneMoto moto) : IClassFixture<LaneMoto>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_handle_a_standard_queue_at_most_MaxConcurrency_at_a_time_when_consuming_it()
    {
        var naming = await moto.ProvisionAsync();
        var feedback = await moto.UrlAsync(naming.Queue(NotifyResources.Feedback));
        await moto.SendAsync(feedback, Enumerable.Range(0, 6).Select(i => $"bounce-{i}"));
        int running = 0, maxRunning = 0;
        var handler = new RecordingHandler(async (_, _) =>
        {
            var now = Interlocked.Increment(ref running);
            if (now > Volatile.Read(ref maxRunning))
            {
                Interlocked.Exchange(ref maxRunning, now);
            }

            await Task.Delay(300, CancellationToken.None);
            Interlocked.Decrement(ref running);
            return MessageDisposition.Delete;
        });

        await using (await StartAsync(naming, handler, NotifyResources.Feedback.Name))
        {
            await Deadline.PollAsync(() => Task.FromResult(handler.Calls.Count), n => n >= 6, Patience, "6 feedback messages handled");
            await Deadline.PollAsync(() => moto.CountAsync(feedback), c => c == (0, 0), Patience, "every feedback message deleted");
        }

        Assert.Equal(2, maxRunning);
        Assert.All(handler.Messages, m => Assert.Equal((NotifyResources.Feedback.Name, Priority.Low, feedback), (m.QueueName, m.Lane, m.QueueUrl)));
        Assert.Equal(6, handler.Messages.Select(m => m.Body).Distinct().Count());
    }

    [Fact]
    public async Task Should_tell_the_handler_the_lane_a_dead_letter_queue_belongs_to_when_consuming_it()
    {
        var naming = await moto.ProvisionAsync();
        var highDlq = await moto.UrlAsync(naming.Queue(NotifyResources.HighLaneDlq));
        await moto.SendAsync(highDlq, ["dead"]);
        var handler = new RecordingHandler();

        await using (await StartAsync(naming, handler, NotifyResources.HighLaneDlq.Name))
        {
            await Deadline.PollAsync(() => Task.FromResult(handler.Calls.Count), n => n >= 1, Patience, "the dead letter handled");
        }

        var message = Assert.Single(handler.Messages);
        Assert.Equal((NotifyResources.HighLaneDlq.Name, Priority.High, "dead"), (message.QueueName, message.Lane, message.Body));
    }

    [Fact]
    public async Task Should_run_the_lane_and_queue_consumers_and_leave_them_time_to_drain_when_registered_in_a_host()
    {
        var naming = await moto.ProvisionAsync();
        var handler = new RecordingHandler();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:EndpointUrl"] = moto.Aws.Endpoint.ToString(),
            ["Aws:Region"] = "us-east-1",
            ["Notify:Provisioning:Prefix"] = naming.Prefix,
            ["Notify:Worker:Lanes:WaitTimeSeconds"] = "1",
            ["Notify:Worker:Lanes:ShutdownGracePeriod"] = "00:00:25",
            ["Notify:Worker:Queues:feedback:WaitTimeSeconds"] = "1",
        });
        builder.Services.AddSingleton(handler);
        builder.Services.AddLaneConsumer<RecordingHandler>(builder.Configuration);
        builder.Services.AddQueueConsumer<RecordingHandler>(builder.Configuration, NotifyResources.Feedback.Name);
        builder.Services.AddQueueConsumer<RecordingHandler>(builder.Configuration, NotifyResources.HighLaneDlq.Name, o => o.WaitTimeSeconds = 1);
        using var host = builder.Build();

        var hostOptions = host.Services.GetRequiredService<IOptions<HostOptions>>().Value;
        Assert.True(hostOptions.ShutdownTimeout >= TimeSpan.FromSeconds(35), $"shutdown timeout {hostOptions.ShutdownTimeout}");
        Assert.True(hostOptions.ServicesStopConcurrently);
        Assert.Equal(
            [nameof(LaneConsumer), nameof(QueueConsumer), nameof(QueueConsumer)],
            host.Services.GetServices<IHostedService>().Select(s => s.GetType().Name));

        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await moto.SendAsync(await moto.UrlAsync(naming.Queue(NotifyResources.HighLane)), ["to-high"]);
            await moto.SendAsync(await moto.UrlAsync(naming.Queue(NotifyResources.Feedback)), ["to-feedback"]);
            await moto.SendAsync(await moto.UrlAsync(naming.Queue(NotifyResources.HighLaneDlq)), ["to-dlq"]);

            await Deadline.PollAsync(() => Task.FromResult(handler.Calls.Count), n => n >= 3, Patience, "one message on each queue handled");
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }

        Assert.Equal(
            ["feedback:to-feedback", "high-dlq:to-dlq", "high:to-high"],
            handler.Messages.Select(m => $"{m.QueueName}:{m.Body}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Should_refuse_to_start_when_extensions_would_come_too_late_for_the_lease()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:EndpointUrl"] = moto.Aws.Endpoint.ToString(),
            ["Aws:Region"] = "us-east-1",
            ["Notify:Worker:Lanes:VisibilityTimeout"] = "00:00:30",
            ["Notify:Worker:Lanes:ExtendAfter"] = "00:00:20",
        });
        builder.Services.AddLaneConsumer<RecordingHandler>(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(nameof(LaneConsumerOptions.ExtendAfter), error.Message, StringComparison.Ordinal);
    }

    private async Task<RunningConsumer> StartAsync(ResourceNaming naming, ILaneMessageHandler handler, string queueName)
    {
        var (metrics, provider) = LaneTestServices.Metrics();
        var consumer = new QueueConsumer(
            moto.Sqs,
            naming,
            handler,
            new QueueConsumerOptions { QueueName = queueName, WaitTimeSeconds = 1, ShutdownGracePeriod = TimeSpan.FromSeconds(2) },
            metrics,
            TimeProvider.System,
            LaneTestServices.Logger<QueueConsumer>());
        return await RunningConsumer.StartAsync(consumer, provider);
    }
}
