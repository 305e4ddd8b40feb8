using System.Net;
using System.Net.Sockets;
using Instant.Web.Cli;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Cli;

/// <summary>The built <c>instant</c> executable as a child process: help, version, errors, startup command.</summary>
public sealed class ExecutableSpecs
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("--help")]
    [InlineData("-?")]
    public async Task Help_exits_0_and_lists_every_option(string flag)
    {
        var (code, stdout, _) = await InstantProcess.RunAsync(ExitTimeout, flag);
        Assert.Equal(0, code);
        Assert.Equal(CommandLine.Usage.Trim(), stdout.Trim());
        foreach (var option in new[] { "--host", "--webroot", "--tls", "--http-log", "--debug-log", "--log-level", "--plugin-path", "--plugins", "--startup-cmd", "--option", "--config", "--version", "--help" })
        {
            Assert.Contains(option, stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-V")]
    public async Task Version_exits_0_and_prints_the_version(string flag)
    {
        var (code, stdout, _) = await InstantProcess.RunAsync(ExitTimeout, flag);
        Assert.Equal(0, code);
        Assert.StartsWith("instant (Instant.Actors) " + InstantServer.Version, stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown option '--bogus'", "--bogus")]
    [InlineData("invalid port 'abc'", "abc")]
    [InlineData("needs a value", "--host")]
    [InlineData("unknown log level", "-L", "LOUD")]
    [InlineData("--webroot /nonexistent/webroot: no such directory", "-r", "/nonexistent/webroot", "0")]
    public async Task Bad_command_lines_exit_2_with_a_clear_message(string message, params string[] args)
    {
        var (code, stdout, stderr) = await InstantProcess.RunAsync(ExitTimeout, args);
        Assert.Equal(2, code);
        Assert.Contains("instant: ", stderr, StringComparison.Ordinal);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Contains("--help", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout.Trim());
    }

    [Theory]
    [InlineData("instant.cluster.port is required", "-o", "instant.cluster.seeds=127.0.0.1:4051")]
    [InlineData("'nonsense' is not HOST:PORT", "-o", "instant.cluster.seeds=nonsense", "-o", "instant.cluster.port=4051")]
    [InlineData("instant.cluster.port: 'x' is not a port number", "-o", "instant.cluster.seeds=127.0.0.1:4051", "-o", "instant.cluster.port=x")]
    [InlineData("instant.scribe.journal: 'mysql://db/x' is not a journal",
        "-o", "instant.cluster.seeds=127.0.0.1:4051", "-o", "instant.cluster.port=4051", "-o", "instant.scribe.rooms=welcome", "-o", "instant.scribe.journal=mysql://db/x")]
    public async Task Bad_cluster_settings_exit_2_with_one_clear_line(string message, params string[] settings)
    {
        var (code, _, stderr) = await InstantProcess.RunAsync(ExitTimeout, ["-h", "127.0.0.1", "0", .. settings]);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Naming_a_plugin_that_is_not_there_exits_2_with_a_clear_error()
    {
        var (code, _, stderr) = await InstantProcess.RunAsync(ExitTimeout, "-h", "127.0.0.1", "0", "--plugins", "foo");
        Assert.Equal(2, code);
        Assert.Equal("instant: plugin foo: not found on the plugin path", stderr.Trim());
    }

    [Fact]
    public async Task A_missing_key_file_without_create_exits_non_zero_with_a_clear_error()
    {
        using var dir = new TempDirectory();
        string keyFile = dir.PathOf("missing.key");
        var (code, _, stderr) = await InstantProcess.RunAsync(ExitTimeout, "-h", "127.0.0.1", "0", "-o", "instant.cookies.keyfile=" + keyFile);
        Assert.NotEqual(0, code);
        Assert.Contains("missing.key", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(keyFile));
    }

    [Fact]
    public async Task A_port_in_use_exits_non_zero_with_a_clear_message()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        int port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var (code, _, stderr) = await InstantProcess.RunAsync(ExitTimeout, "-h", "127.0.0.1", port.ToString(), "--debug-log", "-", "--http-log", "-");
        Assert.NotEqual(0, code);
        Assert.Contains("instant: cannot listen", stderr, StringComparison.Ordinal);
        Assert.Contains("address already in use", stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(port.ToString(), stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("SEVERE", stderr, StringComparison.Ordinal); // no stack trace below the clear line
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_startup_command_runs_split_on_spaces_and_finishes_before_the_port_is_bound()
    {
        if (!File.Exists("/bin/bash"))
        {
            return; // the probe script needs bash's /dev/tcp
        }

        using var dir = new TempDirectory();
        string marker = dir.PathOf("marker");
        // The script reports its argument count, then, after a moment of work, whether the port is bound yet.
        string script = dir.Write("probe.sh", """
            echo "args=$#" > "$2.tmp"
            sleep 1
            if (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null; then echo bound >> "$2.tmp"; else echo free >> "$2.tmp"; fi
            mv "$2.tmp" "$2"
            """);
        int port = FreePort();
        using var server = InstantProcess.Start(
            "-h", "127.0.0.1", port.ToString(), "--http-log", dir.PathOf("http.log"), "--debug-log", dir.PathOf("debug.log"),
            "--startup-cmd", $"/bin/bash {script}   {port} {marker}  third");

        // Once the server answers, the startup command has long finished.
        using var http = new HttpClient();
        await Eventually.SucceedsAsync(async ct =>
        {
            Assert.False(server.HasExited, "instant exited: " + server.StandardError);
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/static/site.js", ct);
            response.EnsureSuccessStatusCode();
        }, TimeSpan.FromSeconds(60));
        Assert.True(File.Exists(marker), "the startup command did not finish before the server listened");
        Assert.Equal(["args=3", "free"], File.ReadAllLines(marker));
    }

    [Fact]
    public async Task By_default_both_logs_go_to_standard_error()
    {
        int port = FreePort();
        using var server = InstantProcess.Start("-h", "127.0.0.1", port.ToString());
        using var http = new HttpClient();
        await Eventually.SucceedsAsync(async ct =>
        {
            Assert.False(server.HasExited, "instant exited: " + server.StandardError);
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/static/version.js?probe", ct);
            response.EnsureSuccessStatusCode();
        }, TimeSpan.FromSeconds(60));
        await Eventually.SucceedsAsync(_ =>
        {
            Assert.Contains("\"GET /static/version.js?probe HTTP/1.1\" 200", server.StandardError, StringComparison.Ordinal);
            Assert.Contains($"Serving era ", server.StandardError, StringComparison.Ordinal);
            return Task.CompletedTask;
        });
        Assert.Empty(server.StandardOutput.Trim());
    }

    [Fact]
    public async Task A_startup_command_that_cannot_run_is_reported_and_the_server_starts_anyway()
    {
        using var dir = new TempDirectory();
        await using var server = await InstantTestServer.StartAsync("--startup-cmd", dir.PathOf("no-such-program") + " arg");
        Assert.Contains("no-such-program", server.ReadDebugLog(), StringComparison.Ordinal);
        await using var client = await server.ApiAsync();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
