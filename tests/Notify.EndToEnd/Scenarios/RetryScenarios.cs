using System.Net.Http.Json;
using System.Text.Json;
using Notify.Aws.Tests.Fixtures;
using Notify.Core.Resources;
using Notify.EndToEnd.Fixtures;

namespace Notify.EndToEnd.Scenarios;

/// <summary>
/// SES failing behind Notify's back (the fault proxy between the AppHost's services and moto): a failure that outlasts the
/// AWS client's own retries comes back through the lane and is sent once; one that never ends runs out of receives,
/// lands in the DLQ as a dead letter the API lists, and is delivered once an admin redrives it.
/// </summary>
/// <remarks>
/// The faults match every SES v2 <c>SendEmail</c> (a REST body does not show the recipient to the proxy). That is safe: the
/// scenario tests run one at a time, each waits until its events are final, and each clears the proxy's rules after.
/// </remarks>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class RetryScenarios(EndToEndFixture system) : IDisposable
{
    private const string SendEmailPath = "/v2/email/outbound-emails";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_send_the_email_once_on_its_second_receive_when_ses_fails_more_often_than_the_client_retries()
    {
        // More failures than one receive's four attempts: the lane must hand the message out again.
        var faults = system.Proxy.Add(FaultRule.Next(6, Fault.ServerError(503), FaultRule.PathStartsWith(SendEmailPath)));
        var (user, type, marker) = await EmailUserAsync("transient");
        var eventId = EndToEndFixture.NewId("evt");

        await system.PostEventAsync(new { eventId, eventType = type, userId = user, payload = new { marker }, channels = new[] { "email" } });

        var done = await system.WaitForEventAsync(eventId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var email = EndToEndFixture.Channel(done, "email");
        Assert.Equal("sent", EndToEndFixture.Status(email));
        Assert.Equal(2, email.GetProperty("attempts").GetInt32());
        Assert.Equal(6, faults.Injected);
        Assert.Single(await system.SentEmailsAsync(), m => (string?)m["subject"] == $"Retry {marker}");
    }

    [Fact]
    public async Task Should_dead_letter_the_event_after_every_receive_failed_and_deliver_it_once_when_an_admin_redrives_it()
    {
        var outage = system.Proxy.Add(FaultRule.Always(Fault.ServerError(), FaultRule.PathStartsWith(SendEmailPath)));
        var (user, type, marker) = await EmailUserAsync("poison");
        var eventId = EndToEndFixture.NewId("evt");

        await system.PostEventAsync(new { eventId, eventType = type, userId = user, payload = new { marker }, channels = new[] { "email" } });

        var deadLetter = await Deadline.PollAsync(
            async () => (await DeadLettersAsync()).FirstOrDefault(d => d.GetProperty("eventId").GetString() == eventId),
            d => d.ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(120),
            $"a dead letter for {eventId}");
        Assert.Equal("low", deadLetter.GetProperty("lane").GetString());
        Assert.True(deadLetter.GetProperty("receiveCount").GetInt32() >= NotifyResources.LaneMaxReceiveCount, deadLetter.ToString());
        Assert.Contains("InternalFailure", deadLetter.GetProperty("lastErrors").GetProperty("email").GetString(), StringComparison.Ordinal);
        var failed = await system.WaitForEventAsync(eventId, e => e.GetProperty("status").GetString() == "failed");
        Assert.Equal(NotifyResources.LaneMaxReceiveCount, EndToEndFixture.Channel(failed, "email").GetProperty("attempts").GetInt32());
        Assert.True(outage.Injected >= NotifyResources.LaneMaxReceiveCount, $"faults injected: {outage.Injected}");
        Assert.DoesNotContain(await system.SentEmailsAsync(), m => (string?)m["subject"] == $"Retry {marker}");

        // SES is back; the admin sends the dead letter back to its lane.
        system.Proxy.Reset();
        using var redrive = await system.Api.PostAsJsonAsync("/api/dead-letters/redrive", new { ids = new[] { deadLetter.GetProperty("id").GetString() } }, Ct);
        redrive.EnsureSuccessStatusCode();
        var result = Assert.Single((await redrive.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().ToList());
        Assert.Equal("redriven", result.GetProperty("outcome").GetString());

        var done = await system.WaitForEventAsync(eventId, e => e.GetProperty("status").GetString() == "completed");
        Assert.Equal("sent", EndToEndFixture.ChannelStatus(done, "email"));
        Assert.Single(await system.SentEmailsAsync(), m => (string?)m["subject"] == $"Retry {marker}");
        Assert.DoesNotContain(await DeadLettersAsync(), d => d.GetProperty("eventId").GetString() == eventId);
    }

    public void Dispose() => system.Proxy.Reset();

    private async Task<(string User, string Type, string Marker)> EmailUserAsync(string name)
    {
        var user = EndToEndFixture.NewId("u-" + name);
        var type = EndToEndFixture.NewId(name);
        await system.PutContactAsync(user, new { email = $"{user}@example.com" });
        await system.PutTemplateAsync(type, "email", "en", new { subject = "Retry {{marker}}", text = "Body" });
        return (user, type, EndToEndFixture.NewId("m"));
    }

    private async Task<IReadOnlyList<JsonElement>> DeadLettersAsync() =>
        [.. (await system.Api.GetFromJsonAsync<JsonElement>("/api/dead-letters?limit=1000", Ct)).GetProperty("items").EnumerateArray()];
}
