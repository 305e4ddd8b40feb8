using Instant.Web;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Instant.Browser.Tests;

/// <summary>
/// The page is native ES modules with no build step: every file of static/client/ is served
/// as JavaScript and loaded, and the plugin API and site.js are there around them
/// (PluginSpecs runs real plugins from site.js).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ModuleSpecs(BrowserFixture browser) : IAsyncLifetime
{
    private InstantServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public Task Every_client_module_is_served_as_javascript_and_loaded_with_the_plugin_api() => Bounded.RunAsync(async () =>
    {
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            var types = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
            var errors = new List<string>();
            page.PageError += (_, e) => errors.Add(e);
            page.Response += (_, response) =>
            {
                var path = new Uri(response.Url).AbsolutePath;
                if (path.StartsWith("/static/", StringComparison.Ordinal) && path.EndsWith(".js", StringComparison.Ordinal))
                {
                    types[path] = response.Headers.TryGetValue("content-type", out var type) ? type : "";
                }
            };
            await page.GotoAsync(new Uri(_server.BaseUri, "/room/modules/").ToString());
            await Expect(page.Locator("#connection-status")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bconnected\b"));

            var files = Directory.GetFiles(Path.Combine(TestServer.WebRoot, "static", "client"), "*.js")
                .Select(f => "/static/client/" + Path.GetFileName(f)).Order().ToList();
            Assert.True(files.Count >= 10, "the client is split into feature modules");
            foreach (var file in files)
            {
                Assert.True(types.TryGetValue(file, out var type), file + " was loaded");
                Assert.StartsWith("application/javascript", type);
            }

            Assert.StartsWith("application/javascript", types["/static/site.js"]);
            Assert.True(await page.EvaluateAsync<bool>("() => typeof Instant.loadPlugin === 'function' && typeof Instant.listen === 'function' && typeof Instant.notifications.submit === 'function'"));
            Assert.Empty(errors);
        }
        finally
        {
            await context.CloseAsync();
        }
    });
}
