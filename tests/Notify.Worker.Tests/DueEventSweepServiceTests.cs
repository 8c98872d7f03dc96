using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Notify.Aws.Local;
using Notify.Aws.Provisioning;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Events;
using Notify.Core.Resources;

namespace Notify.Worker.Tests;

/// <summary>
/// The worker's sweep closes the API's persist → enqueue → sweep loop: an event recorded without an enqueue (the API
/// died in between, or SQS refused) and a scheduled event both reach their lane without anyone calling the API again.
/// </summary>
public sealed class DueEventSweepServiceTests : IAsyncLifetime
{
    private readonly string _prefix = "wrk" + Guid.NewGuid().ToString("N")[..10];
    private LocalAws _aws = null!;
    private WebApplicationFactory<Program> _worker = null!;
    private SqsClient _sqs = null!;

    public async ValueTask InitializeAsync()
    {
        _aws = await LocalAws.StartAsync(new LocalAwsOptions());
        await NotifyProvisioner.ProvisionAsync(_aws.Connection, new ProvisioningOptions { Prefix = _prefix });
        _sqs = new SqsClient(_aws.Connection);
        _worker = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Aws:EndpointUrl", _aws.Endpoint.ToString());
            web.UseSetting("Aws:Region", "us-east-1");
            web.UseSetting("Notify:Provisioning:Prefix", _prefix);
            web.UseSetting("Notify:Store:SweepDelay", "00:00:01");
            web.UseSetting("Notify:Store:DueLookback", "00:10:00");
            web.UseSetting("Notify:Sweep:Interval", "00:00:00.200");

            // The test reads the lanes itself: the worker's lane consumer would take the messages first.
            web.UseSetting("Notify:Worker:Lanes:Enabled", "false");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        _ = _worker.Services; // Starts the host and its hosted services.
    }

    [Fact]
    public async Task Should_enqueue_an_event_recorded_but_never_enqueued_when_its_sweep_delay_has_passed()
    {
        var accepted = Event(Priority.High, sendAt: null);
        await _worker.Services.GetRequiredService<IEventStore>().RecordAsync(accepted, TestContext.Current.CancellationToken);

        var message = await ReceiveAsync(NotifyResources.HighLane, accepted.EventId, TimeSpan.FromSeconds(30));

        Assert.Equal(accepted.UserId, message.Attributes[MessageSystemAttributeName.MessageGroupId]);
        Assert.Equal(accepted.EventId, message.Attributes[MessageSystemAttributeName.MessageDeduplicationId]);
    }

    [Fact]
    public async Task Should_hold_a_scheduled_event_until_its_send_time_then_enqueue_it()
    {
        var sendAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var accepted = Event(Priority.Low, sendAt);
        await _worker.Services.GetRequiredService<IEventStore>().RecordAsync(accepted, TestContext.Current.CancellationToken);

        var message = await ReceiveAsync(NotifyResources.LowLane, accepted.EventId, TimeSpan.FromSeconds(30));

        Assert.True(DateTimeOffset.UtcNow >= sendAt, "the scheduled event reached its lane before its sendAt");
        using var body = JsonDocument.Parse(message.Body!);
        Assert.Equal(accepted.EventId, body.RootElement.GetProperty("submission").GetProperty("eventId").GetString());
    }

    private static AcceptedEvent Event(Priority priority, DateTimeOffset? sendAt)
    {
        var id = "evt-" + Guid.NewGuid().ToString("N");
        using var payload = JsonDocument.Parse("""{"name":"Ada"}""");
        var submission = new EventSubmission(id, "welcome", "user-" + id[^6..], payload.RootElement.Clone(), priority, null, sendAt, null, null);
        return new AcceptedEvent(submission, priority, KeyMode.Live, "admin", new string('0', 64), DateTimeOffset.UtcNow, null, null);
    }

    private async Task<Message> ReceiveAsync(QueueDefinition lane, string eventId, TimeSpan timeout)
    {
        var url = (await _sqs.GetQueueUrlAsync(new ResourceNaming(_prefix).Queue(lane))).QueueUrl!;
        var found = await Deadline.PollAsync(
            async () => (await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = url,
                WaitTimeSeconds = 1,
                MaxNumberOfMessages = 10,
                MessageSystemAttributeNames = [MessageSystemAttributeName.All],
            })).Messages,
            messages => messages.Any(m => m.Body!.Contains(eventId, StringComparison.Ordinal)),
            timeout,
            $"{eventId} on {lane.Name}");
        return found.First(m => m.Body!.Contains(eventId, StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.DisposeAsync();
        _sqs.Dispose();
        await _aws.DisposeAsync();
    }
}
