using Instant.Web;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class ThreadSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public Task Three_pages_post_and_reply_in_threads_and_all_see_the_same_tree() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "threads", "alice");
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "threads", "bob");
        await using var carol = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "threads", "carol");

        await alice.PostAsync("first root");
        var root = await bob.WaitForMessageAsync("first root");
        await alice.PostAsync("second root");
        var second = await carol.WaitForMessageAsync("second root");

        // Bob clicks the first root: a thread root is always replied to directly.
        await bob.Message("first root").Locator(":scope > .line > .content").ClickAsync();
        Assert.Equal(root, await bob.BarParentAsync());
        await bob.PostAsync("reply from bob");
        var reply = await carol.WaitForMessageAsync("reply from bob");

        // Carol clicks Bob's reply, which is last in its thread: the thread continues at that level.
        await carol.Message("reply from bob").Locator(":scope > .line > .content").ClickAsync();
        Assert.Equal(root, await carol.BarParentAsync());
        // A second click on the same message nests under it.
        await carol.Message("reply from bob").Locator(":scope > .line > .content").ClickAsync();
        Assert.Equal(reply, await carol.BarParentAsync());
        await carol.PostAsync("nested from carol");
        var nested = await alice.WaitForMessageAsync("nested from carol");

        foreach (var page in new[] { alice, bob, carol })
        {
            await page.WaitForMessageAsync("nested from carol");
            Assert.Null(await page.ShownParentAsync(root));
            Assert.Null(await page.ShownParentAsync(second));
            Assert.Equal(root, await page.ShownParentAsync(reply));
            Assert.Equal(reply, await page.ShownParentAsync(nested));
            // Siblings in id order: the first root comes before the second one.
            var order = await page.Page.EvaluateAsync<string[]>(
                "() => Array.from(document.querySelectorAll('#thread-root > .message')).map(n => n.getAttribute('data-id'))");
            Assert.Equal([root, second], order);
            await Expect(page.Message("first root").Locator(":scope > .line > .nick")).ToHaveTextAsync("alice");
            await Expect(page.Page.Locator("#user-list .user-chip")).ToHaveCountAsync(3);
        }

        // Times are HH:MM with the full date on hover and a permalink.
        var time = alice.Message("first root").Locator(":scope > .line > .time");
        await Expect(time).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d\d:\d\d$"));
        await Expect(time).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"^\d{4}-[A-Z][a-z]{2}-\d\d \d\d:\d\d:\d\d$"));
        await Expect(time).ToHaveAttributeAsync("href", "#message-" + root);

        // Live messages from others are flagged new; own ones are not.
        await Expect(alice.Message("reply from bob")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bnew\b"));
        await Expect(bob.Message("reply from bob")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bmine\b"));
        // version.js and identity agree, so no "outdated" notice; the splash is gone.
        await Expect(alice.Page.Locator("#update-notice")).ToBeHiddenAsync();
        await Expect(alice.Page.Locator("#splash")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bgone\b"));
        Assert.Empty(alice.ConsoleErrors.Concat(bob.ConsoleErrors).Concat(carol.ConsoleErrors));
    });

    /// <summary>Copies the selection through the page's copy handler, as the browser would on Ctrl+C.</summary>
    internal const string CopySelection = """
        ([fromId, toId]) => {
          const from = document.querySelector('#message-' + fromId + ' > .line > .content');
          const to = document.querySelector('#message-' + toId + ' > .line > .content');
          const range = document.createRange();
          range.setStart(from.firstChild, 0);
          range.setEnd(to, to.childNodes.length);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          const clipboard = new DataTransfer();
          document.getElementById('messages').dispatchEvent(new ClipboardEvent('copy', { clipboardData: clipboard, bubbles: true, cancelable: true }));
          return [clipboard.getData('text/plain'), clipboard.getData('text/html')];
        }
        """;

    [Fact]
    public Task A_selection_over_several_messages_copies_as_a_text_tree() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "copying", "alice");
        await alice.PostAsync("the root <b>");
        var root = await alice.WaitForMessageAsync("the root");
        var reply = await alice.ReplyAsync(root, "a reply\nover two lines");
        var deeper = await alice.ReplyAsync(reply, "/me nods");
        await alice.Input.PressAsync("Escape");
        await alice.PostAsync("next root");
        var next = await alice.WaitForMessageAsync("next root");

        var copied = await alice.Page.EvaluateAsync<string[]>(CopySelection, new[] { root, next });
        Assert.Equal(
            "<alice> the root <b>\n| <alice> a reply\n|         over two lines\n| | <alice> /me nods\n<alice> next root",
            copied[0]);
        Assert.StartsWith("<pre>&lt;alice&gt; the root &lt;b&gt;", copied[1]);

        // Within one message the browser copies as usual (the handler leaves the clipboard alone).
        copied = await alice.Page.EvaluateAsync<string[]>(CopySelection, new[] { deeper, deeper });
        Assert.Equal(["", ""], copied);
    });
}
