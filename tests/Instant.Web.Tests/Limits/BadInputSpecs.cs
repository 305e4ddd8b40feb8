using System.Net.WebSockets;
using System.Text;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Limits;

/// <summary>Limits and bad input (SERVER.md, "Limits"): frame size, invalid UTF-8, protocol violations, floods.</summary>
public sealed class BadInputSpecs
{
    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task A_frame_over_maxFrameSize_gets_FRAME_TOO_LARGE_and_the_connection_stays_usable(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.ws.maxFrameSize=1024");
        await using var client = await server.JoinAsync("big", via);
        await using var peer = await server.JoinAsync("big");

        await client.SendAsync("{\"type\":\"broadcast\",\"seq\":1,\"data\":\"" + new string('x', 5000) + "\"}");
        var error = await client.NextAsync("error");
        Assert.Equal("FRAME_TOO_LARGE", error.ErrorCode);
        Assert.Equal(1024, error.Data.GetProperty("detail").GetProperty("max").GetInt64());
        Assert.False(string.IsNullOrEmpty(error.Data.GetProperty("message").GetString()));

        // Exactly at the limit is fine, and is relayed.
        string prefix = """{"type":"broadcast","seq":2,"data":" """.TrimEnd();
        string exact = prefix + new string('y', 1024 - prefix.Length - 2) + "\"}";
        Assert.Equal(1024, Encoding.UTF8.GetByteCount(exact));
        await client.SendAsync(exact);
        var relayed = await peer.NextAsync("broadcast");
        Assert.Equal(1024 - prefix.Length - 2, relayed.Data.GetString()!.Length);
        Assert.Equal(client.ParticipantId, relayed.From);
        await client.PingAsync();
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task A_fragmented_message_over_the_limit_is_refused_as_a_whole(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.ws.maxFrameSize=1024");
        await using var client = await server.JoinAsync("big", via);
        var piece = Encoding.UTF8.GetBytes(new string(' ', 700));
        await client.SendFragmentAsync(Encoding.UTF8.GetBytes("""{"type":"ping","seq":1,"pad":" """.TrimEnd()), false);
        await client.SendFragmentAsync(piece, false);
        await client.SendFragmentAsync(piece, false);
        await client.SendFragmentAsync(Encoding.UTF8.GetBytes("\"}"), true);
        var reply = await client.NextAsync(f => f.Type is "error" or "pong");
        Assert.Equal("FRAME_TOO_LARGE", reply.ErrorCode);
        await client.PingAsync("2");
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task A_fragmented_message_within_the_limit_is_joined_even_inside_a_character(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("frag", via);
        var bytes = Encoding.UTF8.GetBytes("""{"type":"broadcast","seq":1,"data":"h\u00e9llo \ud83d\ude00"}""".Replace("\\u00e9", "é").Replace("\\ud83d\\ude00", "😀"));
        int cut = Array.IndexOf(bytes, (byte)0xC3) + 1; // inside the two bytes of é
        await client.SendFragmentAsync(bytes[..cut], false);
        await client.SendFragmentAsync(bytes[cut..^3], false); // inside the four bytes of 😀
        await client.SendFragmentAsync(bytes[^3..], true);
        var relayed = await client.NextAsync("broadcast");
        Assert.Equal("héllo 😀", relayed.Data.GetString());
    }

    [Fact]
    public Task Invalid_UTF8_in_a_text_frame_closes_with_1007_and_the_room_sees_left()
        => InvalidUtf8ClosesWith1007(ClientPath.Lean);

    // The pipeline path once used ASP.NET Core's WebSocket, which reset the connection right
    // after queuing its 1007; both paths now share our framing, and this holds on both.
    [Fact]
    public Task Invalid_UTF8_in_a_text_frame_closes_with_1007_through_the_pipeline()
        => InvalidUtf8ClosesWith1007(ClientPath.Pipeline);

    [Fact]
    public async Task Invalid_UTF8_through_the_pipeline_ends_the_connection_and_the_room_sees_left()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var watcher = await server.JoinAsync("utf8");
        await using var client = await server.JoinAsync("utf8", ClientPath.Pipeline);
        await client.SendBytesAsync([.. "\"x"u8, 0xC3, 0x28], WebSocketMessageType.Text);
        var status = await client.ExpectClosedAsync();
        Assert.True(status is null or WebSocketCloseStatus.InvalidPayloadData, $"closed with {status}");
        Assert.Equal(client.ParticipantId, (await watcher.NextAsync("left")).Data.GetProperty("id").GetString());
        await watcher.PingAsync();
    }

    private static async Task InvalidUtf8ClosesWith1007(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var watcher = await server.JoinAsync("utf8");
        await using var client = await server.JoinAsync("utf8", via);
        // ClientWebSocket validates nothing on send: these raw bytes go out as a text message.
        byte[] invalid = [.. Encoding.UTF8.GetBytes("""{"type":"ping","data":" """.TrimEnd()), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")];
        await client.SendBytesAsync(invalid, WebSocketMessageType.Text);
        var status = await client.ExpectClosedAsync();
        Assert.True(status == WebSocketCloseStatus.InvalidPayloadData, $"closed with {status}: {client.LastCloseError}");
        Assert.Equal(client.ParticipantId, (await watcher.NextAsync("left")).Data.GetProperty("id").GetString());
        await watcher.PingAsync();
    }

    [Theory]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // an encoded UTF-16 surrogate
    [InlineData(new byte[] { 0xC0, 0xAF })] // an overlong '/'
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    [InlineData(new byte[] { 0xE2, 0x82 })] // truncated at the end of the message
    public async Task Every_kind_of_invalid_UTF8_closes_with_1007(byte[] bad)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("utf8");
        await client.SendBytesAsync([.. "\"x"u8, .. bad], WebSocketMessageType.Text);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await client.ExpectClosedAsync());
    }

    [Theory]
    [InlineData("unmasked")]
    [InlineData("reserved bits")]
    [InlineData("unknown opcode")]
    [InlineData("continuation without a message")]
    [InlineData("long control frame")]
    [InlineData("fragmented control frame")]
    [InlineData("new message inside a fragmented one")]
    public async Task Protocol_violations_close_with_1002_and_others_are_undisturbed(string violation)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var watcher = await server.JoinAsync("rfc");
        using var raw = await RawWebSocket.ConnectAsync(server.Port, "/room/rfc/ws");
        var ping = Encoding.UTF8.GetBytes("""{"type":"ping"}""");
        byte[] frames = violation switch
        {
            "unmasked" => RawWebSocket.BuildFrame(0x1, ping, masked: false),
            "reserved bits" => RawWebSocket.BuildFrame(0x1, ping, reservedBits: 0x4),
            "unknown opcode" => RawWebSocket.BuildFrame(0x3, ping),
            "continuation without a message" => RawWebSocket.BuildFrame(0x0, ping),
            "long control frame" => RawWebSocket.BuildFrame(0x9, new byte[126]),
            "fragmented control frame" => RawWebSocket.BuildFrame(0x9, [1], fin: false),
            _ => [.. RawWebSocket.BuildFrame(0x1, "{"u8, fin: false), .. RawWebSocket.BuildFrame(0x1, ping)],
        };
        await raw.SendRawAsync(frames);
        var (code, texts) = await raw.ReadUntilCloseAsync();
        Assert.Equal((ushort)1002, code);
        Assert.StartsWith("""{"type":"identity""", texts[0], StringComparison.Ordinal);
        await watcher.NextAsync("left");
        await watcher.PingAsync();
    }

    [Fact]
    public async Task A_websocket_ping_is_answered_and_a_client_close_is_echoed()
    {
        await using var server = await InstantTestServer.StartAsync();
        using var raw = await RawWebSocket.ConnectAsync(server.Port, "/api/ws");
        await raw.SendRawAsync([.. RawWebSocket.BuildFrame(0x9, "hello"u8), .. RawWebSocket.BuildFrame(0x8, [0x0F, 0xA0, (byte)'b'])]);
        var (code, texts) = await raw.ReadUntilCloseAsync();
        Assert.Equal((ushort)4000, code);
        Assert.Single(texts); // identity; the pong is a control frame, skipped by the reader
    }

    [Fact]
    public async Task A_flood_of_garbage_from_one_client_never_disturbs_another_participant()
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.ws.maxFrameSize=4096");
        await using var flooder = await server.JoinAsync("flood");
        await using var victim = await server.JoinAsync("flood", ClientPath.Pipeline);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        const int garbage = 2000;
        string[] kinds = ["{", "[]", "null", """{"seq":1}""", """{"type":"nope"}""", """{"type":"unicast","to":"0"}""", "\"\\ud800\"", new string('{', 300)];
        var flood = Task.Run(async () =>
        {
            for (int i = 0; i < garbage; i++)
            {
                if (i % 100 == 0)
                {
                    await flooder.SendBytesAsync(new byte[8000], WebSocketMessageType.Text, deadline.Token); // too large
                }
                else if (i % 7 == 0)
                {
                    await flooder.SendBytesAsync([0, 1, 2], WebSocketMessageType.Binary, deadline.Token);
                }
                else
                {
                    await flooder.SendAsync(kinds[i % kinds.Length], deadline.Token);
                }
            }
        });

        // Meanwhile the victim talks to the room and sees every one of its messages, in order.
        const int posts = 200;
        var talk = Task.Run(async () =>
        {
            for (int i = 0; i < posts; i++)
            {
                await victim.SendAsync("{\"type\":\"broadcast\",\"seq\":" + i + ",\"data\":{\"n\":" + i + "}}", deadline.Token);
            }
        });
        int expected = 0;
        while (expected < posts)
        {
            var frame = await victim.NextAsync(f => f.Type is "broadcast" or "error", deadline.Token);
            Assert.Equal("broadcast", frame.Type);
            Assert.Equal(expected++, frame.Data.GetProperty("n").GetInt32());
        }

        await Task.WhenAll(flood, talk);
        // The flooder got an error per garbage frame and is still connected and served.
        int errors = 0;
        while (errors < garbage)
        {
            var frame = await flooder.ReceiveAsync(deadline.Token);
            if (frame.Type == "error")
            {
                errors++;
            }
        }

        await flooder.PingAsync(cancellation: deadline.Token);
        await victim.SendAsync("""{"type":"who","seq":"w"}""", deadline.Token);
        var who = await victim.NextAsync("who", deadline.Token);
        Assert.Equal(2, who.Data.EnumerateObject().Count());
    }
}
