using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Instant.Load.Tests;

/// <summary>The real executable as a child process: worker processes, reports, unreachable servers.</summary>
public sealed class ProcessSpecs(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string Exe => Path.Combine(AppContext.BaseDirectory, "instant-load");

    private static async Task<(int Status, string Out, string Err)> RunAsync(params string[] args)
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

    private static string TempDir() => Directory.CreateTempSubdirectory("instant-load-spec").FullName;

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
            // Plots over time need at least two seconds of timeline; the percentile plot is always there.
            Assert.True(File.Exists(Path.Combine(dir, "latency-percentiles.png")));
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
    public async Task Help_and_bad_usage()
    {
        var (status, stdout, _) = await RunAsync("--help");
        Assert.Equal(0, status);
        Assert.Contains("join-storm", stdout);
        (status, _, var stderr) = await RunAsync("chat", "--clients", "-5");
        Assert.Equal(2, status);
        Assert.Contains("--clients", stderr);
    }
}
