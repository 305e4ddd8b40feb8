using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Instant.Load.Tests;

/// <summary>The real executable as a child process: worker processes, reports, unreachable servers, signals.</summary>
public sealed class ProcessSpecs(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string Exe => Path.Combine(AppContext.BaseDirectory, "instant-load");

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>
    /// A run in the background whose stdout lines are watched: <see cref="WaitForLineAsync"/>
    /// returns once a line matches, then the test acts (kills a server, sends a signal).
    /// </summary>
    private sealed class Background : IDisposable
    {
        private readonly Process _p;
        private readonly StringBuilder _out = new(), _err = new();
        private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waits = new();

        public Background(params string[] args)
        {
            var psi = new ProcessStartInfo(Exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            _p = new Process { StartInfo = psi };
            _p.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null) return;
                lock (_waits)
                {
                    _out.AppendLine(e.Data);
                    foreach (var (match, seen) in _waits) if (match(e.Data)) seen.TrySetResult(e.Data);
                }
            };
            _p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_waits) _err.AppendLine(e.Data); };
            _p.Start();
            _p.BeginOutputReadLine();
            _p.BeginErrorReadLine();
        }

        public int Pid => _p.Id;
        public string Out { get { lock (_waits) return _out.ToString(); } }
        public string Err { get { lock (_waits) return _err.ToString(); } }

        public Task<string> WaitForLineAsync(Func<string, bool> match, CancellationToken ct)
        {
            var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waits)
            {
                foreach (var line in _out.ToString().Split('\n')) if (match(line.TrimEnd('\r'))) seen.TrySetResult(line);
                _waits.Add((match, seen));
            }
            return seen.Task.WaitAsync(ct);
        }

        public async Task<int> ExitAsync(CancellationToken ct)
        {
            await _p.WaitForExitAsync(ct);
            return _p.ExitCode;
        }

        public void Dispose()
        {
            if (!_p.HasExited) _p.Kill(entireProcessTree: true);
            _p.Dispose();
        }
    }

    /// <summary>The value of NAME=VALUE in a plain progress line, or -1.</summary>
    private static long Field(string line, string name)
    {
        foreach (var part in line.Split(' '))
            if (part.StartsWith(name + "=", StringComparison.Ordinal) && long.TryParse(part.AsSpan(name.Length + 1), out long v)) return v;
        return -1;
    }

    internal static async Task<(int Status, string Out, string Err)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        return (p.ExitCode, await stdout, await stderr);
    }

    internal static string TempDir() => Directory.CreateTempSubdirectory("instant-load-spec").FullName;

    [Fact]
    public async Task Two_worker_processes_over_two_source_addresses_add_up_to_one_result()
    {
        string dir = TempDir();
        try
        {
            var (status, stdout, stderr) = await RunAsync("chat", "--server", server.SocketBase.ToString(), "-c", "20", "--posts", "200",
                "--workers", "2", "--source-addresses", "2", "--room-prefix", "workers", "-o", dir, "--plain");
            Assert.True(status == 0, $"exit {status}: {stdout} {stderr}");
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "summary.json")));
            var r = doc.RootElement;
            Assert.Equal(2, r.GetProperty("workers").GetInt32());
            Assert.Equal(2, r.GetProperty("sourceAddresses").GetInt32());
            Assert.Equal(20, r.GetProperty("connected").GetInt64());
            Assert.Equal(200, r.GetProperty("postsSent").GetInt64());
            Assert.Equal(200 * 20, r.GetProperty("delivered").GetInt64());
            Assert.Equal(0, r.GetProperty("lost").GetInt64());
            Assert.Equal(200 * 20, r.GetProperty("deliveryMs").GetProperty("count").GetInt64());
            // The other outputs exist and hold data.
            Assert.True(File.ReadAllLines(Path.Combine(dir, "timeline.csv")).Length > 1);
            Assert.Contains("delivery,", await File.ReadAllTextAsync(Path.Combine(dir, "latency.csv")));
            Assert.Contains("<svg", await File.ReadAllTextAsync(Path.Combine(dir, "report.html")));
            // A run this short (well under 2 s) still gets every plot.
            foreach (var plot in new[] { "latency-percentiles.png", "throughput.png", "latency-over-time.png", "connections.png" })
                Assert.True(File.Exists(Path.Combine(dir, plot)), plot + " is missing: " + stdout);
            Assert.True(File.ReadAllLines(Path.Combine(dir, "nodes.csv")).Length > 1);
            foreach (var png in Directory.GetFiles(dir, "*.png").Select(Path.GetFileName))
            {
                var bytes = await File.ReadAllBytesAsync(Path.Combine(dir, png!));
                Assert.True(bytes.Length > 1000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G', png + " is a PNG");
            }
            Assert.Contains("deliveries/s", stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task An_unreachable_server_is_a_clear_error()
    {
        // A port that was free a moment ago and has no listener.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var (status, _, stderr) = await RunAsync("chat", "--server", $"ws://127.0.0.1:{port}", "-c", "2", "--posts", "1");
        Assert.Equal(3, status);
        Assert.Contains("cannot reach", stderr);
        Assert.Contains("ConnectionRefused", stderr);
    }

    [Fact]
    public async Task Help_version_and_errors_each_have_one_shape()
    {
        var (status, stdout, _) = await RunAsync("--help");
        Assert.Equal(0, status);
        Assert.Contains("join-storm", stdout);
        Assert.EndsWith(".\n", stdout);
        Assert.DoesNotContain("\n\n", stdout[^3..]);

        (status, stdout, _) = await RunAsync("--version");
        Assert.Equal(0, status);
        Assert.Matches(@"^instant-load \(Instant\.Actors\) \d+\.\d+\.\d+( \(\w+\))?\n$", stdout);

        (status, _, var stderr) = await RunAsync("chat", "--clients", "-5");
        Assert.Equal(2, status);
        Assert.Contains("--clients", stderr);
        OneShape(stderr);

        (status, _, stderr) = await RunAsync("chat", "--server", server.SocketBase.ToString(), "-c", "1", "--posts", "1", "-o", "/proc/instant-load-cannot-write-here");
        Assert.Equal(2, status);
        Assert.StartsWith("instant-load: cannot write the results to /proc/instant-load-cannot-write-here", stderr);
        OneShape(stderr);

        static void OneShape(string stderr)
        {
            Assert.NotEmpty(stderr);
            foreach (var line in stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Assert.StartsWith("instant-load: ", line);
        }
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task SIGTERM_stops_the_run_early_and_keeps_what_was_measured(string workers)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string dir = TempDir();
        try
        {
            using var run = new Background("chat", "--server", server.SocketBase.ToString(), "-c", "4", "--rate", "40", "-d", "30",
                "--workers", workers, "--room-prefix", "term" + workers, "-o", dir, "--plain");
            await run.WaitForLineAsync(l => Field(l, "delivered") > 0, limit.Token);
            var sent = Stopwatch.StartNew();
            Assert.Equal(0, Kill(run.Pid, SigTerm));
            int status = await run.ExitAsync(limit.Token);
            Assert.True(status == 3, $"exit {status}: {run.Out} {run.Err}");
            Assert.True(sent.Elapsed < TimeSpan.FromSeconds(20), $"took {sent.Elapsed} to stop");
            Assert.Contains("instant-load: run stopped early: interrupted", run.Err);
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "summary.json")));
            var r = doc.RootElement;
            Assert.Equal("interrupted", r.GetProperty("fatal").GetString());
            Assert.Equal(int.Parse(workers), r.GetProperty("workers").GetInt32());
            Assert.True(r.GetProperty("postsSent").GetInt64() > 0);
            Assert.True(r.GetProperty("delivered").GetInt64() > 0);
            Assert.True(r.GetProperty("wallSeconds").GetDouble() < 25);
            Assert.True(File.Exists(Path.Combine(dir, "report.html")));
            Assert.Contains("STOPPED", run.Out);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Worker_processes_reconnect_chat_clients_of_a_killed_node_to_the_other()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var servers = await TestServers.StartAsync(2, limit.Token);
        string dir = TempDir();
        try
        {
            // Two workers over two nodes: worker i mod 2 holds the clients of node i mod 2, so
            // killing node 1 takes every connection of worker 1, which must wait and come back.
            using var run = new Background("chat", "--server", string.Join(',', servers.Uris), "-c", "10", "--rate", "20", "-d", "60",
                "--workers", "2", "--reconnect", "--room-prefix", "rc", "-o", dir, "--plain");
            await run.WaitForLineAsync(l => Field(l, "open") == 10 && Field(l, "delivered") > 0, limit.Token);
            await servers.KillAsync(1);
            await run.WaitForLineAsync(l => Field(l, "reconnected") == 5 && Field(l, "open") == 10, limit.Token);
            Assert.Equal(0, Kill(run.Pid, SigTerm));
            int status = await run.ExitAsync(limit.Token);
            Assert.True(status == 3, $"exit {status}: {run.Out} {run.Err}");
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "summary.json")));
            var r = doc.RootElement;
            var nodes = r.GetProperty("nodes").EnumerateArray().ToList();
            Assert.Equal(servers.Uris.Select(u => u.ToString()), nodes.Select(n => n.GetProperty("url").GetString()));
            Assert.Equal([5L, 5L], nodes.Select(n => n.GetProperty("connected").GetInt64()));
            Assert.Equal([5L, 0L], nodes.Select(n => n.GetProperty("reconnects").GetInt64()));
            Assert.Equal([0L, 5L], nodes.Select(n => n.GetProperty("disconnects").GetInt64()));
            Assert.True(nodes[0].GetProperty("delivered").GetInt64() > 0);
            var rc = r.GetProperty("reconnect");
            Assert.Equal(5, rc.GetProperty("clientsLost").GetInt64());
            Assert.Equal(5, rc.GetProperty("clientsBack").GetInt64());
            Assert.Equal(5, rc.GetProperty("recoveryMs").GetProperty("count").GetInt64());
            Assert.Contains("reconnect", run.Out);
            Assert.Contains("5 reconnects accepted", run.Out);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
