using Instant.Web;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>The popup menu bar: the logo, "Hide all" and "Close all", collapsing a popup, and the popups.* events.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PopupMenuSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public Task The_menu_bar_hides_closes_and_collapses_popups() => Bounded.RunAsync(async () =>
    {
        await using var ann = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "popups", "ann");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "popups", "<b>bob</b>");
        var page = ann.Page;
        var screen = page.Locator("#popup-screen");
        await page.EvaluateAsync("() => { window.seen = []; ['popups.add', 'popups.del', 'popups.collapse', 'popups.clear', 'popups.hidden'].forEach(t => Instant.listen(t, e => window.seen.push(t + (t === 'popups.hidden' ? ':' + e.data.hidden : '')))); }");
        await Expect(screen).ToBeHiddenAsync();

        await page.Locator("#user-list .user-chip", new() { HasTextString = "<b>bob</b>" }).ClickAsync();
        await page.Locator("#user-menu .pm-button").ClickAsync();
        await Expect(screen).ToBeVisibleAsync();
        await Expect(page.Locator("#popup-menu .popup-menu-logo")).ToHaveAttributeAsync("href", "/");
        Assert.Equal(0, await page.Locator("#popup-screen b").CountAsync());

        // Collapse leaves the title; again brings the rest back.
        var popup = page.Locator("#popups > .popup");
        await popup.Locator(".popup-collapse").ClickAsync();
        await Expect(popup.Locator(".pm-body")).ToBeHiddenAsync();
        await Expect(popup.Locator(".popup-title")).ToBeVisibleAsync();
        await popup.Locator(".popup-collapse").ClickAsync();
        await Expect(popup.Locator(".pm-body")).ToBeVisibleAsync();

        // Hide all leaves a counter in the sidebar that brings them back.
        await page.Locator("#popups-hide-all").ClickAsync();
        await Expect(screen).ToBeHiddenAsync();
        await Expect(page.Locator("#hidden-popups")).ToHaveTextAsync("Hidden popups (1)");
        await page.Locator("#hidden-popups").ClickAsync();
        await Expect(screen).ToBeVisibleAsync();
        await Expect(page.Locator("#hidden-popups")).ToBeHiddenAsync();

        // Close all empties the stack, and the screen goes.
        await page.Locator("#popups-close-all").ClickAsync();
        await Expect(popup).ToHaveCountAsync(0);
        await Expect(screen).ToBeHiddenAsync();

        // The sidebar's logo opens the (empty) popup screen and closes it.
        await page.Locator("#sidebar-logo").ClickAsync();
        await Expect(page.Locator("#popup-menu")).ToBeVisibleAsync();
        await page.Locator("#sidebar-logo").ClickAsync();
        await Expect(screen).ToBeHiddenAsync();

        Assert.Equal(["popups.add", "popups.collapse", "popups.collapse", "popups.hidden:true", "popups.hidden:false", "popups.clear"],
            await page.EvaluateAsync<string[]>("() => window.seen"));
        Assert.Empty(ann.ConsoleErrors);
    });
}
