using Instant.Web;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>
/// The motd sample plugin, loaded by the server with <c>--plugins</c>, running in our client
/// through <c>/static/site.js</c>: <c>Instant.loadPlugin</c>, its code and style, and the events it listens to.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PluginSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync()
        => _server = await TestServer.StartWithAsync(
            "--plugin-path", TestServer.SamplePluginOutput("Motd"), "--plugins", "motd", "-o", "motd.text=Tea in the kitchen at four");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public Task The_plugin_shows_its_banner_and_its_shortcut_hides_and_shows_it() => Bounded.RunAsync(async () =>
    {
        await using var ann = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "motd", "ann");
        var banner = ann.Page.Locator("#motd-banner");
        await Expect(banner).ToHaveTextAsync("Tea in the kitchen at four");
        await Expect(banner).ToBeVisibleAsync();
        // The plugin's style from Frontend-styles applies, and main's result is the plugin's data.
        await Expect(banner).ToHaveCSSAsync("position", "sticky");
        Assert.Equal("Alt+M", await ann.Page.EvaluateAsync<string>("() => Instant.plugins.getPlugin('motd').data.shortcut"));

        await ann.Input.FillAsync("draft");
        await ann.Input.PressAsync("Alt+m");
        await Expect(banner).ToBeHiddenAsync();
        await Expect(ann.Input).ToHaveValueAsync("draft"); // the shortcut went to the plugin only
        await ann.Input.PressAsync("Alt+m");
        await Expect(banner).ToBeVisibleAsync();
        Assert.Empty(ann.ConsoleErrors);
    });

    [Fact]
    public Task Plugins_see_the_clients_events_and_may_cancel_a_post() => Bounded.RunAsync(async () =>
    {
        await using var ann = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "events", "ann");
        await ann.Page.EvaluateAsync("""
            () => {
              window.seen = [];
              Instant.listen('*', e => window.seen.push(e.type));
              Instant.listen('input.post', e => { if (e.data.text === 'secret') e.cancel(); });
            }
            """);

        await ann.PostAsync("hello");
        await ann.WaitForMessageAsync("hello");
        await ann.Input.FillAsync("secret");
        await ann.Input.PressAsync("Enter");
        await ann.PostAsync("after");
        await ann.WaitForMessageAsync("after");
        await Expect(ann.Message("secret")).ToHaveCountAsync(0);

        var seen = await ann.Page.EvaluateAsync<string[]>("() => window.seen");
        Assert.Contains("input.keydown", seen);
        Assert.Contains("input.post", seen);
        Assert.Contains("connection.message", seen);
        Assert.Equal("events", await ann.Page.EvaluateAsync<string>("() => Instant.roomName"));
        Assert.Matches("^[0-9A-F]{16}$", await ann.Page.EvaluateAsync<string>("() => Instant.identity.id"));
    });

    [Fact]
    public Task Plugins_load_after_their_dependencies() => Bounded.RunAsync(async () =>
    {
        await using var ann = await RoomPage.OpenAsync(browser.Browser, _server.BaseUri, "deps", null);
        var order = await ann.Page.EvaluateAsync<string[]>("""
            async () => {
              const order = [];
              const late = Instant.loadPlugin('late', {deps: ['early'], main() { order.push('late'); return 2; }});
              await new Promise(resolve => setTimeout(resolve, 50));
              order.push('waited');
              await Instant.loadPlugin('early', {main() { order.push('early'); return 1; }});
              await late;
              order.push(String(Instant.plugins.getPlugin('late').data));
              return order;
            }
            """);

        Assert.Equal(["waited", "early", "late", "2"], order);
    });
}
