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
}
