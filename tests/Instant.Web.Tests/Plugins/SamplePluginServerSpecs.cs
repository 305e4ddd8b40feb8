using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Instant.Actors.Identity;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Plugins;

/// <summary>The two sample plugins loaded into a real server by <c>--plugin-path</c> and <c>--plugins</c>.</summary>
public sealed class SamplePluginServerSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
    private InstantTestServer _server = null!;

    private static string PluginPath => string.Join(Path.PathSeparator, PluginFiles.SampleOutput("RoomsApi"), PluginFiles.SampleOutput("Motd"));

    public async Task InitializeAsync()
        => _server = await InstantTestServer.StartAsync("--plugin-path", PluginPath, "--plugins", "rooms-api,motd");

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Api_rooms_lists_the_rooms_with_their_connections()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await using var a1 = await _server.JoinAsync("alpha", cancellation: cancel.Token);
        await using var a2 = await _server.JoinAsync("alpha", cancellation: cancel.Token);
        await using var b = await _server.JoinAsync("beta", cancellation: cancel.Token);
        await using var api = await _server.ApiAsync(cancellation: cancel.Token);

        Assert.Equal("""{"rooms":[{"name":"alpha","connections":2},{"name":"beta","connections":1}]}""", await GetStringAsync("/api/rooms", cancel.Token));

        await b.CloseAsync(cancel.Token);
        await Eventually.SucceedsAsync(async token =>
            Assert.Equal("""{"rooms":[{"name":"alpha","connections":2}]}""", await GetStringAsync("/api/rooms", token)));
    }

    [Fact]
    public async Task Request_hooks_come_before_the_built_in_site_and_the_rest_is_unchanged()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        using var post = await _http.PostAsync(_server.Http("/api/rooms"), new StringContent("x"), cancel.Token);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal("GET", post.Content.Headers.Allow.Single());

        using var missing = await _http.GetAsync(_server.Http("/api/nothing"), cancel.Token);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var redirect = await _http.GetAsync(_server.Http("/room/x"), cancel.Token);
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
    }

    [Fact]
    public async Task A_connect_hook_adds_to_the_identity_data()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await using var socket = await _server.JoinAsync("ident", cancellation: cancel.Token);

        Assert.Equal("/api/rooms", socket.Identity.Data.GetProperty("roomsApi").GetString());
        Assert.Equal(16, socket.ParticipantId.Length); // the server's own fields are all still there
        Assert.True(socket.Identity.Data.TryGetProperty("configHash", out _));
    }

    [Fact]
    public async Task A_message_hook_answers_a_ping_post_only_to_its_sender_and_consumes_it()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await using var pinger = await _server.JoinAsync("pings", cancellation: cancel.Token);
        await using var other = await _server.JoinAsync("pings", cancellation: cancel.Token);

        await pinger.SendAsync("""{"type":"broadcast","seq":1,"data":{"type":"post","nick":"ann","text":" !ping ","parent":null}}""", cancel.Token);
        var pong = await pinger.NextAsync(f => f.Type == "unicast", cancel.Token);
        Assert.Equal("pong!", pong.Data.GetProperty("text").GetString());
        Assert.Equal("post", pong.Data.GetProperty("type").GetString());
        Assert.Equal(pinger.ParticipantId, pong.Member("to")!.Value.GetString());

        // An ordinary post is relayed as ever, and is the first thing the other member gets.
        await pinger.SendAsync("""{"type":"broadcast","seq":2,"data":{"type":"post","nick":"ann","text":"hello","parent":null}}""", cancel.Token);
        var relayed = await other.NextAsync(f => f.Type == "broadcast", cancel.Token);
        Assert.Equal("hello", relayed.Data.GetProperty("text").GetString());
        await pinger.NextAsync(f => f.Type == "broadcast", cancel.Token);
    }

    [Fact]
    public async Task The_frontend_plugin_is_in_site_js_and_serves_its_files()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        string site = await GetStringAsync("/static/site.js", cancel.Token);
        Assert.Equal(
            "\nInstant.loadPlugin(\"motd\", {\"styles\": [\"/static/motd/motd.css\"], \"code\": [\"/static/motd/motd.js\"], "
            + "\"main\": function() { return {shortcut: 'Alt+M'}; }});\n",
            site);

        Assert.Equal("""{"text":"Welcome! Be kind to each other."}""", await GetStringAsync("/static/motd/motd.json", cancel.Token));
        using var script = await _http.GetAsync(_server.Http("/static/motd/motd.js"), cancel.Token);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("application/javascript; charset=utf-8", script.Content.Headers.ContentType!.ToString());
        Assert.Contains("Instant.listen('input.keydown'", await script.Content.ReadAsStringAsync(cancel.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configuration_hash_covers_each_plugins_name_and_assembly_in_load_order()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        static byte[] Sha(string sample, string file) => SHA256.HashData(File.ReadAllBytes(Path.Combine(PluginFiles.SampleOutput(sample), file)));
        string expected = ConfigHash.Compute(InstantServer.Version, InstantServer.Revision,
            [("rooms-api", Sha("RoomsApi", "rooms-api.dll")), ("motd", Sha("Motd", "motd.dll"))]);

        Assert.NotEqual(ConfigHash.Compute(InstantServer.Version, InstantServer.Revision, []), expected);
        Assert.Contains($"configHash: {JsonSerializer.Serialize(expected)}", await GetStringAsync("/static/version.js", cancel.Token), StringComparison.Ordinal);
        await using var socket = await _server.JoinAsync("hash", cancellation: cancel.Token);
        Assert.Equal(expected, socket.Identity.Data.GetProperty("configHash").GetString());
    }

    [Fact]
    public async Task Plugin_configuration_values_come_after_every_other_source()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await using var server = await InstantTestServer.StartAsync(
            "--plugin-path", PluginPath, "--plugins", "motd", "-o", "motd.text=Maintenance at noon");

        using var response = await _http.GetAsync(server.Http("/static/motd/motd.json"), cancel.Token);
        Assert.Equal("""{"text":"Maintenance at noon"}""", await response.Content.ReadAsStringAsync(cancel.Token));
        Assert.Contains("Loading plugin motd...", server.ReadDebugLog(), StringComparison.Ordinal);
    }

    private async Task<string> GetStringAsync(string path, CancellationToken cancel)
    {
        using var response = await _http.GetAsync(_server.Http(path), cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(cancel);
    }
}
