using System.Text.Json;
using Instant.Web;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>
/// WCAG AA for text: every piece of text on a busy room page reaches 4.5:1 against the
/// background it is drawn on, in both themes. Ratios come from computed styles: the text
/// colour (with its alpha and the opacity of its ancestors) over the composited background
/// layers behind it, with every animation held at its start (the new-message wash at its
/// darkest).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContrastSpecs(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private const double WcagAa = 4.5;

    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Returns one row per visible text (own text nodes, input values, placeholders).</summary>
    internal const string MeasureContrast = """
        () => {
          document.getAnimations().forEach(a => { a.pause(); a.currentTime = 0; });
          const parse = c => {
            const m = /rgba?\(([^)]+)\)/.exec(c);
            if (!m) throw new Error('unexpected colour ' + c);
            const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
            return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
          };
          const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
          const luminance = c => {
            const l = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
            return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
          };
          const ratio = (a, b) => { const x = luminance(a), y = luminance(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
          const background = el => {
            const layers = [];
            for (let n = el; n; n = n.parentElement) {
              const c = parse(getComputedStyle(n).backgroundColor);
              if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
            }
            let bg = [255, 255, 255, 1];
            for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
            return bg;
          };
          const opacity = el => { let o = 1; for (let n = el; n; n = n.parentElement) o *= Number(getComputedStyle(n).opacity); return o; };
          const rgb = c => 'rgb(' + c.slice(0, 3).map(Math.round).join(', ') + ')';
          const rows = [];
          const check = (el, colour, kind, text) => {
            const bg = background(el);
            const c = parse(colour);
            const fg = over([c[0], c[1], c[2], c[3] * opacity(el)], bg);
            rows.push({ kind, cls: String(el.className), text: text.trim().slice(0, 40), ratio: ratio(fg, bg), fg: rgb(fg), bg: rgb(bg) });
          };
          for (const el of document.querySelectorAll('body *')) {
            if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
            const box = el.getBoundingClientRect();
            if (box.width === 0 || box.height === 0) continue;
            const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
            if (own.trim()) check(el, getComputedStyle(el).color, 'text', own);
            if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') {
              if (el.value) check(el, getComputedStyle(el).color, 'value', el.value);
              else if (el.placeholder) check(el, getComputedStyle(el, '::placeholder').color, 'placeholder', el.placeholder);
            }
          }
          return rows;
        }
        """;

    internal sealed record TextContrast(string Kind, string Cls, string Text, double Ratio, string Fg, string Bg);

    [Fact]
    public Task Every_text_reaches_4_5_to_1_in_both_themes() => Bounded.RunAsync(async () =>
    {
        var size = new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 800 } };
        // Hues chosen for the hardest cases: dot is blue (the darkest /me bar in the light
        // theme, the darkest mention in the dark one), gus is yellow (the lightest mention).
        await using var reader = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "contrast", "reader", size);
        await using var dot = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "contrast", "dot", size);
        await using var gus = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "contrast", "gus", size);
        await Expect(reader.Page.Locator("#user-list .user-chip")).ToHaveCountAsync(3);

        // Away from the window, so the posts stay unread and the arrows show.
        await reader.Page.EvaluateAsync("() => window.dispatchEvent(new Event('blur'))");
        await gus.PostAsync("Plain, *italic*, **bold**, `inline code`, <https://example.org/page> and &lobby :) +1 -1 <3 <>< >:) x_x");
        await gus.PostAsync("> a quote\n# a heading\n$ a command\n```\na code block\n```");
        await dot.PostAsync("/me waves with `code`, a <example.org> link, *emphasis* and @gus @dot @mira :) +1 -1 <3 <>< x_x");
        await gus.PostAsync("@reader look: `code`, <example.org>, *emphasis*, @gus and @dot");
        await reader.WaitForMessageAsync("look: ");
        await Expect(reader.Message("look: ")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bping\b"));
        await Expect(reader.Page.Locator("#unread-up.ping")).ToBeVisibleAsync();

        // dot goes idle (its chip fades all the way); gus's new nick makes the list repaint.
        await reader.Page.EvaluateAsync("() => window.InstantClient.state.users.forEach(u => { if (u.nick === 'dot') u.active = 0; })");
        await gus.SetNickAsync("gus2");
        await Expect(reader.Page.Locator("#user-list .user-chip", new() { HasTextString = "gus2" })).ToBeVisibleAsync();
        Assert.Equal("rgba(0, 0, 0, 0.65)", await reader.Page.Locator("#user-list .user-chip", new() { HasTextString = "dot" })
            .EvaluateAsync<string>("n => n.style.color"));

        await using var visitor = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "contrast", null, size);
        await visitor.WaitForMessageAsync("look: ");
        await Expect(visitor.Page.Locator("#nick-prompt")).ToBeVisibleAsync();

        foreach (var theme in new[] { "light", "dark" })
        {
            foreach (var page in new[] { reader, visitor })
            {
                await page.Page.Locator("#settings-button").ClickAsync();
                await page.Page.Locator("#setting-theme").SelectOptionAsync(theme);
                await Expect(page.Page.Locator("html")).ToHaveAttributeAsync("data-theme", theme);
                var rows = (await page.Page.EvaluateAsync<JsonElement>(MeasureContrast)).Deserialize<TextContrast[]>(
                    new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
                var who = page == reader ? "reader" : "visitor";
                output.WriteLine($"{theme}, {who}: {rows.Length} texts, lowest {rows.Min(r => r.Ratio):0.00}:1");

                // Not vacuous: the hard cases are among the texts measured.
                Assert.Contains(rows, r => r.Cls.Contains("mention") && r.Text == "@gus");
                Assert.Contains(rows, r => r.Cls.Contains("sigil"));
                Assert.Contains(rows, r => r.Cls.Contains("message-text") && r.Text.Contains("waves"));
                Assert.Contains(rows, r => r.Kind == "placeholder");
                Assert.Contains(rows, r => r.Cls.Contains("smiley-plus"));
                Assert.Contains(rows, r => r.Cls.Contains("user-chip"));
                if (page == reader)
                {
                    Assert.Contains(rows, r => r.Cls.Contains("unread-arrow"));
                    Assert.Contains(rows, r => r.Cls.Contains("user-chip") && r.Text == "dot");
                }

                var failing = rows.Where(r => r.Ratio < WcagAa).Select(r => $"{r.Ratio:0.00}:1 {r.Fg} on {r.Bg}: .{r.Cls} \"{r.Text}\"").ToList();
                Assert.True(failing.Count == 0, $"{theme} theme, {who}: below {WcagAa}:1\n" + string.Join("\n", failing));
                await page.Page.Keyboard.PressAsync("Escape");
            }
        }
    }, seconds: 150);

    [Fact]
    public Task Sidebar_modes_previews_settings_and_the_popup_menu_reach_4_5_to_1_in_both_themes() => Bounded.RunAsync(async () =>
    {
        var size = new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 800 } };
        await using var reader = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "contrast-views", "reader", size);
        await using var gus = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "contrast-views", "gus", size);
        await SidebarSteps.ChooseSidebarAsync(reader, "drawer", previews: true);
        await reader.Page.EvaluateAsync("() => window.dispatchEvent(new Event('blur'))");
        string root = await SidebarSteps.PostSeenAsync(gus, reader, "a thread to preview, with *emphasis* and `code`");
        await gus.ReplyAsync(root, "a reply in it");
        await Expect(reader.Page.Locator("#previews-count")).ToHaveTextAsync("Unread messages (2)");

        // A popup under the menu bar, then the settings with their new rows.
        await reader.Page.Locator("#user-list .user-chip", new() { HasTextString = "gus" }).ClickAsync();
        await reader.Page.Locator("#user-menu .pm-button").ClickAsync();
        await Expect(reader.Page.Locator("#popup-menu")).ToBeVisibleAsync();
        await reader.Page.Locator("#settings-button").ClickAsync();

        foreach (var mode in new[] { "drawer", "pane" })
        {
            await reader.Page.Locator("#setting-sidebar").SelectOptionAsync(mode);
            foreach (var theme in new[] { "light", "dark" })
            {
                await reader.Page.Locator("#setting-theme").SelectOptionAsync(theme);
                await Expect(reader.Page.Locator("html")).ToHaveAttributeAsync("data-theme", theme);
                await reader.Page.Mouse.MoveAsync(300, 400);
                var rows = (await reader.Page.EvaluateAsync<JsonElement>(MeasureContrast)).Deserialize<TextContrast[]>(
                    new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
                output.WriteLine($"{mode}, {theme}: {rows.Length} texts, lowest {rows.Min(r => r.Ratio):0.00}:1");

                Assert.Contains(rows, r => r.Cls.Contains("preview-text"));
                Assert.Contains(rows, r => r.Cls.Contains("preview-age"));
                Assert.Contains(rows, r => r.Cls.Contains("preview-nick"));
                Assert.Contains(rows, r => r.Cls.Contains("previews-count"));
                Assert.Contains(rows, r => r.Text == "Hide all");
                Assert.Contains(rows, r => r.Cls.Contains("popup-menu-logo"));
                Assert.Contains(rows, r => r.Text == "Do not disturb");

                var failing = rows.Where(r => r.Ratio < WcagAa).Select(r => $"{r.Ratio:0.00}:1 {r.Fg} on {r.Bg}: .{r.Cls} \"{r.Text}\"").ToList();
                Assert.True(failing.Count == 0, $"{mode}, {theme} theme: below {WcagAa}:1\n" + string.Join("\n", failing));
            }
        }
    }, seconds: 150);
}
