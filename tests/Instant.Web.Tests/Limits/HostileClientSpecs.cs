using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Instant.Web.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Instant.Web.Tests.Limits;

/// <summary>Hostile clients run alone: they load the machine, and the latencies they assert must not be other tests' load.</summary>
[CollectionDefinition(nameof(HostileClients), DisableParallelization = true)]
public sealed class HostileClients;

/// <summary>
/// Each attack against a real <c>instant</c> process of its own: while it runs, two
/// well-behaved participants keep posting and their latency is measured; after it, the
/// server is still up and serving, the embedded Scribe of their room still answers, and its
/// resident set comes back to within
/// <see cref="ResidentGrowthBoundMb"/> of what it was before. bench/server/hostile.py runs the
/// same attacks at full size and reports the figures.
/// </summary>
[Collection(nameof(HostileClients))]
public sealed class HostileClientSpecs(ITestOutputHelper output)
{
    /// <summary>What the server may keep after an attack, over its resident set before it.</summary>
    private const long ResidentGrowthBoundMb = 100;

    /// <summary>How long the resident set may take to come back after an attack.</summary>
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The others' 99th-percentile latency during an attack, each post timed from when it was
    /// due. 100 ms holds on a quiet machine; a test run shares two cores with other test
    /// processes, so the bound is 2 s. A stalled room still fails it: three bursts of `who` into
    /// a room of 800 gave a p99 of 6.0 s before `who` was bounded and 0.7 s after, on this
    /// machine with a load average of 50. INSTANT_HOSTILE_P99_MS sets another bound.
    /// </summary>
    private static readonly double P99BoundMs =
        double.TryParse(Environment.GetEnvironmentVariable("INSTANT_HOSTILE_P99_MS"), System.Globalization.CultureInfo.InvariantCulture, out double ms) ? ms : 2000;

    private static readonly TimeSpan AttackLimit = TimeSpan.FromSeconds(120);

    /// <summary>The others' latency is measured for at least this long, however soon an attack is over.</summary>
    private static readonly TimeSpan MeasuredAtLeast = TimeSpan.FromSeconds(5);

    [Fact]
    public Task A_ping_flood_from_a_client_that_never_reads_is_closed_and_costs_nothing_lasting()
        => UnderAttackAsync([], "calm", async (server, cancellation) =>
        {
            var flooder = await RawWebSocket.ConnectAsync(server.Port, "/api/ws", receiveBuffer: 4096, cancellation: cancellation);
            var ping = RawWebSocket.BuildFrame(0x9, new byte[125]);
            var batch = Enumerable.Repeat(ping, 512).SelectMany(f => f).ToArray();
            var end = DateTime.UtcNow.AddSeconds(8);
            bool closed = false;
            while (DateTime.UtcNow < end && !closed)
            {
                closed = !await TrySendAsync(flooder, batch, cancellation);
            }

            Assert.True(closed, "the server still took pings after 8 s of a flood that never reads a pong");
            return [flooder];
        });

    [Fact]
    public Task Idle_TCP_connections_past_the_cap_are_shed_and_the_server_serves_again_once_they_go()
        => UnderAttackAsync(["-o", "instant.server.maxConnections=300"], "calm", async (server, cancellation) =>
        {
            var idle = new List<IDisposable>();
            for (int i = 0; i < 800; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                idle.Add(socket);
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, server.Port, cancellation);
                }
                catch (SocketException)
                {
                    // refused or reset over the cap: what a full server may do
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(5), cancellation);
            return idle;
        });

    [Fact]
    public Task A_large_broadcast_to_two_hundred_readers_that_never_read_is_not_copied_per_reader()
        => UnderAttackAsync([], "calm", async (server, cancellation) =>
        {
            var readers = new List<IDisposable>();
            for (int i = 0; i < 200; i++)
            {
                readers.Add(await RawWebSocket.ConnectAsync(server.Port, "/room/big/ws", receiveBuffer: 4096, cancellation: cancellation));
            }

            var sender = await RawWebSocket.ConnectAsync(server.Port, "/room/big/ws", cancellation: cancellation);
            readers.Add(sender);
            string text = new('b', 3_900_000);
            await sender.SendTextAsync("{\"type\":\"broadcast\",\"seq\":1,\"data\":\"" + text + "\"}", cancellation);
            await Task.Delay(TimeSpan.FromSeconds(5), cancellation);
            return readers;
        });

    [Fact]
    public Task A_hundred_unfinished_4_MB_messages_are_held_within_the_input_budget()
        => UnderAttackAsync(["-o", "instant.ws.inputBudget=16777216"], "calm", async (server, cancellation) =>
        {
            var body = Encoding.ASCII.GetBytes("{\"type\":\"broadcast\",\"data\":\"" + new string('q', (4 * 1024 * 1024) - 32));
            var unfinished = RawWebSocket.BuildFrame(0x1, body, fin: false);
            var clients = new List<IDisposable>();
            for (int batch = 0; batch < 10; batch++)
            {
                var connected = new List<RawWebSocket>();
                for (int i = 0; i < 10; i++)
                {
                    connected.Add(await RawWebSocket.ConnectAsync(server.Port, "/api/ws", cancellation: cancellation));
                }

                clients.AddRange(connected);
                // Over the budget the server closes the connection (1013): the send may fail.
                await Task.WhenAll(connected.Select(c => TrySendAsync(c, unfinished, cancellation)));
            }

            await Task.Delay(TimeSpan.FromSeconds(3), cancellation);
            return clients;
        });

    [Fact]
    public async Task Ten_downloads_of_a_100_MB_webroot_file_are_streamed()
    {
        using var webroot = new TempDirectory();
        Directory.CreateDirectory(webroot.PathOf("static"));
        using (var file = File.Create(webroot.PathOf("static/big.bin")))
        {
            file.SetLength(100L * 1024 * 1024);
        }

        await UnderAttackAsync(["-r", webroot.Path], "calm", async (server, cancellation) =>
        {
            var downloads = Enumerable.Range(0, 10).Select(_ => DownloadAsync(server.Port, "/static/big.bin", cancellation));
            long[] sizes = await Task.WhenAll(downloads);
            Assert.All(sizes, size => Assert.True(size > 100L * 1024 * 1024, $"a download ended after {size} bytes"));
            return [];
        });
    }

    [Fact]
    public Task Bursts_of_who_into_a_room_of_800_do_not_stall_the_room()
        => UnderAttackAsync([], "crowd", async (server, cancellation) =>
        {
            var crowd = new List<IDisposable>();
            for (int i = 0; i < 800; i++)
            {
                crowd.Add(await RawWebSocket.ConnectAsync(server.Port, "/room/crowd/ws", cancellation: cancellation));
            }

            // Three askers, each with a burst of 10,000 `who` (the rate limit's burst, about 300 KB):
            // a room that answered each in full would encode its 50 KB list 30,000 times.
            var askers = new List<RawWebSocket>();
            for (int i = 0; i < 3; i++)
            {
                askers.Add(await RawWebSocket.ConnectAsync(server.Port, "/room/crowd/ws", cancellation: cancellation));
            }

            crowd.AddRange(askers);
            var answers = askers.Select(asker => Task.Run(() => CountWhoAnswersAsync(asker, cancellation), cancellation)).ToArray();
            var burst = Enumerable.Range(1, 10_000).SelectMany(i => RawWebSocket.BuildFrame(0x1, Encoding.ASCII.GetBytes($$"""{"type":"who","seq":{{i}}}"""))).ToArray();
            await Task.WhenAll(askers.Select(asker => TrySendAsync(asker, burst, cancellation)));
            await Task.Delay(TimeSpan.FromSeconds(6), cancellation);
            foreach (var asker in askers)
            {
                asker.Dispose();
            }

            output.WriteLine($"who answers the askers read: {string.Join(", ", await Task.WhenAll(answers))}");
            return crowd;
        });

    private async Task UnderAttackAsync(string[] options, string probeRoom, Func<ServerUnderAttack, CancellationToken, Task<IEnumerable<IDisposable>>> attack)
    {
        using var limit = new CancellationTokenSource(AttackLimit);
        using var scribeDirectory = new TempDirectory();
        using var server = await ServerUnderAttack.StartAsync(
            [.. options, "-o", $"instant.scribe.rooms={probeRoom}", "-o", $"instant.scribe.directory={scribeDirectory.Path}"]);
        await using var probe = await LatencyProbe.StartAsync(server.Port, probeRoom, 2, limit.Token);
        await Task.Delay(TimeSpan.FromSeconds(2), limit.Token); // warm-up: JIT, pools, the probe's room
        long before = server.ResidentMegabytes;
        probe.Reset();

        var measured = System.Diagnostics.Stopwatch.StartNew();
        var leftovers = await attack(server, limit.Token);
        if (measured.Elapsed < MeasuredAtLeast)
        {
            await Task.Delay(MeasuredAtLeast - measured.Elapsed, limit.Token);
        }

        await probe.StopAsync();
        double p99 = probe.Percentile99;
        int samples = probe.Samples;
        foreach (var leftover in leftovers)
        {
            leftover.Dispose();
        }

        long after = await server.ResidentMegabytesSettlingAtAsync(before + ResidentGrowthBoundMb, SettleLimit);
        output.WriteLine($"resident set before {before} MB, after {after} MB; others' p99 {p99:F0} ms over {samples} posts");

        Assert.False(server.HasExited, "the server exited: " + server.StandardError);
        await using (var newcomer = await TestSocket.ConnectLeanAsync(new Uri($"ws://127.0.0.1:{server.Port}/room/{probeRoom}/ws"), null, null, limit.Token))
        {
            await newcomer.IdentityAsync(limit.Token);
            // The room's embedded Scribe is still in it, and answers a client-level `who` with its nick.
            await newcomer.SendAsync("""{"type":"broadcast","data":{"type":"who"}}""", limit.Token);
            await newcomer.NextAsync(f => f.Type == "unicast" && f.Data.ValueKind == JsonValueKind.Object
                && f.Data.TryGetProperty("type", out var type) && type.ValueEquals("nick")
                && f.Data.TryGetProperty("nick", out var nick) && nick.ValueEquals("Scribe"), limit.Token);
        }

        Assert.True(after <= before + ResidentGrowthBoundMb, $"the resident set stayed at {after} MB after the attack, {before} MB before it");
        Assert.True(p99 <= P99BoundMs, $"the others' p99 latency was {p99:F0} ms over {samples} posts during the attack");
    }

    private static async Task<bool> TrySendAsync(RawWebSocket socket, byte[] bytes, CancellationToken cancellation)
    {
        try
        {
            await socket.SendRawAsync(bytes, cancellation);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<int> CountWhoAnswersAsync(RawWebSocket asker, CancellationToken cancellation)
    {
        int answers = 0;
        try
        {
            while (await asker.ReadFrameAsync(cancellation) is { } frame)
            {
                answers += frame.Opcode == 0x1 && frame.Payload.AsSpan().IndexOf("\"type\":\"who\""u8) >= 0 ? 1 : 0;
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // the attack is over: the socket was closed under the reader
        }

        return answers;
    }

    private static async Task<long> DownloadAsync(int port, string path, CancellationToken cancellation)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 65536 };
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellation);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), cancellation);
        var buffer = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = await socket.ReceiveAsync(buffer, cancellation)) > 0)
        {
            total += n;
        }

        return total;
    }
}
