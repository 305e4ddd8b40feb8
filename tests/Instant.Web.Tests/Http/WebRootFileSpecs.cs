using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Http;

/// <summary>
/// Files under <c>--webroot</c>: streamed from disk (with ranges), only regular files, and
/// symbolic links only when <c>instant.http.followSymlinks</c> allows.
/// </summary>
public sealed class WebRootFileSpecs : IDisposable
{
    private const string Secret = "OUTSIDE-THE-WEBROOT";
    private readonly TempDirectory _dir = new();

    public WebRootFileSpecs()
    {
        _dir.Write("outside/secret.txt", Secret);
        _dir.Write("www/static/plain.txt", "plain");
        _dir.Write("www/pages/inside.html", "<p>inside</p>");
    }

    private string WebRoot => _dir.PathOf("www");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_file_larger_than_any_array_is_streamed_and_ranges_of_it_are_served()
    {
        // 3 GB, sparse: no whole-file read could hold it, and it costs no disk.
        string big = _dir.PathOf("www/static/big.bin");
        const long size = 3L * 1024 * 1024 * 1024;
        byte[] tail = Encoding.ASCII.GetBytes("THE-LAST-BYTES");
        await using (var file = new FileStream(big, FileMode.CreateNew))
        {
            file.SetLength(size);
            file.Seek(size - tail.Length, SeekOrigin.Begin);
            await file.WriteAsync(tail);
        }

        await using var server = await InstantTestServer.StartAsync("--webroot", WebRoot);
        var head = await RawHttp.SendAsync(server.Port, $"HEAD /static/big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Assert.Equal(200, head.Status);
        Assert.Equal(size.ToString(), head.Header("Content-Length"));
        Assert.Equal("bytes", head.Header("Accept-Ranges"));

        var suffix = await Get(server, "/static/big.bin", "Range: bytes=-14\r\n");
        Assert.Equal(206, suffix.Status);
        Assert.Equal($"bytes {size - 14}-{size - 1}/{size}", suffix.Header("Content-Range"));
        Assert.Equal(tail, suffix.Body);

        var middle = await Get(server, "/static/big.bin", $"Range: bytes={size - 20}-{size - 13}\r\n");
        Assert.Equal(206, middle.Status);
        Assert.Equal([0, 0, 0, 0, 0, 0, (byte)'T', (byte)'H'], middle.Body);

        var past = await Get(server, "/static/big.bin", $"Range: bytes={size}-\r\n");
        Assert.Equal(416, past.Status);
        Assert.Equal($"bytes */{size}", past.Header("Content-Range"));
    }

    [Fact]
    public async Task A_whole_file_and_its_ranges_arrive_intact_and_a_changed_file_is_sent_whole_despite_If_Range()
    {
        var content = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 17);
        string path = _dir.PathOf("www/static/random.bin");
        await File.WriteAllBytesAsync(path, content);
        await using var server = await InstantTestServer.StartAsync("--webroot", WebRoot);

        var whole = await Get(server, "/static/random.bin");
        Assert.Equal(200, whole.Status);
        Assert.Equal(content, whole.Body);

        var range = await Get(server, "/static/random.bin", "Range: bytes=1000000-1999999\r\n");
        Assert.Equal(206, range.Status);
        Assert.Equal(content[1000000..2000000], range.Body);

        var open = await Get(server, "/static/random.bin", $"Range: bytes={content.Length - 5}-\r\n");
        Assert.Equal(content[^5..], open.Body);

        // Several ranges, or a malformed one: the whole file (the RFC lets a server ignore Range).
        Assert.Equal(content, (await Get(server, "/static/random.bin", "Range: bytes=0-1,5-6\r\n")).Body);
        Assert.Equal(content, (await Get(server, "/static/random.bin", "Range: bytes=9-3\r\n")).Body);

        string etag = whole.Header("ETag")!;
        Assert.Equal(206, (await Get(server, "/static/random.bin", $"Range: bytes=0-9\r\nIf-Range: {etag}\r\n")).Status);
        var stale = await Get(server, "/static/random.bin", "Range: bytes=0-9\r\nIf-Range: \"an-older-version\"\r\n");
        Assert.Equal(200, stale.Status);
        Assert.Equal(content.Length, stale.Body.Length);
    }

    [Fact]
    public async Task Symbolic_links_are_not_followed_by_default_and_are_with_followSymlinks()
    {
        File.CreateSymbolicLink(_dir.PathOf("www/static/escape.txt"), _dir.PathOf("outside/secret.txt"));
        Directory.CreateSymbolicLink(_dir.PathOf("www/static/outdir"), _dir.PathOf("outside"));
        File.CreateSymbolicLink(_dir.PathOf("www/static/alias.txt"), _dir.PathOf("www/static/plain.txt"));

        await using (var server = await InstantTestServer.StartAsync("--webroot", WebRoot))
        {
            Assert.Equal("plain", (await Get(server, "/static/plain.txt")).BodyText);
            foreach (var path in new[] { "/static/escape.txt", "/static/outdir/secret.txt", "/static/alias.txt" })
            {
                var response = await Get(server, path);
                Assert.Equal(404, response.Status);
                Assert.DoesNotContain(Secret, response.BodyText, StringComparison.Ordinal);
            }

            Assert.Contains("symbolic link", server.ReadDebugLog(), StringComparison.Ordinal);
        }

        await using (var server = await InstantTestServer.StartAsync("--webroot", WebRoot, "-o", "instant.http.followSymlinks=yes"))
        {
            Assert.Equal(Secret, (await Get(server, "/static/escape.txt")).BodyText);
            Assert.Equal(Secret, (await Get(server, "/static/outdir/secret.txt")).BodyText);
            Assert.Equal("plain", (await Get(server, "/static/alias.txt")).BodyText);
        }
    }

    [Fact]
    public async Task A_FIFO_or_a_device_in_the_webroot_is_refused_at_once_and_the_server_keeps_serving()
    {
        using (var mkfifo = Process.Start("mkfifo", _dir.PathOf("www/static/fifo.txt")))
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await mkfifo.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        File.CreateSymbolicLink(_dir.PathOf("www/static/zero.bin"), "/dev/zero");
        await using var server = await InstantTestServer.StartAsync("--webroot", WebRoot, "-o", "instant.http.followSymlinks=yes");
        var started = Stopwatch.StartNew();
        Assert.Equal(404, (await Get(server, "/static/fifo.txt")).Status);
        Assert.Equal(404, (await Get(server, "/static/zero.bin")).Status);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
        Assert.Equal("plain", (await Get(server, "/static/plain.txt")).BodyText);
        Assert.Contains("not a regular file", server.ReadDebugLog(), StringComparison.Ordinal);
    }

    private static Task<RawResponse> Get(InstantTestServer server, string target, string extraHeaders = "")
        => RawHttp.SendAsync(server.Port, $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extraHeaders}Connection: close\r\n\r\n");
}
