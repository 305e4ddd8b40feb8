using System.Net;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Plugins;

/// <summary>Redirects, aliases, generators, content types, synthetic files and site code from a plugin, in a real server.</summary>
public sealed class PluginSiteSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _plugins = new();
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
    private InstantTestServer _server = null!;

    public async Task InitializeAsync()
    {
        PluginFiles.TestAssemblyAs<SiteFeaturesPlugin>(_plugins, "site-features");
        _server = await InstantTestServer.StartAsync("--plugin-path", _plugins.Path, "--plugins", "site-features");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _plugins.Dispose();
    }

    [Fact]
    public async Task A_redirect_expands_its_template_and_keeps_the_query()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        using var response = await _http.GetAsync(_server.Http("/old/page?x=1"), cancel.Token);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("/new/page?x=1", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_exact_alias_serves_a_built_in_file_under_another_path()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        using var alias = await _http.GetAsync(_server.Http("/welcome"), cancel.Token);
        using var room = await _http.GetAsync(_server.Http("/room/x/"), cancel.Token);

        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
        Assert.Equal(await room.Content.ReadAsStringAsync(cancel.Token), await alias.Content.ReadAsStringAsync(cancel.Token));
        Assert.Equal("text/html; charset=utf-8", alias.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task A_regex_alias_leads_to_a_generator_which_sees_the_query_and_the_content_type_applies()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        using var response = await _http.GetAsync(_server.Http("/docs/intro?v=2"), cancel.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("# generated for /static/docs/intro.md?v=2", await response.Content.ReadAsStringAsync(cancel.Token));
        Assert.Equal("text/markdown; charset=utf-8", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Synthetic_files_and_site_code_are_served()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        using var hello = await _http.GetAsync(_server.Http("/static/hello.txt"), cancel.Token);
        Assert.Equal("hello from site-features", await hello.Content.ReadAsStringAsync(cancel.Token));
        Assert.Equal("text/plain; charset=utf-8", hello.Content.Headers.ContentType!.ToString());
        Assert.NotNull(hello.Headers.ETag);

        using var site = await _http.GetAsync(_server.Http("/static/site.js"), cancel.Token);
        Assert.Equal("\nwindow.siteFeatures = true;\n", await site.Content.ReadAsStringAsync(cancel.Token));
    }
}
