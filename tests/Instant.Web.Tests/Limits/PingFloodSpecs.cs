using System.Buffers.Binary;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Limits;

/// <summary>A ping flood from a client that never reads. It runs with the hostile-client specs,
/// alone, because it moves megabytes each way and timed out beside other test classes.</summary>
[Collection(nameof(HostileClients))]
public sealed class PingFloodSpecs
{
    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task A_client_that_pings_and_never_reads_has_only_its_latest_pong_kept(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.ws.rateLimit=0");
        // 13 MB each way through the pipeline path can take minutes on a loaded 2-core machine.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        using var raw = await RawWebSocket.ConnectAsync(server.Port, "/api/ws", receiveBuffer: 4096, cancellation: deadline.Token, via: via);

        // 100,000 pings of 125 bytes (13 MB) while reading nothing. The kernel's buffers hold at
        // most 4 MB of pongs here (tcp_wmem's maximum, and a 4 KB receive buffer): about 32,000.
        // Without coalescing, the rest would wait in the server.
        const int pings = 100_000;
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
}
