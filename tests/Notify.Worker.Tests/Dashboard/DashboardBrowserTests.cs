using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Notify.Aws.Tests.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Worker.Tests.Dashboard;

/// <summary>
/// The API as a real process (a browser needs a socket; Development, so the dashboard's static files resolve from the
/// build output), the worker in process, both through the fault proxy in front of moto.
/// </summary>
public sealed class DashboardFixture : DeliveryFixture
{
    private HostProcess? _api;

    public Uri ApiAddress => (_api ?? throw new InvalidOperationException("Fixture not started.")).Address;

    protected override async ValueTask OnStartedAsync()
    {
        var settings = new Dictionary<string, string?>(SharedSettings, StringComparer.OrdinalIgnoreCase)
        {
            ["NOTIFY_ADMIN_KEY"] = AdminKey,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        };
        _api = HostProcess.Start("Notify.Api", settings);
        await _api.WaitUntilListeningAsync();
    }

    protected override ValueTask OnStoppingAsync()
    {
        _api?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Issue 6's browser proof: headless Chromium (Debian's, driven by Playwright) logs into the dashboard with the admin
/// key, sees both lanes and a delivered notification with its detail, and redrives a real dead letter (an email that
/// failed on every receive while SES answered 500) until the page shows it delivered. Screenshots go to
/// <c>screenshots/</c> beside the test assembly and are attached to the test result.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DashboardBrowserTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string SendEmailPath = "/v2/email/outbound-emails";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Should_log_in_show_lanes_and_a_delivered_notification_and_redrive_a_dead_letter_until_delivered_when_driven_by_a_browser()
    {
        var ct = TestContext.Current.CancellationToken;
        var eventType = DeliveryFixture.NewId("dash");
        await fixture.PutTemplateAsync(eventType, "email", "en", new { subject = "Dashboard {{n}}", text = "Hello {{n}}" });
        var delivered = await SendEmailAsync(eventType, "delivered");
        await fixture.WaitForEventAsync(delivered, e => e.GetProperty("status").GetString() == "completed");

        // Every SES call fails: the event goes round its lane until SQS moves it to the DLQ and the worker records it.
        fixture.Proxy.Reset();
        fixture.Proxy.Add(FaultRule.Always(Fault.ServerError(), FaultRule.PathStartsWith(SendEmailPath)));
        var poisoned = await SendEmailAsync(eventType, "poisoned");
        var deadLetterId = await Deadline.PollAsync(() => DeadLetterIdAsync(poisoned), id => id is not null, Patience, "the dead letter recorded");
        fixture.Proxy.Reset();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1800 } });
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);

        await page.GotoAsync(new Uri(fixture.ApiAddress, "/dashboard").ToString());
        await page.GetByTestId("login-key").FillAsync(DeliveryFixture.AdminKey);
        await page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lane-high")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("lane-low")).ToBeVisibleAsync();

        var deliveredRow = EventRow(page, delivered);
        await Assertions.Expect(deliveredRow).ToHaveAttributeAsync("data-status", "completed");
        await deliveredRow.ClickAsync();
        var detail = page.GetByTestId("event-detail");
        await Assertions.Expect(detail).ToContainTextAsync(delivered);
        await Assertions.Expect(detail.GetByTestId("event-channel")).ToContainTextAsync("sent");
        await HeadlessChromium.SaveScreenshotAsync(page, "dashboard-delivered.png", ct);

        var deadLetterRow = page.Locator($"[data-testid=dead-letter-row][data-id=\"{deadLetterId}\"]");
        await deadLetterRow.GetByTestId("redrive-one").ClickAsync();
        await Assertions.Expect(deadLetterRow).ToHaveCountAsync(0);

        var redrivenRow = EventRow(page, poisoned);
        await Assertions.Expect(redrivenRow).ToHaveAttributeAsync("data-status", "completed");
        await redrivenRow.ClickAsync();
        await Assertions.Expect(detail).ToContainTextAsync(poisoned);
        await Assertions.Expect(detail.GetByTestId("event-channel")).ToContainTextAsync("sent");
        await HeadlessChromium.SaveScreenshotAsync(page, "dashboard-redriven.png", ct);

        // What the page shows is what happened: the redriven email reached SES exactly once.
        var emails = await fixture.SentEmailsAsync();
        Assert.Single(emails, m => m.ToJsonString().Contains($"{poisoned}@example.com", StringComparison.Ordinal));
    }

    private static ILocator EventRow(IPage page, string eventId) => page.Locator($"[data-testid=event-row][data-event-id=\"{eventId}\"]");

    private async Task<string> SendEmailAsync(string eventType, string label)
    {
        var eventId = DeliveryFixture.NewId($"ev-{label}");
        await fixture.PostEventAsync(new
        {
            eventId, eventType, userId = DeliveryFixture.NewId("user"), channels = new[] { "email" }, payload = new { n = label },
            recipient = new { email = $"{eventId}@example.com" }, priority = "high",
        });
        return eventId;
    }

    private async Task<string?> DeadLetterIdAsync(string eventId)
    {
        using var client = fixture.CreateClient();
        var page = await client.GetFromJsonAsync<JsonElement>("/api/dead-letters", TestContext.Current.CancellationToken);
        return page.GetProperty("items").EnumerateArray()
            .Where(d => d.GetProperty("eventId").GetString() == eventId)
            .Select(d => d.GetProperty("id").GetString())
            .FirstOrDefault();
    }
}
