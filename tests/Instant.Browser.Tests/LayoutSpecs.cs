using Instant.Web;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>
/// What a new visitor sees at a phone's width (390 px, the narrow layout) and a desktop's
/// (1280 px): nothing cut short, nothing covering or running into anything else.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LayoutSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static BrowserNewContextOptions Width(int width) => new() { ViewportSize = new() { Width = width, Height = 700 } };

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public Task The_nick_box_shows_a_short_nick_whole(int width) => Bounded.RunAsync(async () =>
    {
        await using var page = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "nickbox", null, Width(width));
        foreach (var nick in new[] { "mobi", "mmmm", "WWW", "Ω", "名無しさん", "Dvořák Jr" })
        {
            await page.SetNickAsync(nick);
            await page.Input.FocusAsync(); // an unfocused box shows the ellipsis when it overflows
            var (scroll, client) = await WidthsAsync(page.NickBox);
            Assert.True(scroll <= client, $"{nick} at {width} px: text {scroll} px in a box of {client} px");
        }
    });

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public Task The_nick_prompt_covers_no_message(int width) => Bounded.RunAsync(async () =>
    {
        await using var poster = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "prompt" + width, "poster", Width(width));
        await using var visitor = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "prompt" + width, null, Width(width));
        await poster.PostAsync("first");
        await poster.PostAsync("the newest message");
        await visitor.WaitForMessageAsync("the newest message");
        var prompt = visitor.Page.Locator("#nick-prompt");
        await Expect(prompt).ToBeVisibleAsync();
        var overlaps = await visitor.Page.EvaluateAsync<string[]>(@"() => {
            const p = document.querySelector('#nick-prompt > span').getBoundingClientRect();
            return [...document.querySelectorAll('.message > .line')]
              .filter(l => { const r = l.getBoundingClientRect(); return r.left < p.right && p.left < r.right && r.top < p.bottom && p.top < r.bottom; })
              .map(l => l.textContent);
        }");
        Assert.Empty(overlaps);
        await visitor.Input.FocusAsync();
        await Expect(prompt).ToBeHiddenAsync();
    });

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public Task The_time_keeps_clear_of_the_nick(int width) => Bounded.RunAsync(async () =>
    {
        await using var carol = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "times" + width, "carol", Width(width));
        await carol.PostAsync("a short one");
        await carol.PostAsync("a long one that wraps onto a second line on a phone, as long messages do there");
        await carol.WaitForMessageAsync("a long one");
        // The time's glyphs, not its box: the defect was text running out of a too narrow box.
        var gaps = await carol.Page.EvaluateAsync<double[]>(@"() => [...document.querySelectorAll('.message > .line')].map(l => {
            const range = document.createRange();
            range.selectNodeContents(l.querySelector('.time'));
            return l.querySelector('.nick').getBoundingClientRect().left - range.getBoundingClientRect().right;
        })");
        Assert.Equal(2, gaps.Length);
        Assert.All(gaps, gap => Assert.True(gap >= 3, $"time and nick {gap:0.0} px apart at {width} px"));
    });

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public Task A_long_nick_leaves_the_message_field_room_for_its_placeholder(int width) => Bounded.RunAsync(async () =>
    {
        await using var page = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "longnick", "Bartholomew the Magnificent of Upper Wobbleton", Width(width));
        await page.Input.FocusAsync();
        var field = await page.Input.EvaluateAsync<double[]>(
            "n => [n.getBoundingClientRect().width, n.parentNode.getBoundingClientRect().width, n.scrollHeight, n.clientHeight]");
        Assert.True(field[0] >= field[1] * 0.45, $"message field {field[0]:0} px of a {field[1]:0} px bar at {width} px");
        // An empty field's scroll height is its placeholder's: one line, not wrapped.
        Assert.True(field[2] <= field[3], $"placeholder {field[2]} px high in a field of {field[3]} px at {width} px");
    });

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public Task The_room_name_stays_whole_while_history_loads(int width) => Bounded.RunAsync(async () =>
    {
        await using var page = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "welcome", "dana", Width(width));
        // The spinner shows only for moments in a test room; its room in the line is what counts.
        await page.Page.EvaluateAsync("() => document.getElementById('log-spinner').hidden = false");
        var (scroll, client) = await WidthsAsync(page.Page.Locator("#room-name"));
        Assert.True(scroll <= client, $"&welcome needs {scroll} px, has {client} px at {width} px");
    });

    private static async Task<(double Scroll, double Client)> WidthsAsync(ILocator node)
    {
        var widths = await node.EvaluateAsync<double[]>("n => [n.scrollWidth, n.clientWidth]");
        return (widths[0], widths[1]);
    }
}
