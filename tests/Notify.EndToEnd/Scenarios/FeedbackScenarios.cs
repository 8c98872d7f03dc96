using System.Net.Http.Json;
using System.Text.Json;
using Notify.Aws.Tests.Fixtures;
using Notify.EndToEnd.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.EndToEnd.Scenarios;

/// <summary>
/// SES reports a hard bounce on the feedback topic (published here as SES publishes it, for the message SES accepted):
/// the row moves to <c>bounced</c>, the address joins the suppression list, and the next email to it never reaches SES.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class FeedbackScenarios(EndToEndFixture system)
{
    [Fact]
    public async Task Should_mark_the_email_bounced_and_suppress_the_next_one_when_ses_reports_a_hard_bounce()
    {
        var user = EndToEndFixture.NewId("u-bounce");
        var type = EndToEndFixture.NewId("mail");
        var address = $"{user}@example.com";
        await system.PutContactAsync(user, new { email = address });
        await system.PutTemplateAsync(type, "email", "en", new { subject = "Mail {{marker}}", text = "Body" });
        var (first, firstMarker) = (EndToEndFixture.NewId("evt"), EndToEndFixture.NewId("m"));
        await system.PostEventAsync(new { eventId = first, eventType = type, userId = user, payload = new { marker = firstMarker }, channels = new[] { "email" } });
        Assert.Equal("sent", EndToEndFixture.ChannelStatus(await system.WaitForEventAsync(first), "email"));
        var sent = Assert.Single(await system.SentEmailsAsync(), m => (string?)m["subject"] == $"Mail {firstMarker}");

        await system.PublishSesFeedbackAsync(SesNotifications.Bounce((string)sent["id"]!, address));

        var bounced = await system.WaitForEventAsync(first, e => EndToEndFixture.ChannelStatus(e, "email") == "bounced");
        Assert.Equal("bounced", EndToEndFixture.Channel(bounced, "email").GetProperty("reason").GetString());
        var suppressions = await system.Api.GetFromJsonAsync<JsonElement>("/api/suppressions?limit=1000", TestContext.Current.CancellationToken);
        Assert.Contains(suppressions.GetProperty("items").EnumerateArray(), s => s.GetProperty("address").GetString() == address && s.GetProperty("channel").GetString() == "email");

        var (next, nextMarker) = (EndToEndFixture.NewId("evt"), EndToEndFixture.NewId("m"));
        await system.PostEventAsync(new { eventId = next, eventType = type, userId = user, payload = new { marker = nextMarker }, channels = new[] { "email" } });
        var suppressed = EndToEndFixture.Channel(await system.WaitForEventAsync(next), "email");
        Assert.Equal("suppressed", EndToEndFixture.Status(suppressed));
        Assert.DoesNotContain(await system.SentEmailsAsync(), m => (string?)m["subject"] == $"Mail {nextMarker}");
    }
}
