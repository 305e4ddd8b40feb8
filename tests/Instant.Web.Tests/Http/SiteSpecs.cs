using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Http;

/// <summary>docs/PROTOCOL.md section 1 and the HTTP side of SERVER.md: pages, the room page, redirects, static files and caching.</summary>
public sealed partial class SiteSpecs : IDisposable
{
    private readonly TempDirectory _webRoot = new();
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

    public SiteSpecs()
    {
        _webRoot.Write("pages/main.html", "<!DOCTYPE html><title>main page</title>");
        _webRoot.Write("pages/about.html", "<p>about</p>");
        _webRoot.Write("static/room.html", "<!DOCTYPE html><title>room page</title>");
        _webRoot.Write("static/logo-static_128x128.ico", "ICON-BYTES");
        _webRoot.Write("static/app.css", "body { color: red }");
        _webRoot.Write("static/app.js", "console.log('app');");
        _webRoot.Write("static/logo.svg", "<svg/>");
        _webRoot.Write("static/notes.txt", "some notes");
        _webRoot.Write("static/data.bin", "opaque");
        _webRoot.Write("static/deep/er/file.txt", "deep file");
        _webRoot.Write("static/version.js", "this is not the generated file");
    }

    [GeneratedRegex("""^this\._instantVersion_ = \{version: (?<version>"[^"]*"), revision: (?<revision>null|"[^"]*"), configHash: (?<hash>"[^"]*")\};\n$""")]
    private static partial Regex VersionJs();

    private static string? JsString(string literal) => System.Text.Json.JsonSerializer.Deserialize<string?>(literal);

    public void Dispose()
    {
        _http.Dispose();
        _webRoot.Dispose();
    }

    [Theory]
    [InlineData("/", "<!DOCTYPE html><title>main page</title>", "text/html; charset=utf-8")]
    [InlineData("/about.html", "<p>about</p>", "text/html; charset=utf-8")]
    [InlineData("/favicon.ico", "ICON-BYTES", "image/vnd.microsoft.icon")]
    [InlineData("/room/test/", "<!DOCTYPE html><title>room page</title>", "text/html; charset=utf-8")]
    [InlineData("/room/Some_Room-2/", "<!DOCTYPE html><title>room page</title>", "text/html; charset=utf-8")]
    [InlineData("/room/x/?query=1", "<!DOCTYPE html><title>room page</title>", "text/html; charset=utf-8")]
    [InlineData("/static/app.css", "body { color: red }", "text/css; charset=utf-8")]
    [InlineData("/static/app.js", "console.log('app');", "application/javascript; charset=utf-8")]
    [InlineData("/static/logo.svg", "<svg/>", "image/svg+xml; charset=utf-8")]
    [InlineData("/static/notes.txt", "some notes", "text/plain; charset=utf-8")]
    [InlineData("/static/deep/er/file.txt", "deep file", "text/plain; charset=utf-8")]
    [InlineData("/pages/about.html", "<p>about</p>", "text/html; charset=utf-8")]
    [InlineData("/static/data.bin", "opaque", null)]
    public async Task Files_are_served_from_the_webroot_with_their_content_type(string path, string content, string? contentType)
    {
        await using var server = await InstantTestServer.StartAsync("--webroot", _webRoot.Path);
        using var response = await _http.GetAsync(server.Http(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsStringAsync());
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.Equal(content.Length, response.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("/room/test", "/room/test/")]
    [InlineData("/room/test?a=1&b=%20x", "/room/test/?a=1&b=%20x")]
    [InlineData("/room/A-b_c9", "/room/A-b_c9/")]
    public async Task A_room_path_without_the_slash_redirects_keeping_the_query(string path, string location)
    {
        await using var server = await InstantTestServer.StartAsync("--webroot", _webRoot.Path);
        using var response = await _http.GetAsync(server.Http(path));
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/room/1abc/")]
    [InlineData("/room/a-/")]
    [InlineData("/room/a-")]
    [InlineData("/room/_a/")]
    [InlineData("/room/a_/")]
    [InlineData("/room/a.b/")]
    [InlineData("/room/a%20b/")]
    [InlineData("/room//")]
    [InlineData("/room/")]
    [InlineData("/room/test/extra")]
    [InlineData("/room/test/ws/more")]
    [InlineData("/room/1abc/ws")]
    [InlineData("/nothing")]
    [InlineData("/missing.html")]
    [InlineData("/.html")]
    [InlineData("/static/")]
    [InlineData("/static/missing.css")]
    [InlineData("/static")]
    [InlineData("/api/auth/more")]
    [InlineData("/api/ws/")]
    public async Task Invalid_room_names_and_unknown_paths_are_404(string path)
    {
        await using var server = await InstantTestServer.StartAsync("--webroot", _webRoot.Path);
        using var response = await _http.GetAsync(server.Http(path));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404 Not Found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_plain_GET_of_a_websocket_endpoint_is_not_an_upgrade_and_fails_cleanly()
    {
        await using var server = await InstantTestServer.StartAsync();
        foreach (var path in new[] { "/room/test/ws", "/api/ws" })
        {
            using var response = await _http.GetAsync(server.Http(path));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("/room/1abc/ws")]
    [InlineData("/room/a-/ws")]
    [InlineData("/room/test/ws/x")]
    [InlineData("/api/wss")]
    public async Task An_upgrade_to_an_invalid_room_or_path_is_refused_with_404(string path)
    {
        await using var server = await InstantTestServer.StartAsync();
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(TestSocket.DefaultTimeout);
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => socket.ConnectAsync(server.WebSocketUri(path), timeout.Token));
        Assert.Equal(HttpStatusCode.NotFound, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Generated_version_js_matches_the_identity_frame_and_beats_a_webroot_copy()
    {
        await using var server = await InstantTestServer.StartAsync("--webroot", _webRoot.Path);
        await using var client = await server.JoinAsync("version");
        using var response = await _http.GetAsync(server.Http("/static/version.js"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/javascript; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var match = VersionJs().Match(await response.Content.ReadAsStringAsync());
        Assert.True(match.Success, "version.js: " + await response.Content.ReadAsStringAsync());
        var identity = client.Identity.Data;
        // The values are JavaScript string literals (JSON-escaped); compare what they evaluate to.
        Assert.Equal(identity.GetProperty("version").GetString(), JsString(match.Groups["version"].Value));
        Assert.Equal(identity.GetProperty("configHash").GetString(), JsString(match.Groups["hash"].Value));
        string? expectedRevision = identity.TryGetProperty("revision", out var revision) ? revision.GetString() : null;
        Assert.Equal(expectedRevision, JsString(match.Groups["revision"].Value));
    }

    [Fact]
    public async Task Without_a_webroot_the_generated_files_are_still_served()
    {
        using var empty = new TempDirectory();
        await using var server = await InstantTestServer.StartAsync("-r", empty.Path);
        using var version = await _http.GetAsync(server.Http("/static/version.js"));
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        Assert.Matches(VersionJs(), await version.Content.ReadAsStringAsync());
        using var site = await _http.GetAsync(server.Http("/static/site.js"));
        Assert.Equal(HttpStatusCode.OK, site.StatusCode);
        Assert.Equal("application/javascript; charset=utf-8", site.Content.Headers.ContentType?.ToString());
        Assert.True(string.IsNullOrWhiteSpace(await site.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Embedded_files_are_served_when_the_webroot_lacks_them_and_the_webroot_copy_wins()
    {
        // The browser client is embedded under wwwroot/ once it lands; until then only the
        // generated files stand in for it (checked above), and a file in neither place is 404.
        var assembly = typeof(InstantServer).Assembly;
        var embedded = assembly.GetManifestResourceNames()
            .Select(n => n.Replace('\\', '/'))
            .Where(n => n.StartsWith("wwwroot/static/", StringComparison.Ordinal) && !n.EndsWith("/version.js", StringComparison.Ordinal) && !n.EndsWith("/site.js", StringComparison.Ordinal))
            .ToList();
        if (embedded.Count == 0)
        {
            using var bare = new TempDirectory();
            await using var server = await InstantTestServer.StartAsync("-r", bare.Path);
            using var missing = await _http.GetAsync(server.Http("/static/room.html"));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            using var generated = await _http.GetAsync(server.Http("/static/site.js"));
            Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
            return;
        }

        string resource = embedded[0];
        string logical = resource["wwwroot/".Length..];
        using var stream = assembly.GetManifestResourceStream(assembly.GetManifestResourceNames().First(n => n.Replace('\\', '/') == resource))!;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        using var empty = new TempDirectory();
        await using (var server = await InstantTestServer.StartAsync("-r", empty.Path))
        {
            using var response = await _http.GetAsync(server.Http("/" + logical));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(copy.ToArray(), await response.Content.ReadAsByteArrayAsync());
        }

        _webRoot.Write(logical, "the webroot's own copy");
        await using (var server = await InstantTestServer.StartAsync("-r", _webRoot.Path))
        {
            using var response = await _http.GetAsync(server.Http("/" + logical));
            Assert.Equal("the webroot's own copy", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Static_files_carry_cache_control_from_maxCacheAge_and_a_strong_etag()
    {
        await using var server = await InstantTestServer.StartAsync("--webroot", _webRoot.Path, "-o", "instant.http.maxCacheAge=1234");
        foreach (var path in new[] { "/static/app.css", "/static/version.js", "/", "/room/x/" })
        {
            using var response = await _http.GetAsync(server.Http(path));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl!.Public, path);
            Assert.Equal(TimeSpan.FromSeconds(1234), response.Headers.CacheControl.MaxAge);
            Assert.NotNull(response.Headers.ETag);
            Assert.False(response.Headers.ETag!.IsWeak);
        }

        await using var defaults = await InstantTestServer.StartAsync("--webroot", _webRoot.Path);
        using var byDefault = await _http.GetAsync(defaults.Http("/static/app.css"));
        Assert.Equal(TimeSpan.FromSeconds(3600), byDefault.Headers.CacheControl!.MaxAge);
    }

    [Theory]
    [InlineData("/static/app.css")]
    [InlineData("/static/site.js")]
    [InlineData("/")]
    public async Task If_None_Match_with_the_etag_answers_304_without_a_body(string path)
    {
        await using var server = await InstantTestServer.StartAsync("--webroot", _webRoot.Path);
        using var first = await _http.GetAsync(server.Http(path));
        var etag = first.Headers.ETag!;

        foreach (var ifNoneMatch in new[] { etag.ToString(), "\"other\", " + etag, "*" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, server.Http(path));
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            using var cached = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
            Assert.Empty(await cached.Content.ReadAsByteArrayAsync());
            Assert.Equal(etag, cached.Headers.ETag);
        }

        using var stale = new HttpRequestMessage(HttpMethod.Get, server.Http(path));
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"stale\""));
        using var fresh = await _http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task A_changed_webroot_file_is_served_fresh_with_a_new_etag()
    {
        await using var server = await InstantTestServer.StartAsync("--webroot", _webRoot.Path);
        using var before = await _http.GetAsync(server.Http("/static/notes.txt"));
        _webRoot.Write("static/notes.txt", "rewritten notes, longer than before");
        using var after = await _http.GetAsync(server.Http("/static/notes.txt"));
        Assert.Equal("rewritten notes, longer than before", await after.Content.ReadAsStringAsync());
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
    }

    [Theory]
    [InlineData("/static/app.css")]
    [InlineData("/")]
    [InlineData("/static/version.js")]
    public async Task HEAD_answers_the_headers_of_GET_without_a_body(string path)
    {
        await using var server = await InstantTestServer.StartAsync("--webroot", _webRoot.Path);
        using var get = await _http.GetAsync(server.Http(path));
        var head = await RawHttp.SendAsync(server.Port, $"HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Assert.Equal(200, head.Status);
        Assert.Equal(get.Content.Headers.ContentLength?.ToString(), head.Header("Content-Length"));
        Assert.Equal(get.Content.Headers.ContentType?.ToString(), head.Header("Content-Type"));
        Assert.Equal(get.Headers.ETag?.ToString(), head.Header("ETag"));
        Assert.Empty(head.Body);

        using var viaClient = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, server.Http(path)));
        Assert.Equal(HttpStatusCode.OK, viaClient.StatusCode);
    }

    [Theory]
    [InlineData("POST", "/")]
    [InlineData("POST", "/static/app.css")]
    [InlineData("PUT", "/room/test/")]
    [InlineData("DELETE", "/api/auth")]
    [InlineData("POST", "/room/test/ws")]
    public async Task Other_methods_are_405(string method, string path)
    {
        await using var server = await InstantTestServer.StartAsync("--webroot", _webRoot.Path);
        using var request = new HttpRequestMessage(new HttpMethod(method), server.Http(path)) { Content = new StringContent("x") };
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Responses_name_the_server()
    {
        await using var server = await InstantTestServer.StartAsync("--webroot", _webRoot.Path);
        using var response = await _http.GetAsync(server.Http("/"));
        Assert.StartsWith("Instant.Actors/", response.Headers.Server.ToString(), StringComparison.Ordinal);
    }
}
