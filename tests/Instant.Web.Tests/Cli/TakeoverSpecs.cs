using System.Net;
using System.Net.Sockets;
using System.Text;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Cli;

/// <summary>
/// A server started with <c>--startup-cmd</c> on a port another server holds (a fast restart)
/// takes the port over without a moment in which connecting is refused (Listening/ListenSockets).
/// </summary>
public class TakeoverSpecs
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private const string Request = "GET /static/site.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

    // Reports that it runs, then holds the new server back until the test releases it.
    private const string HoldScript = """
        touch "$1/started"
        while [ ! -e "$1/release" ]; do sleep 0.05; done
        """;

    [Fact]
    public async Task A_successor_shares_the_port_and_answers_every_connection_made_while_it_waits()
    {
        using var dir = new TempDirectory();
        var script = dir.Write("hold.sh", HoldScript);
        await using var predecessor = await InstantTestServer.StartAsync(); // disposed again below: it stops mid-test
        int port = predecessor.Port;
        using var successor = InstantProcess.Start("-h", "127.0.0.1", port.ToString(), "--http-log", dir.PathOf("http.log"),
            "--debug-log", dir.PathOf("debug.log"), "--startup-cmd", $"/bin/sh {script} {dir.Path}");
        using var limit = new CancellationTokenSource(Limit);
        await AwaitFileAsync(dir.PathOf("started"), successor, limit.Token);
        Assert.Contains($"Sharing 127.0.0.1:{port}", File.ReadAllText(dir.PathOf("debug.log")), StringComparison.Ordinal);

        // New connections go to the successor's backlog: the predecessor, still up, does not answer them.
        using var whileBoth = await SendAsync(port, limit.Token);
        Assert.False(await AnswersWithinAsync(whileBoth, TimeSpan.FromMilliseconds(500)), "the predecessor answered a new connection");

        await predecessor.DisposeAsync();
        using var whileNone = await SendAsync(port, limit.Token); // refused, if nobody held the port now
        File.WriteAllText(dir.PathOf("release"), "");

        Assert.StartsWith("HTTP/1.1 200", await ReadStatusAsync(whileBoth, limit.Token), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", await ReadStatusAsync(whileNone, limit.Token), StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(dir.PathOf("http.log")).Count(l => l.Contains("GET /static/site.js", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_successor_of_a_server_that_does_not_share_its_port_binds_after_the_command()
    {
        using var dir = new TempDirectory();
        var script = dir.Write("hold.sh", HoldScript);
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        int port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        using var successor = InstantProcess.Start("-h", "127.0.0.1", port.ToString(), "--http-log", dir.PathOf("http.log"),
            "--debug-log", dir.PathOf("debug.log"), "--startup-cmd", $"/bin/sh {script} {dir.Path}");
        using var limit = new CancellationTokenSource(Limit);
        await AwaitFileAsync(dir.PathOf("started"), successor, limit.Token);
        Assert.Contains("does not share it", File.ReadAllText(dir.PathOf("debug.log")), StringComparison.Ordinal);

        occupant.Stop();
        File.WriteAllText(dir.PathOf("release"), "");
        await Eventually.SucceedsAsync(async ct =>
        {
            Assert.False(successor.HasExited, "instant exited: " + successor.StandardError);
            var response = await RawHttp.GetAsync(port, "/static/site.js", ct);
            Assert.Equal(200, response.Status);
        }, Limit);
    }

    [Fact]
    public async Task A_second_server_without_a_startup_command_does_not_share_the_port()
    {
        await using var first = await InstantTestServer.StartAsync();
        var (code, _, stderr) = await InstantProcess.RunAsync(Limit, "-h", "127.0.0.1", first.Port.ToString(), "--debug-log", "-", "--http-log", "-");
        Assert.NotEqual(0, code);
        Assert.Contains("address already in use", stderr, StringComparison.OrdinalIgnoreCase);
        await using var client = await first.ApiAsync();
    }

    private static async Task AwaitFileAsync(string path, InstantProcess process, CancellationToken cancellation)
    {
        while (!File.Exists(path))
        {
            Assert.False(process.HasExited, "instant exited: " + process.StandardError);
            await Task.Delay(20, cancellation);
        }
    }

    private static async Task<Socket> SendAsync(int port, CancellationToken cancellation)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellation);
        await socket.SendAsync(Encoding.ASCII.GetBytes(Request), cancellation);
        return socket;
    }

    private static async Task<bool> AnswersWithinAsync(Socket socket, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await socket.ReceiveAsync(new byte[1], SocketFlags.Peek, timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<string> ReadStatusAsync(Socket socket, CancellationToken cancellation)
    {
        var buffer = new byte[64];
        int read = 0;
        while (read < 12)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), cancellation);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
