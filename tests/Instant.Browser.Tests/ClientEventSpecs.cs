using Instant.Web;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>The input, message, log, spinner and user-list events a plugin hears through
/// <c>Instant.listen</c>, under the original's names, and the two it may cancel or rewrite.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ClientEventSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task ServeRecorder(IBrowserContext context)
    {
        var plugin = await File.ReadAllTextAsync(Path.Combine(TestServer.RepositoryRoot, "tests", "Instant.Browser.Tests", "plugins", "ui-event-recorder.js"));
        await context.RouteAsync("**/static/site.js", route => route.FulfillAsync(new()
        {
            Status = 200, ContentType = "application/javascript", Body = plugin,
        }));
    }

    private static Task WaitForEventAsync(RoomPage page, string condition)
        => page.Page.WaitForFunctionAsync($"() => window.uiEvents.some(e => {condition})");

    [Fact]
    public Task A_plugin_hears_typing_clicks_copies_logs_and_the_user_list() => Bounded.RunAsync(async () =>
    {
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "ui-events", null, prepare: ServeRecorder);
        await alice.Page.WaitForFunctionAsync("() => Array.isArray(window.uiEvents)");

        await alice.NickBox.FillAsync("alice");
        await WaitForEventAsync(alice, "e.type === 'input.nickEdit' && e.nick === 'alice'");
        await alice.NickBox.PressAsync("Enter");

        await alice.Input.FillAsync("draft");
        await WaitForEventAsync(alice, "e.type === 'input.update' && e.text === 'draft'");
        await alice.Input.FillAsync("");

        // A pasted URL is still wrapped in <...> when the plugin lets the paste through.
        await alice.Input.FocusAsync();
        await alice.Page.EvaluateAsync("""
            () => {
              const data = new DataTransfer();
              data.setData('text/plain', 'https://example.com/a');
              document.getElementById('message-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """);
        await WaitForEventAsync(alice, "e.type === 'input.paste' && e.cancelable");
        await Expect(alice.Input).ToHaveValueAsync("<https://example.com/a>");
        await alice.Input.FillAsync("");

        await alice.PostAsync("no reply");
        await alice.PostAsync("reply here");
        var first = await alice.WaitForMessageAsync("no reply");
        var second = await alice.WaitForMessageAsync("reply here");

        // The plugin cancels the click on "no reply": the bar stays at the top level.
        await alice.Page.Locator($"#message-{first} > .line > .content").ClickAsync();
        await WaitForEventAsync(alice, "e.type === 'message.click' && e.text === 'no reply' && e.cancelable");
        Assert.Null(await alice.BarParentAsync());
        await alice.Page.Locator($"#message-{second} > .line > .content").ClickAsync();
        await WaitForEventAsync(alice, "e.type === 'message.click' && e.text === 'reply here'");
        Assert.Equal(second, await alice.BarParentAsync());
        await alice.Input.PressAsync("Escape");

        // A copy over both messages goes through the plugin, which rewrites both forms.
        var copied = await alice.Page.EvaluateAsync<string[]>(ThreadSpecs.CopySelection, new[] { first, second });
        Assert.Equal(["copied: 2 lines", "<p>rewritten</p>"], copied);

        // Bob's page fetches the history from alice: a log reply, with the spinner shown meanwhile.
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "ui-events", "bob", prepare: ServeRecorder);
        await WaitForEventAsync(bob, "e.type === 'logs.new' && e.posts >= 2");
        await WaitForEventAsync(bob, "e.type === 'spinner.visibility' && e.visible === true");
        await WaitForEventAsync(bob, "e.type === 'spinner.visibility' && e.visible === false");
        await WaitForEventAsync(alice, "e.type === 'userList.update' && e.count >= 2");
        Assert.Empty(alice.ConsoleErrors.Concat(bob.ConsoleErrors));
    });
}
