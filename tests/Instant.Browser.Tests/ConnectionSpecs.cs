using System.Text.Json;
using System.Text.RegularExpressions;
using Instant.Web;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class ConnectionSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public Task The_page_pings_every_minute_promising_the_next_ping_on_the_server_clock() => Bounded.RunAsync(async () =>
    {
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            // A fake clock lets a minute pass in an instant; the server's clock stays real.
            await page.Clock.InstallAsync();
            var sent = new List<JsonElement>();
            var pongs = new List<long>();
            page.WebSocket += (_, socket) =>
            {
                socket.FrameSent += (_, frame) =>
                {
                    lock (sent)
                    {
                        sent.Add(JsonDocument.Parse(frame.Text!).RootElement.Clone());
                    }
                };
                socket.FrameReceived += (_, frame) =>
                {
                    var json = JsonDocument.Parse(frame.Text!).RootElement;
                    if (json.GetProperty("type").GetString() == "pong")
                    {
                        lock (pongs)
                        {
                            pongs.Add(json.GetProperty("timestamp").GetInt64());
                        }
                    }
                };
            };
            await page.GotoAsync(new Uri(_server.BaseUri, "/room/pings/").ToString());
            await Expect(page.Locator("#connection-status")).ToHaveClassAsync(new Regex(@"\bconnected\b"));
            // On identity: the client-level who and log-query, never a server-level who.
            await AwaitCondition.IsTrueAsync(() => Count(sent, f => f.GetProperty("type").GetString() == "broadcast" && DataType(f) == "who") == 1, "one client-level who");
            Assert.Equal(1, Count(sent, f => f.GetProperty("type").GetString() == "broadcast" && DataType(f) == "log-query"));
            Assert.Equal(0, Count(sent, f => f.GetProperty("type").GetString() == "who"));

            await page.Clock.RunForAsync(60_500);
            await AwaitCondition.IsTrueAsync(() => Count(sent, f => f.GetProperty("type").GetString() == "ping") == 1, "the first ping");
            var first = Last(sent, f => f.GetProperty("type").GetString() == "ping");
            Assert.False(first.TryGetProperty("data", out _)); // no pong yet on this connection
            await AwaitCondition.IsTrueAsync(() => { lock (pongs) { return pongs.Count == 1; } }, "the first pong");

            await page.Clock.RunForAsync(60_000);
            await AwaitCondition.IsTrueAsync(() => Count(sent, f => f.GetProperty("type").GetString() == "ping") == 2, "the second ping");
            var second = Last(sent, f => f.GetProperty("type").GetString() == "ping");
            long next = second.GetProperty("data").GetProperty("next").GetInt64();
            long pongTime;
            lock (pongs)
            {
                pongTime = pongs[0];
            }

            // next = local now + (server - local at the last pong) + 65 s: on the server's clock
            // that is the pong time, plus the 60 s that passed locally, plus 65 s.
            Assert.InRange(next - pongTime, 120_000, 130_000);
        }
        finally
        {
            await context.CloseAsync();
        }
    });

    [Fact]
    public Task Unread_messages_count_in_the_title_and_favicon_while_the_window_is_away() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "unread", "alice");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "unread", "bob");
        await Expect(alice.Page).ToHaveTitleAsync("&unread \u2014 Instant");
        await alice.Page.EvaluateAsync("() => window.dispatchEvent(new Event('blur'))");
        await bob.PostAsync("one");
        await Expect(alice.Page).ToHaveTitleAsync("&unread (1)");
        await bob.PostAsync("two for @alice");
        await Expect(alice.Page).ToHaveTitleAsync("&unread (2!!)");
        await Expect(alice.Page.Locator("#favicon")).ToHaveAttributeAsync("href", new Regex("^data:image/png"));
        await Expect(bob.Page).ToHaveTitleAsync("&unread \u2014 Instant");
        await alice.Page.EvaluateAsync("() => window.dispatchEvent(new Event('focus'))");
        await Expect(alice.Page).ToHaveTitleAsync("&unread \u2014 Instant");
        await Expect(alice.Page.Locator("#favicon")).ToHaveAttributeAsync("href", "/static/instant-logo.png");
    });

    [Fact]
    public Task Unread_arrows_show_and_page_up_jumps_to_the_nearest_unread_message() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "arrows", "alice");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "arrows", "bob");
        await Expect(alice.Page.Locator("#unread-up")).ToBeHiddenAsync();
        await alice.Page.EvaluateAsync("() => window.dispatchEvent(new Event('blur'))");
        await bob.PostAsync("unread one");
        var one = await bob.WaitForMessageAsync("unread one");
        await bob.PostAsync("unread two for @alice");
        var two = await alice.WaitForMessageAsync("unread two");
        await Expect(alice.Page.Locator("#unread-up")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#unread-up")).ToHaveClassAsync(new Regex(@"\bping\b"));
        await alice.Input.PressAsync("PageUp");
        Assert.Equal(two, await alice.BarParentAsync());
        await alice.Input.PressAsync("PageUp");
        Assert.Equal(one, await alice.BarParentAsync());
        await Expect(alice.Page.Locator(".message.unread")).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("#unread-up")).ToBeHiddenAsync();
        await Expect(alice.Page.Locator("#unread-down")).ToBeHiddenAsync();
    });

    [Fact]
    public Task Desktop_notifications_follow_the_chosen_level_while_the_window_is_away() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "notify", null);
        // Record notifications instead of showing them (headless Chromium has no notification UI).
        await alice.Page.EvaluateAsync(@"() => {
            window.shown = [];
            window.Notification = class { constructor(title, options) { window.shown.push(title + '|' + options.body); } close() {} };
            window.Notification.permission = 'granted';
        }");
        await alice.SetNickAsync("alice");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "notify", "bob");
        await alice.Page.Locator("#settings-button").ClickAsync();
        await Expect(alice.Page.Locator("#setting-notify")).ToHaveValueAsync("ping");
        await alice.Page.EvaluateAsync("() => window.dispatchEvent(new Event('blur'))");

        await bob.PostAsync("just chatting");
        await alice.WaitForMessageAsync("just chatting");
        await bob.PostAsync("@alice are you there?");
        await alice.WaitForMessageAsync("are you there?");
        Assert.Equal(["&notify|[bob] @alice are you there?"], await alice.Page.EvaluateAsync<string[]>("() => window.shown"));

        await alice.Page.Locator("#setting-notify").SelectOptionAsync("activity");
        await bob.PostAsync("/me leaves");
        await alice.WaitForMessageAsync("leaves");
        Assert.Equal("&notify|* bob leaves", (await alice.Page.EvaluateAsync<string[]>("() => window.shown"))[^1]);

        await alice.Page.Locator("#setting-notify").SelectOptionAsync("none");
        await bob.PostAsync("@alice last call");
        await alice.WaitForMessageAsync("last call");
        Assert.Equal(2, (await alice.Page.EvaluateAsync<string[]>("() => window.shown")).Length);
    });

    [Fact]
    public Task Offline_pages_keep_the_draft_and_show_the_broken_status() => Bounded.RunAsync(async () =>
    {
        int port = _server.Port;
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "offline", "alice");
        await alice.PostAsync("sent while online");
        await _server.DisposeAsync();
        await Expect(alice.Status).ToHaveClassAsync(new Regex(@"\bbroken\b"));
        await Expect(alice.Status).ToHaveAttributeAsync("title", "Connection status: disconnected");
        await Expect(alice.Page.Locator("body")).ToHaveClassAsync(new Regex(@"\boffline\b"));
        await alice.Input.FillAsync("draft while offline");
        await alice.Input.PressAsync("Enter");
        await Expect(alice.Input).ToHaveValueAsync("draft while offline");
        _server = await TestServer.StartAsync(port);
        await alice.WaitConnectedAsync();
        await alice.Input.PressAsync("Enter");
        await alice.WaitForMessageAsync("draft while offline");
        await Expect(alice.Page.Locator(".message")).ToHaveCountAsync(2);
    }, seconds: 150);

    [Fact]
    public Task While_disconnected_the_sidebar_lists_nobody() => Bounded.RunAsync(async () =>
    {
        int port = _server.Port;
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "away", "alice");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "away", "bob");
        var chips = alice.Page.Locator("#user-list .user-chip");
        await Expect(chips).ToHaveCountAsync(2);
        await _server.DisposeAsync();
        await Expect(alice.Status).ToHaveClassAsync(new Regex(@"\bbroken\b"));
        await Expect(chips).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("#user-count")).ToHaveTextAsync("0 users");
        _server = await TestServer.StartAsync(port);
        await alice.WaitConnectedAsync();
        await bob.WaitConnectedAsync();
        await Expect(chips).ToHaveCountAsync(2);
    }, seconds: 150);

    private static string? DataType(JsonElement frame)
        => frame.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("type", out var t) ? t.GetString() : null;

    private static int Count(List<JsonElement> frames, Func<JsonElement, bool> match)
    {
        lock (frames)
        {
            return frames.Count(match);
        }
    }

    private static JsonElement Last(List<JsonElement> frames, Func<JsonElement, bool> match)
    {
        lock (frames)
        {
            return frames.Last(match);
        }
    }
}
