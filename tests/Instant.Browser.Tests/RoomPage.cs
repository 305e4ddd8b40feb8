using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>One person in a room: a fresh browser context (own cookies and storage) with the room page open.</summary>
public sealed class RoomPage : IAsyncDisposable
{
    private RoomPage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public List<string> ConsoleErrors { get; } = [];

    static RoomPage() => SetDefaultExpectTimeout(15_000);

    public static async Task<RoomPage> OpenAsync(IBrowser browser, Uri baseUri, string room, string? nick,
        BrowserNewContextOptions? options = null, Func<IBrowserContext, Task>? prepare = null)
    {
        var context = await browser.NewContextAsync(options ?? new BrowserNewContextOptions { ViewportSize = new() { Width = 1000, Height = 700 } });
        context.SetDefaultTimeout(15_000);
        if (prepare is not null)
        {
            await prepare(context);
        }

        var page = await context.NewPageAsync();
        var roomPage = new RoomPage(context, page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                roomPage.ConsoleErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => roomPage.ConsoleErrors.Add(error);
        await page.GotoAsync(new Uri(baseUri, $"/room/{room}/").ToString());
        await roomPage.WaitConnectedAsync();
        if (nick is not null)
        {
            await roomPage.SetNickAsync(nick);
        }

        return roomPage;
    }

    public ILocator Status => Page.Locator("#connection-status");

    public ILocator Input => Page.Locator("#message-input");

    public ILocator NickBox => Page.Locator("#nick-input");

    public Task WaitConnectedAsync() => Expect(Status).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bconnected\b"));

    public async Task SetNickAsync(string nick)
    {
        await NickBox.FillAsync(nick);
        await NickBox.PressAsync("Enter");
    }

    public async Task PostAsync(string text)
    {
        await Input.FillAsync(text);
        await Input.PressAsync("Enter");
        await Expect(Input).ToHaveValueAsync("");
    }

    /// <summary>The message whose own line's content is exactly <paramref name="text"/>.</summary>
    public ILocator Message(string text)
        => Page.Locator(".message").Filter(new() { Has = Page.Locator(":scope > .line > .content", new() { HasTextString = text }) }).Last;

    public async Task<string> WaitForMessageAsync(string text)
    {
        var message = Message(text);
        await Expect(message).ToBeVisibleAsync();
        return (await message.GetAttributeAsync("data-id"))!;
    }

    /// <summary>Clicks message <paramref name="parentId"/> until the bar replies to it (continue, nest, back out cycle), then posts.</summary>
    public async Task<string> ReplyAsync(string parentId, string text)
    {
        for (int click = 0; click < 3 && await BarParentAsync() != parentId; click++)
        {
            await Page.Locator($"#message-{parentId} > .line > .nick").ClickAsync();
        }

        Xunit.Assert.Equal(parentId, await BarParentAsync());
        await PostAsync(text);
        return await WaitForMessageAsync(text);
    }

    /// <summary>Id of the message the input bar replies to, or null at the top level.</summary>
    public Task<string?> BarParentAsync() => Page.EvaluateAsync<string?>("() => window.InstantClient.barParent()");

    /// <summary>Id of the parent under which message <paramref name="id"/> is shown, or null at the top level.</summary>
    public Task<string?> ShownParentAsync(string id) => Page.EvaluateAsync<string?>(
        "id => { const n = document.getElementById('message-' + id); const c = n.parentNode; return c.id === 'thread-root' ? null : c.parentNode.getAttribute('data-id'); }",
        id);

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
