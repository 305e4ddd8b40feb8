using System.Text.RegularExpressions;
using Instant.Web;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>
/// The sidebar's Drawer and Pane modes and the unread-previews panel they carry. With
/// INSTANT_SCREENSHOTS=DIR set, the conversation spec also writes drawer-, pane- and
/// previews-{light,dark}.png (the ones in docs/screenshots/).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SidebarSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Task<double[]> BoxAsync(ILocator locator) => locator.EvaluateAsync<double[]>(
        "n => { const r = n.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }");

    [Fact]
    public Task Drawer_slides_out_to_its_handle_and_Pane_is_a_column_beside_the_chat() => Bounded.RunAsync(async () =>
    {
        await using var ann = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "modes", "ann");
        var page = ann.Page;
        await page.EvaluateAsync("() => { window.seen = []; Instant.listen('sidebar.visbility', e => window.seen.push(e.data.open)); }");
        var sidebar = page.Locator("#sidebar");
        var messages = page.Locator("#messages");

        // Overlay (the default) floats over the chat area.
        await Expect(page.Locator("body")).ToHaveClassAsync(new Regex(@"\bsidebar-overlay\b"));
        var overlay = await BoxAsync(sidebar);
        Assert.True((await BoxAsync(messages))[2] > overlay[0], "the overlay lies over the chat");

        // Drawer: the whole height of the right edge; closed, only its handle is left out.
        await SidebarSteps.ChooseSidebarAsync(ann, "drawer", previews: false);
        var drawer = await BoxAsync(sidebar);
        Assert.Equal(1000, drawer[2], 1.0);
        Assert.Equal(0, drawer[1], 1.0);
        Assert.Equal(700, drawer[3], 1.0);
        await page.Locator("#sidebar-toggle").ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('sidebar').getBoundingClientRect().left > 1000 - 40");
        await Expect(page.Locator("#sidebar-toggle")).ToBeInViewportAsync();
        await Expect(page.Locator("#user-list")).ToBeHiddenAsync();
        Assert.Equal(new[] { false }, await page.EvaluateAsync<bool[]>("() => window.seen"));

        // Closed stays closed across a reload (sidebar-visible), and the handle opens it again.
        await page.ReloadAsync();
        await ann.WaitConnectedAsync();
        await Expect(page.Locator("body")).ToHaveClassAsync(new Regex(@"\bsidebar-hidden\b"));
        await page.Locator("#sidebar-toggle").ClickAsync();
        await page.WaitForFunctionAsync("() => Math.abs(document.getElementById('sidebar').getBoundingClientRect().right - 1000) < 1 && document.getElementById('sidebar').getBoundingClientRect().left < 1000 - 200");
        await Expect(page.Locator("#user-list")).ToBeVisibleAsync();
        await Expect(page.Locator("#user-list")).ToBeInViewportAsync(new() { Ratio = 1 });

        // Pane: a column of its own; the chat ends where it begins.
        await SidebarSteps.ChooseSidebarAsync(ann, "pane", previews: false);
        var pane = await BoxAsync(sidebar);
        var chat = await BoxAsync(messages);
        Assert.True(chat[2] <= pane[0] + 0.5, $"chat right {chat[2]} <= pane left {pane[0]}");
        Assert.Equal(1000, pane[2], 1.0);
        await ann.PostAsync("a long line that reaches the right edge of the chat area and would run under a floating sidebar");
        var line = await BoxAsync(ann.Message("a long line").Locator(":scope > .line"));
        Assert.True(line[2] <= pane[0] + 0.5, "no message runs under the pane");

        // Hidden in Pane mode: the chat takes the whole width.
        await page.Locator("#sidebar-toggle").ClickAsync();
        Assert.Equal(1000, (await BoxAsync(messages))[2], 1.0);
        Assert.Empty(ann.ConsoleErrors);
    });

    [Fact]
    public Task Unread_previews_list_unread_messages_as_a_tree_and_lead_to_them() => Bounded.RunAsync(async () =>
    {
        await using var reader = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "previews", "reader");
        await using var writer = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "previews", "<i>writer</i>");
        var page = reader.Page;
        var panel = page.Locator("#previews");
        await SidebarSteps.ChooseSidebarAsync(reader, "drawer", previews: true);
        await page.EvaluateAsync("() => window.dispatchEvent(new Event('blur'))");

        const string attack = "root <img src=x onerror=\"window.pwned = 1\"><script>window.pwned = 2</script>";
        await writer.PostAsync(attack);
        string root = await writer.WaitForMessageAsync("root <img");
        string reply = await writer.ReplyAsync(root, "a reply under the root");
        await writer.Page.Keyboard.PressAsync("Escape");
        await writer.PostAsync("another thread " + new string('x', 150));
        await Expect(panel).ToBeVisibleAsync();
        await Expect(page.Locator("#previews-count")).ToHaveTextAsync("Unread messages (3)");

        // A tree: the reply under its root; two entries at the top.
        await Expect(page.Locator("#preview-list > .preview")).ToHaveCountAsync(2);
        await Expect(page.Locator($"#preview-{root} > .preview-replies > #preview-{reply}")).ToHaveCountAsync(1);

        // Text stays text; the nick too; long text is cut to 100 characters.
        var rootText = page.Locator($"#preview-{root} > .preview-line > .preview-text");
        Assert.Equal(attack, await rootText.TextContentAsync());
        Assert.Equal(0, await panel.Locator("img, script, i").CountAsync());
        await Expect(page.Locator($"#preview-{root} > .preview-line > .preview-nick")).ToHaveTextAsync("<i>writer</i>");
        Assert.Null(await page.EvaluateAsync<int?>("() => window.pwned"));
        var longText = await page.Locator("#preview-list > .preview").Last.Locator(".preview-text").TextContentAsync();
        Assert.Equal(101, longText!.Length);
        Assert.EndsWith("\u2026", longText);
        await Expect(page.Locator($"#preview-{root} .preview-age").First).ToHaveTextAsync(new Regex(@"^\d+[smh]$"));

        // Collapse hides the replies; removing an entry moves its replies up.
        await page.Locator($"#preview-{root} > .preview-line > .preview-collapse").ClickAsync();
        await Expect(page.Locator($"#preview-{reply}")).ToBeHiddenAsync();
        await page.Locator($"#preview-{root} > .preview-line > .preview-collapse").ClickAsync();
        await page.Locator($"#preview-{root} > .preview-line > .preview-remove").ClickAsync();
        await Expect(page.Locator($"#preview-list > #preview-{reply}")).ToHaveCountAsync(1);
        await Expect(page.Locator("#previews-count")).ToHaveTextAsync("Unread messages (2)");

        // While the pointer is over the panel, new entries wait (the message itself is shown
        // in the same step as its entry would be).
        await panel.HoverAsync();
        string late = await SidebarSteps.PostSeenAsync(writer, reader, "late news");
        await Expect(page.Locator("#previews-count")).ToHaveTextAsync("Unread messages (2)");
        Assert.Equal(0, await page.Locator($"#preview-{late}").CountAsync());
        await page.Mouse.MoveAsync(10, 10);
        await Expect(page.Locator("#previews-count")).ToHaveTextAsync("Unread messages (3)");

        // Overlay mode has no previews; Pane has.
        await SidebarSteps.ChooseSidebarAsync(reader, "overlay", previews: true);
        await Expect(panel).ToBeHiddenAsync();
        await SidebarSteps.ChooseSidebarAsync(reader, "pane", previews: true);
        await Expect(panel).ToBeVisibleAsync();

        // Clicking an entry goes to the message, flashes it and drops the entry.
        await page.Locator($"#preview-{late} > .preview-line > .preview-text").ClickAsync();
        await Expect(page.Locator($"#message-{late}")).ToHaveClassAsync(new Regex(@"\bflash\b"));
        Assert.Equal(late, await reader.BarParentAsync());
        await Expect(page.Locator($"#preview-{late}")).ToHaveCountAsync(0);

        // Clear all asks first.
        await page.EvaluateAsync("() => window.dispatchEvent(new Event('blur'))");
        await page.Mouse.MoveAsync(10, 10);
        await SidebarSteps.PostSeenAsync(writer, reader, "one more");
        await Expect(panel).ToBeVisibleAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.Locator("#previews-clear-all").ClickAsync();
        await Expect(panel).ToBeHiddenAsync();
        Assert.Equal(0, await page.Locator("#preview-list .preview").CountAsync());
        Assert.Empty(reader.ConsoleErrors);
    }, seconds: 180);

    [Fact]
    public Task A_conversation_previews_as_a_tree_in_Drawer_and_Pane_in_both_themes() => Bounded.RunAsync(async () =>
    {
        await using var reader = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "lunch", "reader");
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "lunch", "alice");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "lunch", "bob");
        var page = reader.Page;
        await SidebarSteps.ChooseSidebarAsync(reader, "drawer", previews: true);
        await page.EvaluateAsync("() => window.dispatchEvent(new Event('blur'))");

        string lunch = await SidebarSteps.PostSeenAsync(alice, bob, "Anyone up for lunch?");
        string sure = await bob.ReplyAsync(lunch, "Sure, 12:30 at the usual place?");
        await alice.WaitForMessageAsync("Sure, 12:30");
        string perfect = await alice.ReplyAsync(sure, "Perfect, see you there");
        await bob.Page.Keyboard.PressAsync("Escape");
        await SidebarSteps.PostSeenAsync(bob, alice, "The build is *green* again :)");
        await alice.Page.Keyboard.PressAsync("Escape");
        await SidebarSteps.PostSeenAsync(alice, reader, "@reader could you look at the new sidebar?");
        await Expect(page.Locator("#previews-count")).ToHaveTextAsync("Unread messages (5)");
        await Expect(page.Locator($"#preview-list > #preview-{lunch} > .preview-replies > #preview-{sure} > .preview-replies > #preview-{perfect}")).ToHaveCountAsync(1);
        await Expect(page.Locator("#preview-list > .preview")).ToHaveCountAsync(3);

        foreach (var theme in new[] { "light", "dark" })
        {
            await page.Locator("#settings-button").ClickAsync();
            await page.Locator("#setting-theme").SelectOptionAsync(theme);
            await page.Locator("#settings-button").ClickAsync();
            foreach (var mode in new[] { "drawer", "pane" })
            {
                await SidebarSteps.ChooseSidebarAsync(reader, mode, previews: true);
                await page.Mouse.MoveAsync(10, 10);
                await Expect(page.Locator("#previews")).ToBeInViewportAsync(new() { Ratio = 1 });
                string? dir = Environment.GetEnvironmentVariable("INSTANT_SCREENSHOTS");
                if (!string.IsNullOrEmpty(dir))
                {
                    await page.WaitForTimeoutAsync(12_000); // the new-message wash fades, for the picture only
                    await page.ScreenshotAsync(new() { Path = Path.Combine(dir, $"{mode}-{theme}.png") });
                    if (mode == "drawer")
                    {
                        await page.Locator("#previews").ScreenshotAsync(new() { Path = Path.Combine(dir, $"previews-{theme}.png") });
                    }
                }
            }
        }

        Assert.Empty(reader.ConsoleErrors);
    }, seconds: 240);
}

/// <summary>Steps the sidebar, notification and contrast specs share.</summary>
public static class SidebarSteps
{
    /// <summary>Picks a sidebar mode (and the previews) in the settings, as a person would.</summary>
    public static async Task ChooseSidebarAsync(RoomPage page, string mode, bool previews)
    {
        await page.Page.Locator("#settings-button").ClickAsync();
        await page.Page.Locator("#setting-sidebar").SelectOptionAsync(mode);
        await page.Page.Locator("#setting-previews").SetCheckedAsync(previews);
        await page.Page.Locator("#settings-button").ClickAsync();
        await Expect(page.Page.Locator("body")).ToHaveClassAsync(new Regex($@"\bsidebar-{mode}\b"));
    }

    /// <summary>Posts as <paramref name="from"/>; returns the id once <paramref name="to"/> shows it.</summary>
    public static async Task<string> PostSeenAsync(RoomPage from, RoomPage to, string text)
    {
        await from.PostAsync(text);
        return await to.WaitForMessageAsync(text);
    }
}
