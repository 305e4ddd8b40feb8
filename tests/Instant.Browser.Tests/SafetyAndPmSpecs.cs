using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Instant.Web;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class SafetyAndPmSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public Task Markup_in_messages_stays_text_and_never_runs() => Bounded.RunAsync(async () =>
    {
        await using var mallory = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "safety", "<b>mallory</b>");
        await using var victim = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "safety", "victim");
        const string attack = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\"> <javascript:window.pwned=3> *ok*";
        await mallory.PostAsync(attack);
        await victim.WaitForMessageAsync("*ok*");
        var content = victim.Message("*ok*").Locator(":scope > .line > .content");
        Assert.Equal(attack, await content.TextContentAsync());
        Assert.Equal(0, await content.Locator("script, img, a").CountAsync());
        Assert.Equal(1, await content.Locator(".emph").CountAsync());
        await Expect(victim.Message("*ok*").Locator(":scope > .line > .nick")).ToHaveTextAsync("<b>mallory</b>");
        Assert.Equal(0, await victim.Page.Locator("#user-list b").CountAsync());
        Assert.Null(await victim.Page.EvaluateAsync<int?>("() => window.pwned"));
        Assert.Null(await mallory.Page.EvaluateAsync<int?>("() => window.pwned"));

        // Links work, but never for javascript:.
        await mallory.PostAsync("see <example.org/page> and <javascript:alert(1)>");
        await victim.WaitForMessageAsync("see ");
        var links = victim.Message("see ").Locator(":scope > .line > .content a");
        await Expect(links).ToHaveCountAsync(1);
        await Expect(links).ToHaveAttributeAsync("href", "http://example.org/page");
    });

    [Fact]
    public Task A_data_payload_stays_hidden_until_a_reply_shows_it_and_its_html_stays_text() => Bounded.RunAsync(async () =>
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var victim = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "payloads", "victim");
        await victim.Page.EvaluateAsync("() => window.dispatchEvent(new Event('blur'))");
        await using var bot = await RawPeer.ConnectAsync(_server.BaseUri, "payloads", limit.Token);
        const string payload = "/data  <img src=x onerror=\"window.pwned = 6\"><script>window.pwned = 7</script>{\"html\": \"<b>x</b>\"}  ";
        await bot.BroadcastAsync(new JsonObject { ["type"] = "post", ["nick"] = "bot", ["text"] = payload }, limit.Token);
        var id = (string)(await bot.ReceiveDataAsync("post", limit.Token))["id"]!;

        var hidden = victim.Page.Locator($"#message-{id}");
        await Expect(hidden).ToHaveCountAsync(1);
        await Expect(hidden).ToBeHiddenAsync();
        // A hidden payload is noise: it counts as nothing unread.
        await Expect(victim.Page).ToHaveTitleAsync("&payloads \u2014 Instant");

        await bot.BroadcastAsync(new JsonObject { ["type"] = "post", ["nick"] = "bot", ["text"] = "a visible reply", ["parent"] = id }, limit.Token);
        await victim.WaitForMessageAsync("a visible reply");
        await Expect(hidden).ToBeVisibleAsync();
        await Expect(victim.Page).ToHaveTitleAsync("&payloads (1)");
        var content = hidden.Locator(":scope > .line > .content");
        Assert.Equal(payload, await content.TextContentAsync());
        await Expect(content.Locator(".data-marker")).ToHaveTextAsync("/data");
        Assert.Equal(0, await content.Locator("img, script, b, a").CountAsync());
        Assert.Null(await victim.Page.EvaluateAsync<int?>("() => window.pwned"));
    });

    [Fact]
    public Task An_embed_of_a_javascript_or_data_url_is_no_link() => Bounded.RunAsync(async () =>
    {
        await using var mallory = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "embeds", "mallory");
        await using var victim = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "embeds", "victim");
        const string attack = "<!javascript:window.pwned=8> <!data:text/html,<script>window.pwned=9</script>> <!JaVaScRiPt:window.pwned=10> fine <!example.org/cat.png>";
        await mallory.PostAsync(attack);
        await victim.WaitForMessageAsync("fine");
        var content = victim.Message("fine").Locator(":scope > .line > .content");
        Assert.Equal(attack, await content.TextContentAsync());
        Assert.Equal(0, await content.Locator("script, img, iframe, object, embed").CountAsync());
        var links = content.Locator("a");
        await Expect(links).ToHaveCountAsync(1);
        await Expect(links).ToHaveAttributeAsync("href", "http://example.org/cat.png");
        await Expect(links).ToHaveClassAsync(new Regex(@"\bembed-link\b"));
        await links.ClickAsync(new() { Modifiers = [Microsoft.Playwright.KeyboardModifier.Control], Trial = true });
        Assert.Null(await victim.Page.EvaluateAsync<int?>("() => window.pwned"));
    });

    [Fact]
    public Task A_smiley_next_to_markup_stays_text() => Bounded.RunAsync(async () =>
    {
        await using var mallory = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "smileys", "mallory");
        await using var victim = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "smileys", "victim");
        const string attack = "<b>:)</b> (<img src=x onerror=\"window.pwned = 4\">:) <3 <script>window.pwned = 5</script> x_x";
        await mallory.PostAsync(attack);
        await victim.WaitForMessageAsync("x_x");
        var content = victim.Message("x_x").Locator(":scope > .line > .content");
        Assert.Equal(attack, await content.TextContentAsync());
        Assert.Equal(0, await content.Locator("b, img, script, a").CountAsync());
        await Expect(content.Locator(".smiley")).ToHaveTextAsync(["<3", "x_x"]);
        await Expect(content.Locator(".smiley-heart")).ToHaveCSSAsync("font-weight", "700");
        Assert.Null(await victim.Page.EvaluateAsync<int?>("() => window.pwned"));
    });

    [Fact]
    public Task A_private_message_reaches_only_its_recipient_and_can_be_answered() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "private", "alice");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "private", "bob");
        await using var eve = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "private", "eve");

        await alice.Page.Locator("#user-list .user-chip", new() { HasTextString = "bob" }).ClickAsync();
        await alice.Page.Locator("#user-menu .pm-button").ClickAsync();
        var editor = alice.Page.Locator(".pm-editor");
        await editor.Locator(".pm-subject").FillAsync("plans");
        await editor.Locator(".pm-body").FillAsync("meet at *noon*");
        await editor.Locator(".pm-send").ClickAsync();
        await Expect(editor.Locator(".pm-status")).ToHaveTextAsync(new Regex("^Sent as [0-9A-F]{16} at "));

        var viewer = bob.Page.Locator(".pm-viewer");
        await Expect(viewer).ToHaveCountAsync(1);
        await Expect(viewer.Locator(".pm-text")).ToHaveTextAsync("meet at *noon*");
        await Expect(viewer.Locator(".pm-subject-line")).ToHaveTextAsync("Subject: plans");
        await Expect(bob.Page).ToHaveTitleAsync("&private (1!!!)");

        await viewer.Locator(".pm-reply").ClickAsync();
        await Expect(bob.Page).ToHaveTitleAsync("&private \u2014 Instant");
        var reply = bob.Page.Locator(".pm-editor");
        await Expect(reply.Locator(".pm-subject")).ToHaveValueAsync("Re: plans");
        await reply.Locator(".pm-body").FillAsync("ok");
        await reply.Locator(".pm-body").PressAsync("Control+Enter");
        await Expect(alice.Page.Locator(".pm-viewer .pm-text")).ToHaveTextAsync("ok");

        // Nothing of it reached the room or the third person.
        Assert.Equal(0, await eve.Page.Locator(".pm-viewer").CountAsync());
        Assert.Equal(0, await eve.Page.Locator(".message").CountAsync());
    });

    [Fact]
    public Task Markup_in_a_private_message_subject_and_sender_stays_text() => Bounded.RunAsync(async () =>
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var victim = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "pm-markup", "victim");
        var victimId = await victim.Page.EvaluateAsync<string>("() => window.InstantClient.state.id");
        await using var mallory = await RawPeer.ConnectAsync(_server.BaseUri, "pm-markup", limit.Token);
        const string subject = "<img src=x onerror=\"window.pwned = 11\"><script>window.pwned = 12</script><b>urgent</b>";
        const string nick = "<i onmouseover=\"window.pwned = 13\">mallory</i>";
        await mallory.UnicastAsync(victimId, new JsonObject
        {
            ["type"] = "privmsg", ["nick"] = nick, ["subject"] = subject, ["text"] = "<svg onload=\"window.pwned = 14\"></svg> body",
        }, limit.Token);

        var viewer = victim.Page.Locator(".pm-viewer");
        await Expect(viewer).ToHaveCountAsync(1);
        await Expect(viewer.Locator(".pm-subject-line")).ToHaveTextAsync("Subject: " + subject);
        await Expect(viewer.Locator(".pm-party .nick")).ToHaveTextAsync(nick);
        Assert.Equal(0, await viewer.Locator("img, script, b, i, svg").CountAsync());
        await Expect(victim.Page).ToHaveTitleAsync("&pm-markup (1!!!)");

        // Answering puts the subject into a form field as a value, never as markup.
        await viewer.Locator(".pm-reply").ClickAsync();
        var editor = victim.Page.Locator(".pm-editor");
        await Expect(editor.Locator(".pm-subject")).ToHaveValueAsync("Re: " + subject);
        Assert.Equal(0, await victim.Page.Locator("#popups img, #popups script, #popups b, #popups i, #popups svg").CountAsync());
        Assert.Null(await victim.Page.EvaluateAsync<int?>("() => window.pwned"));
    });

    [Fact]
    public Task Landing_and_about_pages_are_served_and_link_into_a_room() => Bounded.RunAsync(async () =>
    {
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(_server.BaseUri.ToString());
            await Expect(page.Locator("a.big-logo")).ToHaveAttributeAsync("href", "/room/welcome/");
            await page.Locator("#room").FillAsync("&lounge");
            await page.Locator("#room").PressAsync("Enter");
            await Expect(page).ToHaveURLAsync(new Regex("/room/lounge/$"));
            await Expect(page.Locator("#connection-status")).ToHaveClassAsync(new Regex(@"\bconnected\b"));
            await Expect(page).ToHaveTitleAsync("&lounge \u2014 Instant");
            await page.GotoAsync(new Uri(_server.BaseUri, "/about.html").ToString());
            await Expect(page.Locator("h1")).ToHaveTextAsync("About Instant");
        }
        finally
        {
            await context.CloseAsync();
        }
    });
}
