using System.Text.Json;
using System.Text.RegularExpressions;
using Instant.Web;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>
/// Notification levels (none, privmsg, ping, update, embed, reply, activity, disconnect,
/// noise) and "Do not disturb". The page's Notification API is replaced by a recorder, so
/// the specs see exactly which desktop notifications the client would show.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotificationSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Records desktop notifications and submitted ones; the window counts as away.</summary>
    private const string Recorder = """
        () => {
          window.shown = []; window.submitted = []; window.titles = []; window.favicons = [];
          function Recorded(title, options) { window.shown.push({ title: title, body: options.body }); this.close = () => {}; }
          Recorded.permission = 'granted';
          Recorded.requestPermission = () => Promise.resolve('granted');
          window.Notification = Recorded;
          Instant.listen('notifications.submit', e => window.submitted.push({ level: e.data.notify.level, suppress: e.data.suppress }));
          Instant.listen('windowTitle.set', e => window.titles.push(e.data.title));
          Instant.listen('favicon.set', e => window.favicons.push(e.data.url));
          window.dispatchEvent(new Event('blur'));
        }
        """;

    private sealed record Shown(string Title, string Body);

    private sealed record Submitted(string Level, bool Suppress);

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    private static async Task<Shown[]> ShownAsync(RoomPage page)
        => (await page.Page.EvaluateAsync<JsonElement>("() => window.shown")).Deserialize<Shown[]>(Json)!;

    private static async Task<Submitted> LastSubmittedAsync(RoomPage page)
        => (await page.Page.EvaluateAsync<JsonElement>("() => window.submitted[window.submitted.length - 1]")).Deserialize<Submitted>(Json)!;

    private static async Task ChooseAsync(RoomPage page, string level, bool? noDisturb = null)
    {
        await page.Page.Locator("#settings-button").ClickAsync();
        await page.Page.Locator("#setting-notify").SelectOptionAsync(level);
        if (noDisturb is bool on)
        {
            await page.Page.Locator("#setting-no-disturb").SetCheckedAsync(on);
        }

        await page.Page.Locator("#settings-button").ClickAsync();
    }

    private static Task<string> SubmitAsync(RoomPage page, string level, string body) => page.Page.EvaluateAsync<string>(
        "([level, body]) => { Instant.notifications.submit({ level: level, title: 't', body: body }); return level; }",
        new[] { level, body });

    [Fact]
    public Task Each_level_shows_what_is_at_least_as_severe_and_noise_never() => Bounded.RunAsync(async () =>
    {
        await using var reader = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "levels", "reader");
        await using var writer = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "levels", "writer");
        await reader.Page.EvaluateAsync(Recorder);
        Assert.Equal(["none", "privmsg", "ping", "update", "embed", "reply", "activity", "disconnect", "noise"],
            await reader.Page.EvaluateAsync<string[]>("() => Instant.notifications.levels"));

        // "reply": a plain post (activity) stays quiet, a mention (ping) shows.
        await ChooseAsync(reader, "reply");
        await SidebarSteps.PostSeenAsync(writer, reader, "plain words");
        Assert.Equal(new Submitted("activity", false), await LastSubmittedAsync(reader));
        Assert.Empty(await ShownAsync(reader));
        await SidebarSteps.PostSeenAsync(writer, reader, "@reader look");
        Assert.Equal([new Shown("&levels", "[writer] @reader look")], await ShownAsync(reader));

        // embed sits between update and reply.
        await SubmitAsync(reader, "embed", "an embed wants you");
        Assert.Equal("an embed wants you", (await ShownAsync(reader))[^1].Body);
        await ChooseAsync(reader, "ping");
        await SubmitAsync(reader, "embed", "a quieter embed");
        Assert.Equal(2, (await ShownAsync(reader)).Length);

        // update: below ping, so no desktop notification, but the title and icon say so.
        await SubmitAsync(reader, "update", "Update available");
        Assert.Equal(2, (await ShownAsync(reader)).Length);
        await Expect(reader.Page).ToHaveTitleAsync("&levels (2!! !)");
        await ChooseAsync(reader, "update");
        await SubmitAsync(reader, "update", "Update available");
        Assert.Equal("Update available", (await ShownAsync(reader))[^1].Body);

        // disconnect: a lost connection shows when chosen.
        await ChooseAsync(reader, "disconnect");
        await reader.Page.EvaluateAsync("() => window.InstantClient.state.ws.close()");
        await reader.Page.WaitForFunctionAsync("() => window.shown.some(n => n.body.startsWith('Disconnected'))");
        await reader.WaitConnectedAsync();

        // noise: your own post is submitted as noise and never shown.
        int before = (await ShownAsync(reader)).Length;
        await reader.PostAsync("my own words");
        await reader.WaitForMessageAsync("my own words");
        Assert.Equal(new Submitted("noise", false), await LastSubmittedAsync(reader));
        Assert.Equal(before, (await ShownAsync(reader)).Length);
        Assert.Empty(reader.ConsoleErrors);
    });

    [Fact]
    public Task Do_not_disturb_leaves_title_icon_and_desktop_alone_below_the_level() => Bounded.RunAsync(async () =>
    {
        await using var reader = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "dnd", "reader");
        await using var writer = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "dnd", "writer");
        await reader.Page.EvaluateAsync(Recorder);
        await ChooseAsync(reader, "ping", noDisturb: true);
        var favicon = reader.Page.Locator("#favicon");

        await SidebarSteps.PostSeenAsync(writer, reader, "just chatting");
        Assert.Equal(new Submitted("activity", true), await LastSubmittedAsync(reader));
        await Expect(reader.Page).ToHaveTitleAsync("&dnd \u2014 Instant");
        Assert.True(string.IsNullOrEmpty(await favicon.GetAttributeAsync("data-color")));
        Assert.Empty(await reader.Page.EvaluateAsync<string[]>("() => window.titles"));

        // At the level itself it comes through: title, yellow dot, desktop.
        await SidebarSteps.PostSeenAsync(writer, reader, "@reader wake up");
        Assert.Equal(new Submitted("ping", false), await LastSubmittedAsync(reader));
        await Expect(reader.Page).ToHaveTitleAsync("&dnd (1!!)");
        await Expect(favicon).ToHaveAttributeAsync("data-color", "#c0c000");
        Assert.Single(await ShownAsync(reader));
        Assert.Contains("&dnd (1!!)", await reader.Page.EvaluateAsync<string[]>("() => window.titles"));
        Assert.NotEmpty(await reader.Page.EvaluateAsync<string[]>("() => window.favicons"));

        // Without it, activity counts in the title again (but stays off the desktop).
        await ChooseAsync(reader, "ping", noDisturb: false);
        await SidebarSteps.PostSeenAsync(writer, reader, "more chatting");
        await Expect(reader.Page).ToHaveTitleAsync("&dnd (2!!)");
        Assert.Single(await ShownAsync(reader));
        Assert.Empty(reader.ConsoleErrors);
    });
}
