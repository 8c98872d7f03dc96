using Microsoft.Playwright;

namespace Notify.Worker.Tests.Fixtures;

/// <summary>
/// Debian's Chromium driven by Playwright for the browser tests (shared by source with the API tests): launched by path,
/// so Playwright downloads no browser, with the flags a machine without GPU, sandbox or network needs; screenshots go to
/// <c>screenshots/</c> beside the test assembly and are attached to the test result.
/// </summary>
public static class HeadlessChromium
{
    public static string ExecutablePath { get; } =
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium is required for the browser tests: apt-get install -y chromium (.ci/run installs it).");

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public static async Task SaveScreenshotAsync(IPage page, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        var bytes = await page.ScreenshotAsync(new() { Path = Path.Combine(directory, name), FullPage = true });
        TestContext.Current.AddAttachment(name, bytes, "image/png");
        cancellationToken.ThrowIfCancellationRequested();
    }
}
