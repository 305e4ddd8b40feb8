using Instant.Web;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>
/// A busy threaded room seen by four people. With INSTANT_SCREENSHOTS=DIR set it also writes
/// the light and dark screenshots used in docs/ (room-light.png, room-dark.png).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BusyRoomSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public Task A_busy_threaded_room_looks_the_same_to_everyone_in_light_and_dark() => Bounded.RunAsync(async () =>
    {
        var size = new BrowserNewContextOptions { ViewportSize = new() { Width = 1100, Height = 760 } };
        await using var alice = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "welcome", "alice", size);
        await using var bob = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "welcome", "Bob", size);
        await using var eleni = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "welcome", "Ελένη", size);
        await using var sam = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "welcome", "sam the admin", size);

        await alice.PostAsync("Morning all! Anyone tried the new *threaded* view yet?");
        var morning = await alice.WaitForMessageAsync("Morning all!");
        var bobReply = await bob.ReplyAsync(morning, "Yes — click a message to reply, **Return** to send.");
        var eleniReply = await eleni.ReplyAsync(bobReply, "And the arrow keys move the input bar: `Up`/`Down` between places, `Left`/`Right` out and in.");
        await alice.ReplyAsync(eleniReply, "@Ελένη nice, that's quicker than the mouse");
        await sam.ReplyAsync(morning, "/me waves from the server room");

        await bob.Input.PressAsync("Escape");
        await bob.PostAsync("Deploy notes are up, @alice: <https://example.org/deploy/notes>");
        var deploy = await bob.WaitForMessageAsync("Deploy notes");
        var samQ = await sam.ReplyAsync(deploy, "Did the config change too? Here's what I run:\n```\ninstant -h 127.0.0.1 -r ./webroot 8080\n```");
        var bobA = await bob.ReplyAsync(samQ, "> Did the config change too?\nNo, only the client. ***Nothing*** to do on your side.");
        await eleni.ReplyAsync(bobA, "Great, thanks @Bob");

        await eleni.Input.PressAsync("Escape");
        await eleni.PostAsync("Lunch at 12:30? Continue in &lunch");
        var lunch = await eleni.WaitForMessageAsync("Lunch at 12:30?");
        await alice.ReplyAsync(lunch, "+1, see you there");
        await alice.Input.PressAsync("Escape");
        await sam.Input.PressAsync("Escape");
        await sam.PostAsync("Reminder: the room keeps history only while someone (or a Scribe) is here.");

        foreach (var page in new[] { alice, bob, eleni, sam })
        {
            await page.WaitForMessageAsync("Reminder:");
            await Expect(page.Page.Locator(".message")).ToHaveCountAsync(12);
            await Expect(page.Page.Locator("#thread-root > .message")).ToHaveCountAsync(4);
            await Expect(page.Page.Locator("#user-list .user-chip")).ToHaveCountAsync(4);
            // Four levels deep under "Morning all!"
            await Expect(page.Page.Locator($"#message-{morning} > .replies > .message > .replies > .message > .replies > .message")).ToHaveCountAsync(1);
        }

        await Expect(alice.Message("Deploy notes")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bping\b"));
        await Expect(eleni.Message("nice, that's quicker")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bping\b"));
        await Expect(alice.Message("waves from the server room")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bemote\b"));
        Assert.Equal(1, await alice.Message("Here's what I run").Locator("code.mono-block").CountAsync());

        // Themes: light by default here, dark when chosen (and remembered).
        await Expect(alice.Page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        var dir = Environment.GetEnvironmentVariable("INSTANT_SCREENSHOTS");
        await alice.Input.FocusAsync();
        if (!string.IsNullOrEmpty(dir))
        {
            await alice.Page.Mouse.MoveAsync(0, 0);
            await alice.Page.WaitForTimeoutAsync(11_000); // let the "new" wash fade for the picture
            await alice.Page.ScreenshotAsync(new() { Path = Path.Combine(dir, "room-light.png") });
        }

        await alice.Page.Locator("#settings-button").ClickAsync();
        await alice.Page.Locator("#setting-theme").SelectOptionAsync("dark");
        await Expect(alice.Page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        var background = await alice.Page.Locator("#messages").EvaluateAsync<string>("n => getComputedStyle(n).backgroundColor");
        Assert.Equal("rgb(32, 34, 37)", background);
        await alice.Page.Keyboard.PressAsync("Escape");
        if (!string.IsNullOrEmpty(dir))
        {
            await alice.Page.ScreenshotAsync(new() { Path = Path.Combine(dir, "room-dark.png") });
        }

        await alice.Page.ReloadAsync();
        await Expect(alice.Page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
    }, seconds: 180);
}
