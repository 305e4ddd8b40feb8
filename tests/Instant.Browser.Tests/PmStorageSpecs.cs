using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Instant.Web;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>Private messages kept in localStorage: the inbox, outbox and drafts lists, and drafts re-targeted after their recipient reconnects.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PmStorageSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    // Without Secure on the identity cookie, plain-HTTP pages keep their UUID across reloads.
    public async Task InitializeAsync() => _server = await TestServer.StartWithAsync("-o", "instant.cookies.insecure=true");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<ILocator> OpenEditorToAsync(RoomPage from, string nick)
    {
        await from.Page.Locator("#user-list .user-chip", new() { HasTextString = nick }).ClickAsync();
        await from.Page.Locator("#user-menu .pm-button").ClickAsync();
        return from.Page.Locator(".pm-editor").Last;
    }

    private static async Task<ILocator> OpenListAsync(RoomPage page)
    {
        await page.Page.Locator("#pm-list-link").ClickAsync();
        return page.Page.Locator(".pm-list");
    }

    [Fact]
    public Task Sent_and_received_messages_and_drafts_are_listed_after_a_reload() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "pm-kept", "alice");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "pm-kept", "bob");

        var editor = await OpenEditorToAsync(alice, "bob");
        await editor.Locator(".pm-subject").FillAsync("plans");
        await editor.Locator(".pm-body").FillAsync("meet at *noon*");
        await editor.Locator(".pm-send").ClickAsync();
        await Expect(editor.Locator(".pm-status")).ToHaveTextAsync(new Regex("^Sent as [0-9A-F]{16} at "));
        await Expect(bob.Page.Locator(".pm-viewer .pm-text")).ToHaveTextAsync("meet at *noon*");

        var draft = await OpenEditorToAsync(alice, "bob");
        await draft.Locator(".pm-subject").FillAsync("half-written");
        await draft.Locator(".pm-body").FillAsync("where shall we");
        await draft.Locator("button", new() { HasTextString = "Finish later" }).ClickAsync();
        await Expect(alice.Page.Locator("#pm-list-link")).ToHaveTextAsync("Private messages (0i; 1d; 1o)");
        await Expect(bob.Page.Locator("#pm-list-link")).ToHaveTextAsync("Private messages (1i; 0d; 0o)");

        await alice.Page.ReloadAsync();
        await bob.Page.ReloadAsync();
        await alice.WaitConnectedAsync();
        await bob.WaitConnectedAsync();
        await Expect(alice.Page.Locator("#pm-list-link")).ToHaveTextAsync("Private messages (0i; 1d; 1o)");

        var bobList = await OpenListAsync(bob);
        await Expect(bobList.Locator(".pm-list-inbox .pm-list-entry")).ToHaveCountAsync(1);
        await Expect(bobList.Locator(".pm-list-inbox .pm-list-subject")).ToHaveTextAsync("plans");
        await bobList.Locator(".pm-list-inbox .pm-list-entry").ClickAsync();
        await Expect(bob.Page.Locator(".pm-viewer .pm-text")).ToHaveTextAsync("meet at *noon*");
        await Expect(bob.Page.Locator(".pm-viewer .pm-subject-line")).ToHaveTextAsync("Subject: plans");

        var aliceList = await OpenListAsync(alice);
        await Expect(aliceList.Locator(".pm-list-outbox .pm-list-subject")).ToHaveTextAsync("plans");
        await Expect(aliceList.Locator(".pm-list-drafts .pm-list-subject")).ToHaveTextAsync("half-written");
        await aliceList.Locator(".pm-list-drafts .pm-list-entry").ClickAsync();
        var reopened = alice.Page.Locator(".pm-editor");
        await Expect(reopened.Locator(".pm-body")).ToHaveValueAsync("where shall we");
        await Expect(reopened.Locator(".pm-subject")).ToHaveValueAsync("half-written");

        // Another room, same browser: its own (empty) lists.
        await alice.Page.GotoAsync(new Uri(_server.BaseUri, "/room/pm-other/").ToString());
        await alice.WaitConnectedAsync();
        await Expect(alice.Page.Locator("#pm-list-link")).ToBeHiddenAsync();
        Assert.Contains("half-written", await alice.Page.EvaluateAsync<string>("() => localStorage.getItem('instant-pm-backup')"));
    });

    [Fact]
    public Task A_draft_to_someone_who_reconnected_is_sent_to_their_new_session() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "pm-retarget", "alice");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "pm-retarget", "bob");
        // The first socket may open before /api/auth has set the identity cookie; from the next page load on, the UUID holds.
        await bob.Page.ReloadAsync();
        await bob.WaitConnectedAsync();
        var oldBob = await bob.Page.EvaluateAsync<string>("() => window.InstantClient.state.id");
        var bobUuid = await bob.Page.EvaluateAsync<string>("() => window.InstantClient.state.uuid");
        var editor = await OpenEditorToAsync(alice, "bob");
        await editor.Locator(".pm-body").FillAsync("are you back?");
        await editor.Locator("button", new() { HasTextString = "Finish later" }).ClickAsync();

        // Bob reloads: a new session, the same UUID (the identity cookie) and nick.
        await bob.Page.ReloadAsync();
        await bob.WaitConnectedAsync();
        var newBob = await bob.Page.EvaluateAsync<string>("() => window.InstantClient.state.id");
        Assert.NotEqual(oldBob, newBob);
        Assert.Equal(bobUuid, await bob.Page.EvaluateAsync<string>("() => window.InstantClient.state.uuid"));
        await Expect(alice.Page.Locator("#user-list .user-chip", new() { HasTextString = "bob" })).ToHaveCountAsync(1);

        await alice.Page.Locator("#pm-drafts").ClickAsync();
        await Expect(editor.Locator(".pm-party.gone")).ToHaveCountAsync(1);
        await editor.Locator(".pm-retarget").ClickAsync();
        await Expect(editor.Locator(".pm-party")).ToContainTextAsync(newBob);
        await Expect(editor.Locator(".pm-party.gone")).ToHaveCountAsync(0);
        await editor.Locator(".pm-send").ClickAsync();
        await Expect(bob.Page.Locator(".pm-viewer .pm-text")).ToHaveTextAsync("are you back?");
    });

    [Fact]
    public Task Markup_in_listed_subjects_and_nicks_stays_text() => Bounded.RunAsync(async () =>
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var victim = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "pm-list-markup", "victim");
        var victimId = await victim.Page.EvaluateAsync<string>("() => window.InstantClient.state.id");
        await using var mallory = await RawPeer.ConnectAsync(_server.BaseUri, "pm-list-markup", limit.Token);
        const string subject = "<img src=x onerror=\"window.pwned = 21\"><b>bold</b>";
        const string nick = "<script>window.pwned = 22</script>";
        await mallory.UnicastAsync(victimId, new JsonObject { ["type"] = "privmsg", ["nick"] = nick, ["subject"] = subject, ["text"] = "hi" }, limit.Token);
        await Expect(victim.Page.Locator(".pm-viewer")).ToHaveCountAsync(1);

        await victim.Page.ReloadAsync();
        await victim.WaitConnectedAsync();
        var list = await OpenListAsync(victim);
        await Expect(list.Locator(".pm-list-inbox .pm-list-subject")).ToHaveTextAsync(subject);
        await Expect(list.Locator(".pm-list-inbox .nick")).ToHaveTextAsync(nick);
        Assert.Equal(0, await victim.Page.Locator("#popups img, #popups b, #popups script").CountAsync());
        Assert.Null(await victim.Page.EvaluateAsync<int?>("() => window.pwned"));
    });
}
