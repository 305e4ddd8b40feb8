using System.Text.Json;
using Instant.Web;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>
/// WCAG AA for the private-message views and the user "Info" view, measured as ContrastSpecs
/// does, in both themes. With INSTANT_SCREENSHOTS=DIR set it also writes pm-inbox-light.png and
/// pm-inbox-dark.png (the ones in docs/screenshots/).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PmViewContrastSpecs(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<ILocator> OpenEditorToAsync(RoomPage from, string nick)
    {
        await from.Page.Locator("#user-list .user-chip", new() { HasTextString = nick }).ClickAsync();
        await from.Page.Locator("#user-menu .pm-button").ClickAsync();
        return from.Page.Locator(".pm-editor").Last;
    }

    [Fact]
    public Task The_pm_list_viewers_editor_and_user_info_reach_4_5_to_1_in_both_themes() => Bounded.RunAsync(async () =>
    {
        var size = new BrowserNewContextOptions { ViewportSize = new() { Width = 1100, Height = 900 } };
        await using var reader = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "pm-contrast", "reader", size);
        await using var gus = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "pm-contrast", "gus", size);
        await using (var dot = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "pm-contrast", "dot", size))
        {
            await reader.PostAsync("Lunch today? Replies by PM please :)");
            var toGus = await OpenEditorToAsync(reader, "gus");
            await toGus.Locator(".pm-subject").FillAsync("lunch");
            await toGus.Locator(".pm-body").FillAsync("12:30 at the *usual* place?");
            await toGus.Locator(".pm-send").ClickAsync();
            await Expect(toGus.Locator(".pm-status")).ToContainTextAsync("Sent as");
            await toGus.Locator("button", new() { HasTextString = "Dismiss" }).ClickAsync();

            var answer = await OpenEditorToAsync(gus, "reader");
            await answer.Locator(".pm-subject").FillAsync("Re: lunch");
            await answer.Locator(".pm-body").FillAsync("> 12:30 at the *usual* place?\nYes, see you there.");
            await answer.Locator(".pm-send").ClickAsync();
            await Expect(reader.Page.Locator(".pm-viewer")).ToHaveCountAsync(1);
            await reader.Page.Locator(".pm-viewer .popup-close").ClickAsync();

            var toDot = await OpenEditorToAsync(reader, "dot");
            await toDot.Locator(".pm-subject").FillAsync("slides");
            await toDot.Locator(".pm-body").FillAsync("could you send me the");
            await toDot.Locator("button", new() { HasTextString = "Finish later" }).ClickAsync();
        }

        // dot has left: the draft's recipient shows as gone, with the button to find them again.
        await Expect(reader.Page.Locator("#user-list .user-chip")).ToHaveCountAsync(2);
        await reader.Page.Locator("#pm-drafts").ClickAsync();
        await Expect(reader.Page.Locator(".pm-editor .pm-retarget")).ToBeVisibleAsync();
        await reader.Page.Locator("#user-list .user-chip", new() { HasTextString = "gus" }).ClickAsync();
        await reader.Page.Locator("#user-menu .info-button").ClickAsync();
        await reader.Page.Locator("#pm-list-link").ClickAsync();
        var list = reader.Page.Locator(".pm-list");
        await Expect(list.Locator(".pm-list-entry")).ToHaveCountAsync(3);
        await reader.Page.Mouse.MoveAsync(0, 0);

        var dir = Environment.GetEnvironmentVariable("INSTANT_SCREENSHOTS");
        foreach (var theme in new[] { "light", "dark" })
        {
            await reader.Page.EvaluateAsync("t => { document.documentElement.setAttribute('data-theme', t); }", theme);
            var rows = (await reader.Page.EvaluateAsync<JsonElement>(ContrastSpecs.MeasureContrast)).Deserialize<ContrastSpecs.TextContrast[]>(
                new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
            output.WriteLine($"{theme}: {rows.Length} texts, lowest {rows.Min(r => r.Ratio):0.00}:1");
            Assert.Contains(rows, r => r.Cls.Contains("pm-list-subject") && r.Text == "lunch");
            Assert.Contains(rows, r => r.Cls.Contains("pm-list-date"));
            Assert.Contains(rows, r => r.Cls.Contains("pm-list-title"));
            Assert.Contains(rows, r => r.Cls.Contains("pm-retarget"));
            Assert.Contains(rows, r => r.Cls.Contains("user-info-id"));
            var failing = rows.Where(r => r.Ratio < 4.5).Select(r => $"{r.Ratio:0.00}:1 {r.Fg} on {r.Bg}: .{r.Cls} \"{r.Text}\"").ToList();
            Assert.True(failing.Count == 0, $"{theme} theme: below 4.5:1\n" + string.Join("\n", failing));
            if (!string.IsNullOrEmpty(dir))
            {
                await reader.Page.ScreenshotAsync(new() { Path = Path.Combine(dir, $"pm-inbox-{theme}.png") });
            }
        }
    }, seconds: 150);
}
