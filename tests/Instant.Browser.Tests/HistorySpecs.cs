using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Instant.Web;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class HistorySpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public Task A_late_joiner_receives_the_history_from_a_browser_peer() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "history", "alice");
        await alice.PostAsync("old root");
        var root = await alice.WaitForMessageAsync("old root");
        await alice.Message("old root").Locator(":scope > .line > .content").ClickAsync();
        await alice.PostAsync("old reply");
        var reply = await alice.WaitForMessageAsync("old reply");
        await alice.Input.PressAsync("Escape");
        await alice.PostAsync("later root");

        await using var carol = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "history", "carol");
        await carol.WaitForMessageAsync("later root");
        await carol.WaitForMessageAsync("old reply");
        Assert.Equal(root, await carol.ShownParentAsync(reply));
        // History is never flagged as new.
        await Expect(carol.Page.Locator(".message.new")).ToHaveCountAsync(0);
        await Expect(carol.Page.Locator("#log-spinner")).ToBeHiddenAsync();
    });

    [Fact]
    public Task Alone_in_a_room_the_spinner_stops_long_before_the_round_ends() => Bounded.RunAsync(async () =>
    {
        await using var solo = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "nobody-here", "solo");
        await solo.Page.WaitForFunctionAsync("() => window.InstantClient.state.pull !== null");
        // Nobody answers the log-query; the round itself waits 10 s for late answers.
        await Expect(solo.Page.Locator("#log-spinner")).ToBeHiddenAsync(new() { Timeout = 7_000 });
        Assert.True(await solo.Page.EvaluateAsync<bool>("() => window.InstantClient.state.pull !== null"), "the spinner ran for the whole round");
    });

    [Fact]
    public Task A_permalink_opens_the_room_at_that_message_once_history_has_arrived() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "permalink", "alice");
        await alice.PostAsync("the target");
        var target = await alice.WaitForMessageAsync("the target");
        await alice.PostAsync("something after it");
        var href = await alice.Message("the target").Locator(":scope > .line > .time").GetAttributeAsync("href");
        Assert.Equal("#message-" + target, href);

        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(_server.BaseUri, "/room/permalink/" + href).ToString());
            await Expect(page.Locator($"#message-{target}")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bhighlight\b"));
            Assert.Equal(target, await page.EvaluateAsync<string?>("() => window.InstantClient.barParent()"));
            await page.Locator("#message-input").PressAsync("Escape");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/room/permalink/$"));
        }
        finally
        {
            await context.CloseAsync();
        }
    });

    [Fact]
    public Task The_page_answers_log_queries_and_ranged_log_requests_like_the_original() => Bounded.RunAsync(async () =>
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "answers", "alice");
        var ids = new List<string>();
        foreach (var text in new[] { "one", "two", "three", "four" })
        {
            await alice.PostAsync(text);
            ids.Add(await alice.WaitForMessageAsync(text));
        }

        await using var peer = await RawPeer.ConnectAsync(_server.BaseUri, "answers", limit.Token);
        await peer.BroadcastAsync(new JsonObject { ["type"] = "log-query" }, limit.Token);
        var info = (await peer.ReceiveDataAsync("log-info", limit.Token))["data"]!;
        Assert.Equal(ids[0], (string?)info["from"]);
        Assert.Equal(ids[3], (string?)info["to"]);
        Assert.Equal(4, (int)info["length"]!);

        var aliceId = await alice.Page.EvaluateAsync<string>("() => window.InstantClient.state.id");
        // Both ends inclusive; the key is echoed.
        await peer.UnicastAsync(aliceId, new JsonObject { ["type"] = "log-request", ["from"] = ids[1], ["to"] = ids[2], ["key"] = "k" }, limit.Token);
        var log = (await peer.ReceiveDataAsync("log", limit.Token))["data"]!;
        Assert.Equal("k", (string?)log["key"]);
        Assert.Equal([ids[1], ids[2]], log["data"]!.AsArray().Select(m => (string)m!["id"]!).ToArray());
        Assert.Equal("alice", (string?)log["data"]![0]!["nick"]);
        Assert.Equal("two", (string?)log["data"]![0]!["text"]);
        Assert.NotNull(log["uuids"]![(string)log["data"]![0]!["from"]!]);

        // Scribe's form: only `to` and `length` -> the newest `length` ending at `to`.
        await peer.UnicastAsync(aliceId, new JsonObject { ["type"] = "log-request", ["to"] = ids[2], ["length"] = 2 }, limit.Token);
        log = (await peer.ReceiveDataAsync("log", limit.Token))["data"]!;
        Assert.Equal([ids[1], ids[2]], log["data"]!.AsArray().Select(m => (string)m!["id"]!).ToArray());

        // A "before" request with nothing older returns just the boundary message.
        await peer.UnicastAsync(aliceId, new JsonObject { ["type"] = "log-request", ["to"] = ids[0], ["key"] = "before" }, limit.Token);
        log = (await peer.ReceiveDataAsync("log", limit.Token))["data"]!;
        Assert.Single(log["data"]!.AsArray());
    });

    [Fact]
    public Task Older_history_is_pulled_in_batches_from_a_peer_that_sends_little_at_a_time() => Bounded.RunAsync(async () =>
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var peer = await RawPeer.ConnectAsync(_server.BaseUri, "batches", limit.Token);
        var history = Enumerable.Range(1, 7)
            .Select(i => RawPeer.Post($"00000000000000{i:X2}", i == 3 ? "0000000000000002" : null, "scribe", $"stored {i}", "0000000000000F00"))
            .ToList();
        var requests = new List<JsonObject>();

        // A peer that, like a Scribe with --maxlen 3, answers every request with at most 3 posts.
        var serve = peer.ServeHistoryAsync(history, 3, requests, limit.Token);

        await using var dave = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "batches", "dave");
        foreach (var i in Enumerable.Range(1, 7))
        {
            await dave.WaitForMessageAsync($"stored {i}");
        }

        Assert.Equal("0000000000000002", await dave.ShownParentAsync("0000000000000003"));
        await Expect(dave.Page.Locator(".message.placeholder")).ToHaveCountAsync(0);
        lock (requests)
        {
            Assert.Equal("initial", (string?)requests[0]["key"]);
            Assert.Contains(requests, r => (string?)r["key"] == "before" && (string?)r["to"] == "0000000000000005");
        }

        limit.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => serve);
    });

    [Fact]
    public Task Scrolling_to_the_top_loads_older_history() => Bounded.RunAsync(async () =>
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var peer = await RawPeer.ConnectAsync(_server.BaseUri, "scrolling", limit.Token);
        var history = Enumerable.Range(1, 90)
            .Select(i => RawPeer.Post($"00000000000001{i:X2}", null, "scribe", $"archived {i}", "0000000000000F00"))
            .ToList();
        var requests = new List<JsonObject>();
        var serve = peer.ServeHistoryAsync(history, 30, requests, limit.Token);

        await using var erin = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "scrolling", "erin");
        await erin.WaitForMessageAsync("archived 90");
        await erin.WaitForMessageAsync("archived 61");
        // The newest 30 fill more than the pane, so nothing older is asked for yet.
        await Expect(erin.Page.Locator(".message")).ToHaveCountAsync(30);
        Assert.True(await erin.Page.EvaluateAsync<bool>("() => { const p = document.getElementById('messages'); return p.scrollHeight > p.clientHeight && p.scrollTop > 0; }"));

        await erin.Page.EvaluateAsync("() => { document.getElementById('messages').scrollTop = 0; }");
        // Both ends are inclusive: the batch ending at the oldest known post brings 29 new ones.
        await erin.WaitForMessageAsync("archived 32");
        await Expect(erin.Page.Locator(".message")).ToHaveCountAsync(59);
        lock (requests)
        {
            Assert.Contains(requests, r => (string?)r["key"] == "before" && (string?)r["to"] == "000000000000013D");
        }

        // The view stays where the reader was instead of jumping to the top of the new batch.
        Assert.True(await erin.Page.EvaluateAsync<bool>("() => document.getElementById('messages').scrollTop > 0"));
        limit.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => serve);
    });

    [Fact]
    public Task Pages_reconnect_after_a_server_restart_keep_their_messages_and_pull_what_they_missed() => Bounded.RunAsync(async () =>
    {
        int port = _server.Port;
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "restart", "alice");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "restart", "bob");
        await alice.PostAsync("before the restart");
        await bob.WaitForMessageAsync("before the restart");

        await _server.DisposeAsync();
        await Expect(alice.Status).ToHaveClassAsync(new Regex(@"\bbroken\b"));
        await Expect(bob.Status).ToHaveClassAsync(new Regex(@"\bbroken\b"));
        _server = await TestServer.StartAsync(port);

        await alice.WaitConnectedAsync();
        await bob.WaitConnectedAsync();
        await alice.WaitForMessageAsync("before the restart");
        await bob.PostAsync("after the restart");
        await alice.WaitForMessageAsync("after the restart");
        await Expect(alice.Page.Locator("#user-list .user-chip")).ToHaveCountAsync(2);

        // Alice loses her connection alone and cannot get back in until Bob has posted.
        bool blocked = true;
        await alice.Page.RouteWebSocketAsync("**/ws", route =>
        {
            if (Volatile.Read(ref blocked))
            {
                _ = route.CloseAsync();
            }
            else
            {
                route.ConnectToServer();
            }
        });
        await alice.Page.EvaluateAsync("() => window.InstantClient.state.ws.close()");
        await Expect(alice.Status).ToHaveClassAsync(new Regex(@"\bbroken\b"));
        await bob.PostAsync("while alice was away");
        await bob.WaitForMessageAsync("while alice was away");
        Volatile.Write(ref blocked, false);
        await alice.WaitConnectedAsync();
        await alice.WaitForMessageAsync("while alice was away");
        // It came from Bob's history ("after" pull), not live.
        await Expect(alice.Message("while alice was away")).Not.ToHaveClassAsync(new Regex(@"\bnew\b"));
    }, seconds: 150);
}
