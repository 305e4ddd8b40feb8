using System.Text.RegularExpressions;
using Instant.Web;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class NickAndInputSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Task AssertBackgroundAsync(ILocator node, string nick, double lightness)
        => AssertColourAsync(node, "backgroundColor", nick, lightness);

    /// <summary>The computed colour equals hsl(hue(nick), 75%, lightness), give or take rounding.</summary>
    private static async Task AssertColourAsync(ILocator node, string property, string nick, double lightness)
    {
        var (r, g, b) = NickHue.Rgb(NickHue.Of(nick), 75, lightness);
        var actual = await node.EvaluateAsync<string>("(n, p) => getComputedStyle(n)[p]", property);
        var m = Regex.Match(actual, @"rgba?\((\d+), (\d+), (\d+)");
        Assert.True(m.Success, actual);
        int[] got = [int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value)];
        Assert.True(Math.Abs(got[0] - r) <= 1 && Math.Abs(got[1] - g) <= 1 && Math.Abs(got[2] - b) <= 1,
            $"{nick}: expected rgb({r}, {g}, {b}), got {actual}");
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("Ελένη")]
    [InlineData("名無しさん")]
    [InlineData("Dvořák Jr")]
    public Task Nick_colours_follow_the_original_hue_everywhere(string nick) => Bounded.RunAsync(async () =>
    {
        await using var page = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "colours", nick);
        await using var other = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "colours", "observer");
        await AssertBackgroundAsync(page.NickBox, nick, 80);
        await page.PostAsync("colour check");
        await other.WaitForMessageAsync("colour check");
        await AssertBackgroundAsync(other.Message("colour check").Locator(":scope > .line > .nick"), nick, 80);
        var chip = other.Page.Locator("#user-list .user-chip", new() { HasTextString = nick });
        await AssertBackgroundAsync(chip, nick, 80);
        await page.PostAsync("/me waves");
        await AssertBackgroundAsync(other.Message("waves").Locator(":scope > .line > .content"), nick, 90);
    });

    [Fact]
    public Task The_nick_is_remembered_across_visits_and_announced() => Bounded.RunAsync(async () =>
    {
        await using var page = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "remember", "zoë");
        await using var other = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "remember", "observer");
        await Expect(other.Page.Locator("#user-list .user-chip", new() { HasTextString = "zoë" })).ToBeVisibleAsync();
        await page.SetNickAsync("zoë2");
        await Expect(other.Page.Locator("#user-list .user-chip", new() { HasTextString = "zoë2" })).ToBeVisibleAsync();
        await page.Page.ReloadAsync();
        await page.WaitConnectedAsync();
        await Expect(page.NickBox).ToHaveValueAsync("zoë2");
        await Expect(other.Page.Locator("#user-list .user-chip")).ToHaveCountAsync(2);
    });

    [Fact]
    public Task Keyboard_moves_the_input_bar_through_the_tree_and_sends_with_return() => Bounded.RunAsync(async () =>
    {
        await using var page = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "keys", "kim");
        await page.PostAsync("k1");
        var k1 = await page.WaitForMessageAsync("k1");
        await page.PostAsync("k2");
        var k2 = await page.WaitForMessageAsync("k2");
        await page.Message("k1").Locator(":scope > .line > .content").ClickAsync();
        await page.PostAsync("k1a");
        var k1a = await page.WaitForMessageAsync("k1a");
        Assert.Equal(k1, await page.ShownParentAsync(k1a));

        await page.Input.PressAsync("Escape");
        Assert.Null(await page.BarParentAsync());
        await page.Input.PressAsync("ArrowUp");
        Assert.Equal(k2, await page.BarParentAsync());
        await page.Input.PressAsync("ArrowUp");
        Assert.Equal(k1, await page.BarParentAsync());
        await page.Input.PressAsync("ArrowUp");
        Assert.Equal(k1a, await page.BarParentAsync());
        await page.Input.PressAsync("ArrowDown");
        Assert.Equal(k1, await page.BarParentAsync());
        await page.Input.PressAsync("ArrowLeft");
        Assert.Null(await page.BarParentAsync());
        await page.Input.PressAsync("ArrowRight");
        Assert.Equal(k2, await page.BarParentAsync());

        // Shift+Return is a newline; Return sends, as a reply where the bar is.
        await page.Input.PressSequentiallyAsync("line one");
        await page.Input.PressAsync("Shift+Enter");
        await page.Input.PressSequentiallyAsync("line two");
        await Expect(page.Input).ToHaveValueAsync("line one\nline two");
        await page.Input.PressAsync("Enter");
        var multi = await page.WaitForMessageAsync("line two");
        Assert.Equal(k2, await page.ShownParentAsync(multi));
        var text = await page.Message("line two").Locator(":scope > .line > .content").TextContentAsync();
        Assert.Equal("line one\nline two", text);

        // Arrows inside multi-line text move the caret, not the bar.
        await page.Input.FillAsync("a\nb");
        await page.Input.PressAsync("ArrowUp");
        Assert.Equal(k2, await page.BarParentAsync());
        await page.Input.FillAsync("");
        await page.Input.PressAsync("Escape");
        Assert.Null(await page.BarParentAsync());
        // Empty text is never sent.
        await page.Input.PressAsync("Enter");
        await Expect(page.Page.Locator(".message")).ToHaveCountAsync(4);
    });

    [Fact]
    public Task Whitespace_alone_is_never_sent() => Bounded.RunAsync(async () =>
    {
        await using var page = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "blank", "kim");
        foreach (var blank in new[] { " ", "   ", "\t", "\n\n", " \n \u00a0 " })
        {
            await page.Input.FillAsync(blank);
            await page.Input.PressAsync("Enter");
        }

        await page.Input.FillAsync("  not blank  ");
        await page.Input.PressAsync("Enter");
        await page.WaitForMessageAsync("not blank");
        // Posts come back in the order they were sent: a blank one would be shown before it.
        await Expect(page.Page.Locator(".message")).ToHaveCountAsync(1);
        await Expect(page.Input).ToHaveValueAsync("");
    });

    [Fact]
    public Task Tab_completes_nicks_and_mentions_highlight_and_colour() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "mentions", "Alice Liddell");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "mentions", "bob");
        await Expect(bob.Page.Locator("#user-list .user-chip")).ToHaveCountAsync(2);
        await bob.Input.PressSequentiallyAsync("hi @Ali");
        await bob.Input.PressAsync("Tab");
        await Expect(bob.Input).ToHaveValueAsync("hi @AliceLiddell");
        await bob.Input.PressSequentiallyAsync(", look");
        await bob.Input.PressAsync("Enter");
        await alice.WaitForMessageAsync("look");
        await Expect(alice.Message("look")).ToHaveClassAsync(new Regex(@"\bping\b"));
        await Expect(bob.Message("look")).Not.ToHaveClassAsync(new Regex(@"\bping\b"));
        var mention = alice.Message("look").Locator(".mention");
        await Expect(mention).ToHaveTextAsync("@AliceLiddell");
        // The nick's hue at the original's 40 % lightness, or darker where that hue would be
        // unreadable on a light background (the contrast specs check the ratio itself).
        var light = await alice.Page.EvaluateAsync<string>("n => window.InstantFormat.mentionColor(n)", "Alice Liddell");
        var lightness = double.Parse(Regex.Match(light, @"(\d+)%\)$").Groups[1].Value);
        Assert.InRange(lightness, 1, 40);
        await AssertColourAsync(mention, "color", "Alice Liddell", lightness);
    });
}
