using Microsoft.Playwright;
using Notify.Api.Tests.Fixtures;
using Notify.Worker.Tests.Fixtures;

namespace Notify.Api.Tests.Inbox;

/// <summary>
/// The demo page in headless Chromium (Debian's, driven by Playwright): opened on instance A with a token in its URL
/// fragment, it shows an item the worker delivers and the unread badge without a reload, and marking the item read from
/// the page (through instance A, with the token) clears the badge. Screenshots go to <c>screenshots/</c>.
/// </summary>
[Trait("Category", "Slow")]
[Collection(LiveInboxCollection.Name)]
public sealed class InboxDemoBrowserTests(LiveInboxFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Should_show_a_delivered_item_and_the_unread_badge_live_and_clear_it_when_read_when_driven_by_a_browser()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = HttpJson.NewId("ada");
        var eventType = await fixture.InAppEventTypeAsync(fixture.A);
        var token = await fixture.MintTokenAsync(fixture.A, user);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 900, Height = 700 } });
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);

        await page.GotoAsync(new Uri(fixture.A.Address, $"/inbox-demo#user={user}&token={Uri.EscapeDataString(token)}").ToString());
        await Assertions.Expect(page.GetByTestId("status")).ToHaveAttributeAsync("data-state", "live");
        await Assertions.Expect(page.GetByTestId("unread-badge")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("inbox-user")).ToHaveTextAsync(user);

        // A mark on the window: a reload would drop it.
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        var eventId = await fixture.SendInAppAsync(fixture.A, eventType, user, "for the browser");

        var item = page.Locator($"[data-testid=inbox-item][data-notification-id=\"{eventId}:in_app\"]");
        await Assertions.Expect(item).ToBeVisibleAsync();
        await Assertions.Expect(item.GetByTestId("item-body")).ToHaveTextAsync("Item for the browser");
        await Assertions.Expect(item).ToHaveAttributeAsync("data-read", "false");
        await Assertions.Expect(page.GetByTestId("unread-badge")).ToHaveTextAsync("1");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page reloaded");
        await HeadlessChromium.SaveScreenshotAsync(page, "inbox-demo-live.png", ct);

        await item.GetByTestId("mark-read").ClickAsync();
        await Assertions.Expect(item).ToHaveAttributeAsync("data-read", "true");
        await Assertions.Expect(page.GetByTestId("unread-badge")).ToHaveTextAsync("0");
        await HeadlessChromium.SaveScreenshotAsync(page, "inbox-demo-read.png", ct);
        Assert.Empty(errors);
    }
}
