using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Protocol;

/// <summary>Edges of the transport: how upgrades arrive, large frames, shutdown, room lifetime, crowds.</summary>
public sealed class TransportEdgeSpecs
{
    [Fact]
    public async Task An_upgrade_request_arriving_byte_by_byte_still_connects()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var watcher = await server.JoinAsync("pieces");
        using var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var head = Encoding.ASCII.GetBytes(
            $"GET /room/pieces/ws?from=test HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        using var timeout = new CancellationTokenSource(TestSocket.DefaultTimeout);
        foreach (byte b in head)
        {
            await stream.WriteAsync(new[] { b }, timeout.Token);
            await stream.FlushAsync(timeout.Token);
        }

        var response = await RawHttp.ReadHeadAsync(stream, timeout.Token);
        Assert.Equal(101, response.Status);
        Assert.NotNull(response.Header("Set-Cookie"));
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var buffer = new byte[4096];
        var first = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Contains("\"identity\"", Encoding.UTF8.GetString(buffer, 0, first.Count), StringComparison.Ordinal);
        await watcher.NextAsync("joined");
    }

    [Fact]
    public async Task Frames_sent_together_with_the_upgrade_request_are_not_lost()
    {
        await using var server = await InstantTestServer.StartAsync();
        using var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        byte[] all =
        [
            .. Encoding.ASCII.GetBytes($"GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"),
            .. RawWebSocket.BuildFrame(0x1, """{"type":"ping","seq":"early"}"""u8),
            .. RawWebSocket.BuildFrame(0x1, """{"type":"ping","seq":"late"}"""u8),
        ];
        using var timeout = new CancellationTokenSource(TestSocket.DefaultTimeout);
        await stream.WriteAsync(all, timeout.Token);
        Assert.Equal(101, (await RawHttp.ReadHeadAsync(stream, timeout.Token)).Status);
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var texts = new List<string>();
        var buffer = new byte[4096];
        while (texts.Count < 3)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            texts.Add(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        Assert.Contains("\"identity\"", texts[0], StringComparison.Ordinal);
        Assert.Contains("\"seq\":\"early\"", texts[1], StringComparison.Ordinal);
        Assert.Contains("\"seq\":\"late\"", texts[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upgrade_with_a_head_larger_than_the_lean_path_reads_still_connects()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await TestSocket.ConnectLeanAsync(server.WebSocketUri("/room/big/ws"), null,
            o => o.SetRequestHeader("X-Padding", new string('p', 12_000)));
        await client.IdentityAsync();
        await client.NextAsync("joined");
        await client.PingAsync();
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Large_payloads_are_relayed_intact(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var sender = await server.JoinAsync("large", via);
        await using var receiver = await server.JoinAsync("large", via == ClientPath.Lean ? ClientPath.Pipeline : ClientPath.Lean);
        var random = new Random(42);
        string text = new string(Enumerable.Range(0, 300_000).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray());
        await sender.SendAsync("{\"type\":\"broadcast\",\"seq\":1,\"data\":{\"text\":\"" + text + "\"}}");
        var relayed = await receiver.NextAsync("broadcast");
        Assert.Equal(text, relayed.Data.GetProperty("text").GetString());
        var echo = await sender.NextAsync("broadcast");
        Assert.Equal(relayed.Raw, echo.Raw);
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Shutting_the_server_down_closes_every_websocket_with_1001(ClientPath via)
    {
        var server = await InstantTestServer.StartAsync();
        TestSocket? client = null;
        try
        {
            client = await server.JoinAsync("bye", via);
            var closed = client.ExpectClosedAsync();
            await server.DisposeAsync();
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await closed);
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }

            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_idle_room_stops_and_comes_back_fresh_when_joined_again()
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.rooms.idleTimeout=1", "-L", "FINE");
        await using (var first = await server.JoinAsync("idle"))
        {
            await first.CloseAsync();
        }

        await Eventually.SucceedsAsync(_ =>
        {
            Assert.Contains("passivat", server.ReadDebugLog(), StringComparison.OrdinalIgnoreCase);
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(60));
        await using var again = await server.JoinAsync("idle");
        await using var other = await server.JoinAsync("idle");
        await again.SendAsync("""{"type":"who","seq":1}""");
        var who = await again.NextAsync("who");
        Assert.Equal(new[] { again.ParticipantId, other.ParticipantId }.Order(), who.Data.EnumerateObject().Select(p => p.Name).Order());
        await other.SendAsync("""{"type":"broadcast","seq":1,"data":"back"}""");
        Assert.Equal(other.ParticipantId, (await again.NextAsync("broadcast")).From);
    }

    [Fact]
    public async Task Many_clients_joining_at_once_all_end_up_seeing_each_other()
    {
        await using var server = await InstantTestServer.StartAsync();
        const int count = 40;
        var clients = await Task.WhenAll(Enumerable.Range(0, count).Select(i => server.JoinAsync("crowd", i % 2 == 0 ? ClientPath.Lean : ClientPath.Pipeline)));
        try
        {
            var ids = clients.Select(c => c.ParticipantId).ToHashSet();
            Assert.Equal(count, ids.Count);
            foreach (var client in clients)
            {
                await client.SendAsync("""{"type":"who","seq":"all"}""");
                var who = await client.NextAsync("who");
                Assert.Equal(ids.Order(), who.Data.EnumerateObject().Select(p => p.Name).Order());
            }

            // And a broadcast from the newest reaches every one of them.
            var last = clients.MaxBy(c => Convert.ToInt64(c.ParticipantId, 16))!;
            await last.SendAsync("""{"type":"broadcast","seq":1,"data":"last"}""");
            foreach (var client in clients)
            {
                var relayed = await client.NextAsync(f => f.Type == "broadcast");
                Assert.Equal(last.ParticipantId, relayed.From);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
