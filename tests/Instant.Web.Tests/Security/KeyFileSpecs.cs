using Instant.Web.Cli;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Security;

/// <summary><c>instant.cookies.keyfile</c>: identities that survive a restart.</summary>
public sealed class KeyFileSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_created_key_file_holds_64_bytes_with_mode_600_and_a_uuid_survives_a_restart()
    {
        string keyFile = _dir.PathOf("keys/cookie.key");
        string[] args = ["-o", "instant.cookies.keyfile=" + keyFile, "-o", "instant.cookies.keyfile.create=yes"];
        string cookie;
        string uuid;
        await using (var first = await InstantTestServer.StartAsync(args))
        {
            await using var client = await first.JoinAsync("keys");
            cookie = client.CookieHeader!;
            uuid = client.Uuid;
        }

        var key = await File.ReadAllBytesAsync(keyFile);
        Assert.Equal(64, key.Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        await using (var second = await InstantTestServer.StartAsync(args))
        {
            await using var client = await second.JoinAsync("keys", ClientPath.Pipeline, cookie);
            Assert.Equal(uuid, client.Uuid);
            Assert.NotEqual(cookie, string.Empty);
        }

        Assert.Equal(key, await File.ReadAllBytesAsync(keyFile)); // an existing key is kept, not replaced
    }

    [Fact]
    public async Task Creating_a_key_file_is_logged_once()
    {
        string keyFile = _dir.PathOf("logged.key");
        string[] args = ["-o", "instant.cookies.keyfile=" + keyFile, "-o", "instant.cookies.keyfile.create=yes"];
        await using (var first = await InstantTestServer.StartAsync(args))
        {
            Assert.Contains("Created cookie key file " + keyFile, first.ReadDebugLog(), StringComparison.Ordinal);
        }

        await using var second = await InstantTestServer.StartAsync(args);
        Assert.DoesNotContain("Created cookie key file", second.ReadDebugLog(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "no")]
    [InlineData(10, "no")]
    [InlineData(32, "yes")]
    [InlineData(100, "yes")]
    public async Task A_key_file_of_another_size_is_refused_and_left_as_it_is(int size, string create)
    {
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(size);
        string keyFile = _dir.PathOf("odd.key");
        await File.WriteAllBytesAsync(keyFile, bytes);
        var error = await Assert.ThrowsAsync<CommandLineException>(() => InstantTestServer.StartAsync(
            "-o", "instant.cookies.keyfile=" + keyFile, "-o", "instant.cookies.keyfile.create=" + create));
        Assert.Contains($"{size} bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(keyFile));
    }

    [Fact]
    public async Task A_FIFO_or_a_device_as_key_file_ends_the_start_at_once_with_exit_2_and_one_line()
    {
        string fifo = _dir.PathOf("fifo.key");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await mkfifo.WaitForExitAsync(timeout.Token);
        }

        foreach (var path in new[] { fifo, "/dev/zero" })
        {
            var (code, _, stderr) = await InstantProcess.RunAsync(TimeSpan.FromSeconds(60),
                "-h", "127.0.0.1", "0", "-o", "instant.cookies.keyfile=" + path, "-o", "instant.cookies.keyfile.create=yes");
            Assert.Equal(2, code);
            var first = stderr.Split('\n')[0];
            Assert.Equal($"instant: instant.cookies.keyfile: cookie key file {path} is not a regular file", first);
        }
    }

    [Fact]
    public async Task An_existing_key_file_is_used_without_create_and_found_through_the_environment()
    {
        string keyFile = _dir.PathOf("given.key");
        await File.WriteAllBytesAsync(keyFile, System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        string Environment(string name) => name == "INSTANT_COOKIES_KEYFILE" ? keyFile : null!;
        var options = CommandLine.Parse(["-h", "127.0.0.1", "0", "-o", "instant.cookies.insecure=yes", "--http-log", _dir.PathOf("h.log"), "--debug-log", _dir.PathOf("d.log")]);

        string cookie;
        string uuid;
        await using (var first = await InstantServer.StartAsync(options, Environment))
        {
            await using var client = await TestSocket.ConnectLeanAsync(new UriBuilder(first.BaseUri) { Scheme = "ws", Path = "/api/ws" }.Uri, null, null);
            await client.IdentityAsync();
            (cookie, uuid) = (client.CookieHeader!, client.Uuid);
        }

        await using (var second = await InstantServer.StartAsync(options, Environment))
        {
            await using var client = await TestSocket.ConnectLeanAsync(new UriBuilder(second.BaseUri) { Scheme = "ws", Path = "/api/ws" }.Uri, cookie, null);
            await client.IdentityAsync();
            Assert.Equal(uuid, client.Uuid);
        }
    }

    [Fact]
    public async Task Without_a_key_file_identities_end_with_the_process()
    {
        string cookie;
        string uuid;
        await using (var first = await InstantTestServer.StartAsync())
        {
            await using var client = await first.JoinAsync("keys");
            (cookie, uuid) = (client.CookieHeader!, client.Uuid);
        }

        await using var second = await InstantTestServer.StartAsync();
        await using var again = await second.JoinAsync("keys", ClientPath.Lean, cookie);
        Assert.NotEqual(uuid, again.Uuid);
    }

    [Fact]
    public async Task A_missing_key_file_without_create_is_a_clear_startup_error()
    {
        string keyFile = _dir.PathOf("absent.key");
        var error = await Assert.ThrowsAsync<CommandLineException>(() => InstantTestServer.StartAsync("-o", "instant.cookies.keyfile=" + keyFile));
        Assert.Contains(keyFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("instant.cookies.keyfile.create", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(keyFile));
    }

    [Fact]
    public async Task An_empty_key_file_without_create_is_a_clear_startup_error_and_with_create_is_replaced()
    {
        string keyFile = _dir.Write("empty.key", string.Empty);
        var error = await Assert.ThrowsAsync<CommandLineException>(() => InstantTestServer.StartAsync("-o", "instant.cookies.keyfile=" + keyFile));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);

        await using var server = await InstantTestServer.StartAsync("-o", "instant.cookies.keyfile=" + keyFile, "-o", "instant.cookies.keyfile.create=on");
        Assert.Equal(64, new FileInfo(keyFile).Length);
    }
}
