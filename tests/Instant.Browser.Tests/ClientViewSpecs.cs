using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Instant.Web;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>The user "Info" view, #user-ID fragments, local mode, and the storage and PM events a plugin hears.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ClientViewSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public Task The_info_view_shows_a_users_nick_ids_and_last_activity_as_text() => Bounded.RunAsync(async () =>
    {
        const string nick = "<img src=x onerror=\"window.pwned = 31\">eve";
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "info", "alice");
        await using var eve = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "info", nick);
        var eveId = await eve.Page.EvaluateAsync<string>("() => window.InstantClient.state.id");
        var eveUuid = await eve.Page.EvaluateAsync<string>("() => window.InstantClient.state.uuid");

        await alice.Page.Locator($"#user-list .user-chip[data-id='{eveId}']").ClickAsync();
        await alice.Page.Locator("#user-menu .info-button").ClickAsync();
        var info = alice.Page.Locator(".user-info");
        await Expect(info.Locator(".nick")).ToHaveTextAsync(nick);
        await Expect(info.Locator(".user-info-id")).ToHaveTextAsync(eveId);
        await Expect(info.Locator(".user-info-uuid")).ToHaveTextAsync(eveUuid);
        await Expect(info.Locator(".user-info-active")).ToHaveTextAsync(new Regex(@"^\d{4}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2}$"));
        Assert.Equal(0, await alice.Page.Locator("#popups img, #user-menu img").CountAsync());
        Assert.Null(await alice.Page.EvaluateAsync<int?>("() => window.pwned"));
    });

    [Fact]
    public Task A_user_fragment_opens_that_users_menu_once_they_are_listed() => Bounded.RunAsync(async () =>
    {
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "user-link", "bob");
        var bobId = await bob.Page.EvaluateAsync<string>("() => window.InstantClient.state.id");
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(_server.BaseUri, $"/room/user-link/#user-{bobId}").ToString());
            var menu = page.Locator("#user-menu");
            await Expect(menu).ToBeVisibleAsync();
            await Expect(menu.Locator(".menu-title")).ToHaveTextAsync("bob");
            await menu.Locator(".pm-button").ClickAsync();
            await Expect(page.Locator(".pm-editor .pm-party")).ToContainTextAsync(bobId);
        }
        finally
        {
            await context.CloseAsync();
        }
    });

    [Fact]
    public Task Outside_a_room_the_page_runs_in_local_mode_and_keeps_posts_to_itself() => Bounded.RunAsync(async () =>
    {
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            int sockets = 0;
            page.WebSocket += (_, _) => Interlocked.Increment(ref sockets);
            await page.GotoAsync(new Uri(_server.BaseUri, "/static/room.html").ToString());
            await Expect(page.Locator("#connection-status")).ToHaveClassAsync(new Regex(@"\blocal\b"));
            await Expect(page.Locator("#room-name")).ToHaveTextAsync("local");
            await page.Locator("#nick-input").FillAsync("me");
            await page.Locator("#nick-input").PressAsync("Enter");
            var input = page.Locator("#message-input");
            const string attack = "<script>window.pwned = 32</script><b>first</b>";
            await input.FillAsync(attack);
            await input.PressAsync("Enter");
            await input.FillAsync("second");
            await input.PressAsync("Enter");
            await Expect(page.Locator(".message")).ToHaveCountAsync(2);
            await Expect(page.Locator("#message-local-00000000 > .line > .content")).ToHaveTextAsync(attack);
            await Expect(page.Locator("#message-local-00000001 > .line > .content")).ToHaveTextAsync("second");
            Assert.Equal(0, await page.Locator("#thread-root script, #thread-root b").CountAsync());

            // A reply nests under its parent, still on this page only.
            await page.Locator("#message-local-00000000 > .line > .content").ClickAsync();
            await input.FillAsync("a reply");
            await input.PressAsync("Enter");
            await Expect(page.Locator("#message-local-00000000 > .replies > #message-local-00000002")).ToHaveCountAsync(1);
            Assert.Equal(0, sockets);
            Assert.Null(await page.EvaluateAsync<int?>("() => window.pwned"));
        }
        finally
        {
            await context.CloseAsync();
        }
    });

    [Fact]
    public Task A_plugin_hears_storage_and_private_message_events_and_can_stop_a_pm() => Bounded.RunAsync(async () =>
    {
        var plugin = await File.ReadAllTextAsync(Path.Combine(TestServer.RepositoryRoot, "tests", "Instant.Browser.Tests", "plugins", "event-recorder.js"));
        Task ServePlugin(IBrowserContext context) => context.RouteAsync("**/static/site.js", route => route.FulfillAsync(new()
        {
            Status = 200, ContentType = "application/javascript", Body = plugin,
        }));
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "plugin-events", null, prepare: ServePlugin);
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "plugin-events", "bob", prepare: ServePlugin);
        await alice.Page.WaitForFunctionAsync("() => Array.isArray(window.recordedEvents)");
        await alice.SetNickAsync("alice");
        await alice.Page.WaitForFunctionAsync("() => window.recordedEvents.some(e => e.type === 'storage.set' && e.key === 'nickname' && e.value === 'alice')");
        Assert.True(await alice.Page.EvaluateAsync<bool>("() => window.recordedEvents.some(e => e.type === 'storage.save')"));

        await alice.Page.Locator("#user-list .user-chip", new() { HasTextString = "bob" }).ClickAsync();
        await alice.Page.Locator("#user-menu .pm-button").ClickAsync();
        var editor = alice.Page.Locator(".pm-editor");
        await alice.Page.WaitForFunctionAsync("() => window.recordedEvents.some(e => e.type === 'pm.write' && /pm-editor/.test(e.popup))");

        // The plugin cancels this one: nothing reaches bob.
        await editor.Locator(".pm-body").FillAsync("blocked");
        await editor.Locator(".pm-send").ClickAsync();
        await alice.Page.WaitForFunctionAsync("() => window.recordedEvents.some(e => e.type === 'pm.send' && e.text === 'blocked')");
        await Expect(editor.Locator(".pm-status")).ToHaveTextAsync("");

        await editor.Locator(".pm-body").FillAsync("allowed");
        await editor.Locator(".pm-send").ClickAsync();
        await Expect(editor.Locator(".pm-status")).ToHaveTextAsync(new Regex("^Sent as "));
        await alice.Page.WaitForFunctionAsync("() => window.recordedEvents.some(e => e.type === 'pm.update' && e.outbox === 1)");
        await Expect(bob.Page.Locator(".pm-viewer .pm-text")).ToHaveTextAsync("allowed");
        Assert.Equal(1, await bob.Page.Locator(".pm-viewer").CountAsync());
        await bob.Page.WaitForFunctionAsync("() => window.recordedEvents.some(e => e.type === 'pm.read' && /pm-viewer/.test(e.popup))");
    });
}
