using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Instant.Run.Tests;

/// <summary>
/// bg-restart of a real <c>instant</c> server (its <c>--startup-cmd</c> runs our notify command
/// before it accepts) while a client keeps making HTTP requests; refused and failed requests are
/// counted, reported, and must be none.
/// </summary>
public class InstantBgRestartSpecs(ITestOutputHelper output)
{
    private sealed class Counts
    {
        public int Ok, Refused, Failed;
        public readonly List<string> Failures = [];
    }

    /// <summary>
    /// One request, made with blocking calls on the client's own thread so that the test
    /// process's thread pool cannot stall it between connecting and sending. True when a status
    /// line came back, null when the connection was refused, false (with the reason added to
    /// <paramref name="failures"/>) for anything else.
    /// </summary>
    private static bool? Request(int port, List<string>? failures = null)
    {
        var started = DateTime.UtcNow;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            SendTimeout = 10_000,
            ReceiveTimeout = 10_000,
        };
        try
        {
            client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return null;
        }

        string outcome;
        try
        {
            client.Send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"u8);
            var buffer = new byte[64];
            var read = client.Receive(buffer);
            if (read >= 12 && Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 "))
            {
                return true;
            }

            outcome = $"{read} bytes";
        }
        catch (SocketException e)
        {
            outcome = e.SocketErrorCode.ToString();
        }

        failures?.Add($"request made {started:HH:mm:ss.fff}, failed {DateTime.UtcNow:HH:mm:ss.fff}: {outcome}");
        return false;
    }

    [Fact]
    public async Task Bg_restart_replaces_the_server_while_a_client_keeps_connecting()
    {
        var server = BuiltExecutables.Instant;
        var port = RunSandbox.FreePort();
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
        while (Request(port) != true)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first server never answered: " + sandbox.Read("log/instant.log"));
            await Task.Delay(50, limit.Token);
        }

        var counts = new Counts();
        var clientDone = new TaskCompletionSource();
        using var stopClient = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
        var clientLoop = new Thread(() =>
        {
            while (!stopClient.IsCancellationRequested)
            {
                switch (Request(port, counts.Failures))
                {
                    case true: counts.Ok++; break;
                    case null: counts.Refused++; break;
                    default: counts.Failed++; break;
                }
            }

            clientDone.SetResult();
        }) { IsBackground = true, Name = "bg-restart client" };
        clientLoop.Start();

        await RunSandbox.AwaitAsync(() => counts.Ok >= 20, TimeSpan.FromSeconds(30), "requests before the restart");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await sandbox.RunAsync("bg-restart");
        var restartTook = clock.Elapsed;
        var newPid = sandbox.PidIn("run/instant.pid")!.Value;
        var okAtSwap = counts.Ok;
        await RunSandbox.AwaitAsync(() => counts.Ok >= okAtSwap + 20, TimeSpan.FromSeconds(30), "requests after the restart");
        stopClient.Cancel();
        await clientDone.Task.WaitAsync(limit.Token);

        output.WriteLine(result.Output);
        output.WriteLine($"requests during bg-restart: ok={counts.Ok} refused={counts.Refused} failed={counts.Failed}");
        counts.Failures.ForEach(output.WriteLine);
        output.WriteLine($"bg-restart took {restartTook.TotalMilliseconds:F0} ms");
        Assert.Equal([$"instant (warmup): OK {newPid}", $"instant (stop): OK -15", $"instant (start): OK {newPid}"],
            result.Lines.Select(l => l.Replace("(stop): OK 0", "(stop): OK -15")));
        Assert.NotEqual(oldPid, newPid);
        Assert.False(RunSandbox.Alive(oldPid));
        // The new server shares the port before the old one lets go (ListenSockets), so not one
        // connection may be refused, and each gets its answer.
        Assert.Equal(0, counts.Refused);
        Assert.Equal(0, counts.Failed);
    }
}
