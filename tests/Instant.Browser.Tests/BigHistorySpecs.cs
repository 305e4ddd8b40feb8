using System.Text.Json.Nodes;
using Instant.Web;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>
/// A room whose embedded Scribe holds 10,000 posts, filled through the server: the page shows
/// the newest, stays usable, and loads older history on demand. The bounds are generous on
/// purpose; the timings themselves are measured by bench/browser.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BigHistorySpecs(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Room = "big";
    private const int Posts = 10_000;
    private readonly DirectoryInfo _scribeDirectory = Directory.CreateTempSubdirectory("instant-big-history-");
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartWithAsync(
        "-o", "instant.scribe.rooms=" + Room, "-o", "instant.scribe.directory=" + _scribeDirectory.FullName);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _scribeDirectory.Delete(recursive: true);
    }

    [Fact]
    public Task A_room_with_ten_thousand_posts_shows_the_newest_and_stays_usable() => Bounded.RunAsync(async () =>
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(200));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await FillAsync(limit.Token);
        output.WriteLine($"filled {Posts} posts in {clock.Elapsed.TotalSeconds:F1} s");

        await using var reader = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, Room, "reader");
        await Expect(reader.Message($"post {Posts - 1}:")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        int shown = await reader.Page.Locator(".message").CountAsync();
        output.WriteLine($"first screen with {shown} posts after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(shown >= 1_000, $"only {shown} posts arrived with the first screen");
        await Expect(reader.Page.Locator("#log-spinner")).ToBeHiddenAsync(new() { Timeout = 30_000 });

        // Typing lands in the input bar and a post shows up at the bottom.
        await reader.Input.PressSequentiallyAsync("still responsive");
        await Expect(reader.Input).ToHaveValueAsync("still responsive");
        await reader.Input.FillAsync("");
        await reader.PostAsync("a new post under a long history");
        await Expect(reader.Message("a new post under a long history")).ToBeInViewportAsync();

        // Scrolling to the top brings older posts.
        await reader.Page.EvaluateAsync("() => { document.getElementById('messages').scrollTop = 0; }");
        await reader.Page.WaitForFunctionAsync("n => document.querySelectorAll('.message').length > n", shown + 1, new() { Timeout = 60_000 });
        Assert.Empty(reader.ConsoleErrors);
    }, seconds: 300);

    /// <summary>
    /// Posts through a WebSocket, every fourth a reply to a recent post, until the Scribe holds
    /// them all. The ids come back in `response` frames, read alongside the sending.
    /// </summary>
    private async Task FillAsync(CancellationToken cancellation)
    {
        await using var poster = await RawPeer.ConnectAsync(_server.BaseUri, Room, cancellation);
        var ids = new List<string>();
        var reading = Task.Run(async () =>
        {
            while (true)
            {
                var response = await poster.ReceiveAsync(f => (string?)f["type"] == "response", cancellation);
                lock (ids)
                {
                    ids.Add((string)response["data"]!["id"]!);
                    if (ids.Count == Posts)
                    {
                        return;
                    }
                }
            }
        }, cancellation);
        for (int i = 0; i < Posts; i++)
        {
            string? parent = null;
            int known;
            lock (ids)
            {
                known = ids.Count;
                if (i % 4 == 3 && i < Posts - 1 && known > 0)
                {
                    parent = ids[^1];
                }
            }

            await poster.BroadcastAsync(new JsonObject { ["type"] = "post", ["nick"] = "poster" + (i % 7), ["text"] = $"post {i}: with *emphasis* and a link https://example.org/{i}", ["parent"] = parent }, cancellation);
            // Stay at most a few hundred posts ahead of the answers.
            while (i - known > 300 && !reading.IsCompleted)
            {
                await Task.Delay(5, cancellation);
                lock (ids)
                {
                    known = ids.Count;
                }
            }
        }

        await reading;
        while (true)
        {
            await poster.BroadcastAsync(new JsonObject { ["type"] = "log-query" }, cancellation);
            var info = await poster.ReceiveDataAsync("log-info", cancellation);
            if ((int?)info["data"]!["length"] >= Posts)
            {
                return;
            }

            await Task.Delay(250, cancellation);
        }
    }
}
