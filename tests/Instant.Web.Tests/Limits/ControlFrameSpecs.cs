using System.Buffers.Binary;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Limits;

/// <summary>WebSocket control frames from hostile clients: ping floods, close codes.</summary>
public sealed class ControlFrameSpecs
{
    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task A_client_that_pings_and_never_reads_has_only_its_latest_pong_kept(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.ws.rateLimit=0");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var raw = await RawWebSocket.ConnectAsync(server.Port, "/api/ws", receiveBuffer: 4096, cancellation: deadline.Token, via: via);

        // 200,000 pings of 125 bytes (26 MB) while reading nothing: far more pongs than the
        // kernel's buffers (a few MB) can hold, so without coalescing most would wait in the server.
        const int pings = 200_000;
        const int perWrite = 1000;
        var payload = new byte[125];
        for (int sent = 0; sent < pings; sent += perWrite)
        {
            var batch = new List<byte>(perWrite * 131);
            for (int i = sent; i < sent + perWrite; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(payload, i);
                batch.AddRange(RawWebSocket.BuildFrame(0x9, payload));
            }

            await raw.SendRawAsync(batch.ToArray(), deadline.Token);
        }

        // Now read: the pong of the last ping must come, after far fewer pongs than pings.
        int pongs = 0;
        int last = -1;
        while (last != pings - 1)
        {
            var frame = await raw.ReadFrameAsync(deadline.Token);
            Assert.True(frame is not null, $"the connection ended after {pongs} pongs");
            if (frame.Value.Opcode == 0xA)
            {
                pongs++;
                int n = BinaryPrimitives.ReadInt32BigEndian(frame.Value.Payload);
                Assert.True(n > last, $"pong {n} after pong {last}");
                last = n;
            }
        }

        Assert.True(pongs < pings / 2, $"{pongs} pongs for {pings} pings: the pongs were queued, not coalesced");
        await raw.SendTextAsync("""{"type":"ping","seq":"after"}""", deadline.Token);
        while (true)
        {
            var frame = await raw.ReadFrameAsync(deadline.Token);
            Assert.NotNull(frame);
            if (frame.Value.Opcode == 0x1 && System.Text.Encoding.UTF8.GetString(frame.Value.Payload).Contains("\"pong\"", StringComparison.Ordinal))
            {
                break;
            }
        }
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Pings_count_against_the_rate_limit_and_a_ping_flood_is_closed_with_1008(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.ws.rateLimit=10", "-o", "instant.ws.rateBurst=20");
        await using var watcher = await server.JoinAsync("pings");
        using var raw = await RawWebSocket.ConnectAsync(server.Port, "/room/pings/ws", via: via);
        string flooder = (await watcher.NextAsync("joined")).Data.GetProperty("id").GetString()!;

        var flood = new List<byte>();
        for (int i = 0; i < 200; i++)
        {
            flood.AddRange(RawWebSocket.BuildFrame(0x9, "x"u8));
        }

        await raw.SendRawAsync(flood.ToArray());
        var (code, _) = await raw.ReadUntilCloseAsync();
        Assert.Equal((ushort)1008, code);
        Assert.Equal(flooder, (await watcher.NextAsync("left")).Data.GetProperty("id").GetString());
        await watcher.PingAsync();
    }
}
