using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notify.Aws.Sqs;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Resources;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Worker.Tests.Delivery;

/// <summary>
/// Failures on the way to the provider, end to end: a transient SES failure that outlasts the AWS client's own retries
/// comes back through the lane's visibility backoff and is sent once; a permanent rejection fails the channel at once
/// and is never sent again; a message that can never be delivered runs out of receives, lands in the DLQ as a dead-letter
/// record the API lists, and goes out after an admin redrives it.
/// </summary>
/// <remarks>
/// The faults match every SES v2 <c>SendEmail</c> (the proxy cannot see the recipient in a REST body). That is safe
/// within this class: xunit runs one class's tests one at a time, each test waits until its events are final, and every
/// test clears the proxy's rules before and after.
/// </remarks>
[Trait("Category", "Slow")]
public sealed class RetryAndDeadLetterTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>, IDisposable
{
    private const string SendEmailPath = "/v2/email/outbound-emails";

    [Fact]
    public async Task Should_send_the_email_once_after_visibility_backoff_when_SES_fails_longer_than_the_client_retries()
    {
        fixture.Proxy.Reset();
        var sendEmails = CountSendEmails();

        // Seven failures in all: more than the client's four attempts of one receive, so the message must come back.
        fixture.Proxy.Add(FaultRule.Next(4, Fault.ServerError(), FaultRule.PathStartsWith(SendEmailPath)));
        fixture.Proxy.Add(FaultRule.Next(3, new Fault.Throttling(), FaultRule.PathStartsWith(SendEmailPath)));
        var (eventType, userId, address) = await EmailUserAsync("transient");
        var eventId = DeliveryFixture.NewId("ev-transient");

        await fixture.PostEventAsync(new { eventId, eventType, userId, channels = new[] { "email" }, payload = new { } });

        var done = await fixture.WaitForEventAsync(eventId, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var email = DeliveryFixture.Channel(done, "email");
        Assert.Equal("sent", email.GetProperty("status").GetString());
        Assert.Equal(2, email.GetProperty("attempts").GetInt32());
        Assert.Equal(8, sendEmails.Count);
        Assert.Single(await EmailsToAsync(address));
    }

    [Fact]
    public async Task Should_fail_the_email_after_one_attempt_and_never_resend_it_when_SES_rejects_the_message()
    {
        fixture.Proxy.Reset();
        var sendEmails = CountSendEmails();
        fixture.Proxy.Add(FaultRule.Next(1, new Fault.Error(400, "MessageRejected"), FaultRule.PathStartsWith(SendEmailPath)));
        var (eventType, userId, address) = await EmailUserAsync("rejected");
        var eventId = DeliveryFixture.NewId("ev-rejected");

        await fixture.PostEventAsync(new { eventId, eventType, userId, channels = new[] { "email" }, payload = new { } });

        var done = await fixture.WaitForEventAsync(eventId);
        Assert.Equal("failed", done.GetProperty("status").GetString());
        var email = DeliveryFixture.Channel(done, "email");
        Assert.Equal("failed", email.GetProperty("status").GetString());
        Assert.Equal("provider_rejected", email.GetProperty("reason").GetString());
        Assert.Contains("MessageRejected", email.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, email.GetProperty("attempts").GetInt32());

        // The next event of the same user shares the FIFO message group, so the lane hands it out only once the rejected
        // message is deleted: had it been kept for a retry, that retry would have come first.
        var followUpId = DeliveryFixture.NewId("ev-followup");
        var followUpAddress = DeliveryFixture.NewId("followup") + "@example.com";
        await fixture.PostEventAsync(new { eventId = followUpId, eventType, userId, channels = new[] { "email" }, payload = new { }, recipient = new { email = followUpAddress } });
        var followUp = await fixture.WaitForEventAsync(followUpId);
        Assert.Equal("sent", DeliveryFixture.ChannelStatus(followUp, "email"));

        Assert.Equal(2, sendEmails.Count);
        Assert.Equal(1, DeliveryFixture.Channel(await fixture.GetEventAsync(eventId), "email").GetProperty("attempts").GetInt32());
        Assert.Empty(await EmailsToAsync(address));
        Assert.Single(await EmailsToAsync(followUpAddress));
    }

    [Fact]
    public async Task Should_record_a_dead_letter_and_deliver_it_on_redrive_when_the_email_fails_on_every_receive()
    {
        fixture.Proxy.Reset();
        var outage = fixture.Proxy.Add(FaultRule.Always(Fault.ServerError(), FaultRule.PathStartsWith(SendEmailPath)));
        var (eventType, userId, address) = await EmailUserAsync("poison");
        var eventId = DeliveryFixture.NewId("ev-poison");

        await fixture.PostEventAsync(new { eventId, eventType, userId, channels = new[] { "email" }, payload = new { } });

        var deadLetter = await WaitForDeadLetterAsync(eventId, TimeSpan.FromSeconds(60));
        Assert.Equal("low", deadLetter.GetProperty("lane").GetString());
        Assert.Equal(userId, deadLetter.GetProperty("userId").GetString());
        Assert.Equal(eventType, deadLetter.GetProperty("eventType").GetString());
        Assert.True(deadLetter.GetProperty("receiveCount").GetInt32() >= NotifyResources.LaneMaxReceiveCount, deadLetter.ToString());
        Assert.Contains("InternalFailure", deadLetter.GetProperty("lastErrors").GetProperty("email").GetString(), StringComparison.Ordinal);

        // Every receive reached SES (through the client's own retries), none got through.
        Assert.True(outage.Injected >= NotifyResources.LaneMaxReceiveCount * 4, $"faults injected: {outage.Injected}");
        var failed = await fixture.WaitForEventAsync(eventId, e => e.GetProperty("status").GetString() == "failed");
        Assert.Equal(NotifyResources.LaneMaxReceiveCount, DeliveryFixture.Channel(failed, "email").GetProperty("attempts").GetInt32());
        Assert.Empty(await EmailsToAsync(address));

        fixture.Proxy.Reset();
        var redrive = await RedriveAsync(deadLetter.GetProperty("id").GetString()!);
        Assert.Equal("redriven", redrive.GetProperty("outcome").GetString());

        var done = await fixture.WaitForEventAsync(eventId, e => e.GetProperty("status").GetString() == "completed");
        Assert.Equal("sent", DeliveryFixture.ChannelStatus(done, "email"));
        Assert.Single(await EmailsToAsync(address));
        Assert.DoesNotContain(await DeadLettersAsync(), d => d.GetProperty("eventId").GetString() == eventId);
    }

    [Fact]
    public async Task Should_record_a_dead_letter_that_cannot_be_redriven_when_a_lane_message_is_not_an_event()
    {
        fixture.Proxy.Reset();
        var deduplicationId = DeliveryFixture.NewId("garbage");
        using (var sqs = new SqsClient(fixture.Aws.Connection))
        {
            var lane = await sqs.GetQueueUrlAsync(fixture.Naming.Queue(NotifyResources.LowLane), TestContext.Current.CancellationToken);
            await sqs.SendMessageAsync(
                new SendMessageRequest
                {
                    QueueUrl = lane.QueueUrl,
                    MessageBody = "this is not an event {",
                    MessageGroupId = DeliveryFixture.NewId("garbage-group"),
                    MessageDeduplicationId = deduplicationId,
                },
                TestContext.Current.CancellationToken);
        }

        var deadLetter = await WaitForDeadLetterAsync(deduplicationId, TimeSpan.FromSeconds(30));
        Assert.Equal("low", deadLetter.GetProperty("lane").GetString());
        Assert.False(deadLetter.TryGetProperty("eventType", out var eventType) && eventType.ValueKind != JsonValueKind.Null, deadLetter.ToString());

        var id = deadLetter.GetProperty("id").GetString()!;
        var redrive = await RedriveAsync(id);
        Assert.Equal("unreadable", redrive.GetProperty("outcome").GetString());

        // Kept for the operator to look at: an unreadable body is not deleted by a redrive.
        Assert.Contains(await DeadLettersAsync(), d => d.GetProperty("id").GetString() == id);
    }

    public void Dispose() => fixture.Proxy.Reset();

    /// <summary>Counts every SES v2 SendEmail that reaches the proxy, faulted or not; must be the first rule added.</summary>
    private RequestCounter CountSendEmails()
    {
        var counter = new RequestCounter();
        fixture.Proxy.Add(FaultRule.Always(new Fault.Abort(), r =>
        {
            if (r.Path.StartsWith(SendEmailPath, StringComparison.Ordinal))
            {
                counter.Increment();
            }

            return false;
        }));
        return counter;
    }

    private async Task<(string EventType, string UserId, string Address)> EmailUserAsync(string name)
    {
        var eventType = DeliveryFixture.NewId(name);
        var userId = DeliveryFixture.NewId("u-" + name);
        var address = userId + "@example.com";
        await fixture.PutTemplateAsync(eventType, "email", "en", new { subject = "Hello " + name, text = "Body of " + name });
        await fixture.PutContactAsync(userId, new { email = address });
        return (eventType, userId, address);
    }

    private async Task<IReadOnlyList<JsonObject>> EmailsToAsync(string address) =>
        [.. (await fixture.SentEmailsAsync()).Where(m => m.ToJsonString().Contains(address, StringComparison.Ordinal))];

    private async Task<IReadOnlyList<JsonElement>> DeadLettersAsync()
    {
        using var client = fixture.CreateClient();
        var list = await client.GetFromJsonAsync<JsonElement>("/api/dead-letters?limit=1000", TestContext.Current.CancellationToken);
        return [.. list.GetProperty("items").EnumerateArray()];
    }

    private async Task<JsonElement> WaitForDeadLetterAsync(string eventId, TimeSpan timeout)
    {
        var found = await Deadline.PollAsync(
            DeadLettersAsync,
            items => items.Any(d => d.GetProperty("eventId").GetString() == eventId),
            timeout,
            $"a dead letter for {eventId}");
        return found.Single(d => d.GetProperty("eventId").GetString() == eventId);
    }

    /// <summary>Redrives one dead letter; returns its result.</summary>
    private async Task<JsonElement> RedriveAsync(string id)
    {
        using var client = fixture.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/dead-letters/redrive", new { ids = new[] { id } }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return Assert.Single(body.GetProperty("results").EnumerateArray().ToList());
    }

    private sealed class RequestCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Increment() => Interlocked.Increment(ref _count);
    }
}
