using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Instant.Run.Tests;

/// <summary>
/// bg-restart of a real <c>instant</c> server (its <c>--startup-cmd</c> runs our notify command
/// before it binds) while a client keeps making HTTP requests; refused and failed requests are
/// counted and reported.
/// </summary>
public class InstantBgRestartSpecs(ITestOutputHelper output)
{
    private sealed class Counts
    {
        public int Ok, Refused, Failed;
        public DateTime FirstRefused, LastRefused;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One request; true when a complete HTTP status line came back.</summary>
    private static async Task<bool?> RequestAsync(int port, CancellationToken cancellation)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellation);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return null;
        }
        try
        {
            await client.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), cancellation);
            var buffer = new byte[64];
            var read = await client.ReceiveAsync(buffer, cancellation);
            return read >= 12 && Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 ");
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Bg_restart_replaces_the_server_while_a_client_keeps_connecting()
    {
        var server = Path.GetFullPath(typeof(InstantBgRestartSpecs).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "InstantServer").Value!);
        Assert.True(File.Exists(server), $"the instant server is built before the tests: {server}");
        var port = FreePort();
        await using var sandbox = new RunSandbox($"""
            [proc/instant]
            name=instant
            cmdline={server} --host 127.0.0.1 --http-log log/http.log {port}
            stdout=>>log/instant.log
            stderr=stdout
            startup-notify=--startup-cmd
            """);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        var start = await sandbox.RunAsync("--master", "spawn", "start");
        Assert.Equal(0, start.ExitCode);
        var oldPid = sandbox.PidIn("run/instant.pid")!.Value;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await RequestAsync(port, limit.Token) != true)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first server never answered: " + sandbox.Read("log/instant.log"));
            await Task.Delay(50, limit.Token);
        }

        var counts = new Counts();
        using var stopClient = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
        var clientLoop = Task.Run(async () =>
        {
            while (!stopClient.IsCancellationRequested)
            {
                switch (await RequestAsync(port, limit.Token))
                {
                    case true: counts.Ok++; break;
                    case null:
                        if (counts.Refused++ == 0) counts.FirstRefused = DateTime.UtcNow;
                        counts.LastRefused = DateTime.UtcNow;
                        break;
                    default: counts.Failed++; break;
                }
            }
        }, limit.Token);

        await RunSandbox.AwaitAsync(() => counts.Ok >= 20, TimeSpan.FromSeconds(30), "requests before the restart");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await sandbox.RunAsync("bg-restart");
        var restartTook = clock.Elapsed;
        var newPid = sandbox.PidIn("run/instant.pid")!.Value;
        var okAtSwap = counts.Ok;
        await RunSandbox.AwaitAsync(() => counts.Ok >= okAtSwap + 20, TimeSpan.FromSeconds(30), "requests after the restart");
        stopClient.Cancel();
        await clientLoop;

        output.WriteLine(result.Output);
        output.WriteLine($"requests during bg-restart: ok={counts.Ok} refused={counts.Refused} failed={counts.Failed}");
        output.WriteLine($"bg-restart took {restartTook.TotalMilliseconds:F0} ms; refusals spanned {(counts.LastRefused - counts.FirstRefused).TotalMilliseconds:F0} ms");
        Assert.Equal([$"instant (warmup): OK {newPid}", $"instant (stop): OK -15", $"instant (start): OK {newPid}"],
            result.Lines.Select(l => l.Replace("(stop): OK 0", "(stop): OK -15")));
        Assert.NotEqual(oldPid, newPid);
        Assert.False(RunSandbox.Alive(oldPid));
        // The target is no refused connection at all. Not reached yet: between the old server
        // closing its listener and the new one binding lie the old one's shutdown and the new
        // one's host start after --startup-cmd returns (about 0.5 s on the 2-core CI class; see
        // docs/RUN.md). This bound catches a swap that hangs or falls back to a cold start.
        Assert.True(counts.Refused == 0 || counts.LastRefused - counts.FirstRefused < TimeSpan.FromSeconds(3),
            $"refusals spanned {(counts.LastRefused - counts.FirstRefused).TotalMilliseconds:F0} ms");
    }
}
