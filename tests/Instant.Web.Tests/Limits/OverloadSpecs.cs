using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Limits;

/// <summary>Limits (SERVER.md): a bounded outbox per connection, a connection cap, a message rate limit.</summary>
public sealed class OverloadSpecs
{
    [Theory]
    [InlineData(ClientPath.Lean, "instant.ws.outboxBytes=65536")]
    [InlineData(ClientPath.Pipeline, "instant.ws.outboxBytes=65536")]
    [InlineData(ClientPath.Lean, "instant.ws.outboxFrames=8")]
    [InlineData(ClientPath.Pipeline, "instant.ws.outboxFrames=8")]
    public async Task A_stalled_reader_is_disconnected_the_room_sees_left_and_the_server_keeps_serving(ClientPath via, string limit)
    {
        await using var server = await InstantTestServer.StartAsync("-o", limit);
        await using var sender = await server.JoinAsync("stall");
        // A reader with a tiny TCP window that never reads a byte after the handshake.
        using var stalled = await RawWebSocket.ConnectAsync(server.Port, "/room/stall/ws", receiveBuffer: 4096, via: via);
        var joined = await sender.NextAsync("joined");
        string stalledId = joined.Data.GetProperty("id").GetString()!;
        Assert.NotEqual(sender.ParticipantId, stalledId);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        string payload = "\"" + new string('z', 32 * 1024) + "\"";
        bool left = false;
        int posts = 0;
        // 32 KB per post; kernel buffers hold a few MB, so the outbox overflows within a few hundred.
        while (!left)
        {
            Assert.True(posts < 3000, "the stalled reader was never disconnected");
            await sender.SendAsync("{\"type\":\"broadcast\",\"seq\":" + posts + ",\"data\":" + payload + "}", deadline.Token);
            posts++;
            while (true)
            {
                var frame = await sender.ReceiveAsync(deadline.Token);
                if (frame.Type == "left" && frame.Data.GetProperty("id").GetString() == stalledId)
                {
                    left = true;
                }

                if (frame.Type == "broadcast" && frame.From == sender.ParticipantId)
                {
                    break;
                }
            }
        }

        // The others are unharmed: the sender is served, a newcomer joins, who no longer lists the stalled reader.
        await sender.PingAsync(cancellation: deadline.Token);
        await using var newcomer = await server.JoinAsync("stall", cancellation: deadline.Token);
        await newcomer.SendAsync("""{"type":"who","seq":1}""", deadline.Token);
        var who = await newcomer.NextAsync("who", deadline.Token);
        var ids = who.Data.EnumerateObject().Select(p => p.Name).ToList();
        Assert.DoesNotContain(stalledId, ids);
        Assert.Contains(sender.ParticipantId, ids);
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task A_reader_that_falls_too_far_behind_reads_a_1008_close_frame_after_what_was_already_sent(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.ws.outboxBytes=65536");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var sender = await server.JoinAsync("slow", cancellation: deadline.Token);
        // Default socket buffers (a tiny receive window read late can stall loopback TCP for minutes).
        using var slow = await RawWebSocket.ConnectAsync(server.Port, "/room/slow/ws", cancellation: deadline.Token, via: via);
        string slowId = (await sender.NextAsync("joined", deadline.Token)).Data.GetProperty("id").GetString()!;

        string payload = "\"" + new string('s', 32 * 1024) + "\"";
        for (int posts = 0; ; posts++)
        {
            Assert.True(posts < 3000, "the slow reader was never disconnected");
            await sender.SendAsync("{\"type\":\"broadcast\",\"seq\":" + posts + ",\"data\":" + payload + "}", deadline.Token);
            var frame = await sender.NextAsync(f => (f.Type == "broadcast" && f.From == sender.ParticipantId)
                || (f.Type == "left" && f.Data.GetProperty("id").GetString() == slowId), deadline.Token);
            if (frame.Type == "left")
            {
                break;
            }
        }

        // The reader wakes up: it gets what had reached it, then a close frame saying why.
        var (code, texts) = await slow.ReadUntilCloseAsync(deadline.Token);
        Assert.Equal((ushort)1008, code);
        Assert.Contains(texts, t => t.Contains("\"broadcast\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task MaxConnections_refuses_the_next_upgrade_with_503_and_frees_a_slot_on_close(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.ws.maxConnections=2");
        await using var first = await server.JoinAsync("cap");
        await using var second = await server.ApiAsync(ClientPath.Pipeline);

        var refused = await Assert.ThrowsAnyAsync<WebSocketException>(() => ConnectAsync(server, via));
        if (via == ClientPath.Lean)
        {
            Assert.Contains("503", refused.Message + refused.InnerException?.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("503", refused.Message, StringComparison.Ordinal);
        }

        // A raw look at the refusal, and plain HTTP still works while full.
        var raw = await RawHttp.SendAsync(server.Port,
            $"GET /room/cap/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Convert.ToBase64String(new byte[16])}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        Assert.Equal(503, raw.Status);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(server.Http("/static/version.js"))).StatusCode);
        await first.PingAsync();

        await first.CloseAsync();
        await using var third = await Eventually.SucceedsAsync(_ => ConnectAsync(server, via));
        await third.IdentityAsync();
        await third.PingAsync();
        await Assert.ThrowsAnyAsync<WebSocketException>(() => ConnectAsync(server, via));
    }

    [Fact]
    public async Task Past_server_maxConnections_a_new_connection_is_closed_at_once_and_a_freed_slot_serves_again()
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.server.maxConnections=6");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // WebSockets count too, on both paths (an upgrade through the pipeline stays counted).
        await using var member = await server.JoinAsync("full", cancellation: deadline.Token);
        await using var upgraded = await server.JoinAsync("full", ClientPath.Pipeline, cancellation: deadline.Token);
        var idle = new List<TcpClient>();
        try
        {
            // Connections that never send a request: each holds a descriptor until a timeout.
            for (int i = 0; i < 4; i++)
            {
                var tcp = new TcpClient(AddressFamily.InterNetwork);
                await tcp.ConnectAsync(IPAddress.Loopback, server.Port, deadline.Token);
                idle.Add(tcp);
            }

            // The next one is accepted by the kernel and closed by the server before any answer.
            await Eventually.SucceedsAsync(async ct =>
            {
                using var extra = new TcpClient(AddressFamily.InterNetwork);
                await extra.ConnectAsync(IPAddress.Loopback, server.Port, ct);
                var stream = extra.GetStream();
                await stream.WriteAsync("GET /static/version.js HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), ct);
                var buffer = new byte[64];
                int read;
                try
                {
                    read = await stream.ReadAsync(buffer, ct);
                }
                catch (IOException)
                {
                    read = 0; // reset: refused just the same
                }

                Assert.Equal(0, read);
            });
            await member.PingAsync(cancellation: deadline.Token);
            await upgraded.PingAsync(cancellation: deadline.Token);

            // Two leave: the server answers again.
            idle[0].Dispose();
            idle[1].Dispose();
            await Eventually.SucceedsAsync(async ct => Assert.Equal(200, (await RawHttp.GetAsync(server.Port, "/static/version.js", ct)).Status));
        }
        finally
        {
            foreach (var tcp in idle)
            {
                tcp.Dispose();
            }
        }
    }

    [Fact]
    public async Task Rate_limit_answers_RATE_LIMITED_and_the_connection_recovers()
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.ws.rateLimit=1", "-o", "instant.ws.rateBurst=3");
        await using var client = await server.JoinAsync("rate");
        await using var peer = await server.JoinAsync("rate");
        const int burst = 20;
        for (int i = 0; i < burst; i++)
        {
            await client.SendAsync("{\"type\":\"broadcast\",\"seq\":" + i + ",\"data\":" + i + "}");
        }

        var replies = new Dictionary<string, Frame>();
        while (replies.Count < burst)
        {
            var frame = await client.NextAsync(f => f.Type is "response" or "error");
            replies[frame.SeqText!] = frame;
        }

        var limited = replies.Values.Where(f => f.ErrorCode == "RATE_LIMITED").ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, f => Assert.False(string.IsNullOrEmpty(f.Data.GetProperty("message").GetString())));
        Assert.Contains(replies.Values, f => f.Type == "response");
        Assert.Equal(burst, replies.Count(r => r.Value.Type == "response") + limited.Count);
        // The peer got exactly the accepted broadcasts.
        int accepted = replies.Count(r => r.Value.Type == "response");
        for (int i = 0; i < accepted; i++)
        {
            await peer.NextAsync("broadcast");
        }

        // Tokens come back with time: a ping is answered again.
        await Eventually.SucceedsAsync(async ct =>
        {
            await client.SendAsync("""{"type":"ping","seq":"again"}""", ct);
            var reply = await client.NextAsync(f => f.SeqText == "\"again\"", ct);
            Assert.Equal("pong", reply.Type);
        }, TimeSpan.FromSeconds(60));
        Assert.Equal(WebSocketState.Open, client.State);
    }

    private static async Task<TestSocket> ConnectAsync(InstantTestServer server, ClientPath via)
        => await TestSocket.ConnectAsync(server, "/room/cap/ws", via);
}
