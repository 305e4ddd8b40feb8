using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Limits;

/// <summary>WebSocket control frames from hostile clients: ping floods, close codes.</summary>
public sealed class ControlFrameSpecs
{
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

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public async Task An_invalid_close_code_is_answered_with_1002_not_echoed(int code)
    {
        await using var server = await InstantTestServer.StartAsync();
        using var raw = await RawWebSocket.ConnectAsync(server.Port, "/api/ws");
        await raw.SendRawAsync(RawWebSocket.BuildFrame(0x8, [(byte)(code >> 8), (byte)code]));
        Assert.Equal((ushort)1002, (await raw.ReadUntilCloseAsync()).CloseCode);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1011)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(4999)]
    public async Task A_valid_close_code_is_echoed(int code)
    {
        await using var server = await InstantTestServer.StartAsync();
        using var raw = await RawWebSocket.ConnectAsync(server.Port, "/api/ws", via: code % 2 == 0 ? ClientPath.Lean : ClientPath.Pipeline);
        await raw.SendRawAsync(RawWebSocket.BuildFrame(0x8, [(byte)(code >> 8), (byte)code, .. "bye"u8]));
        Assert.Equal((ushort)code, (await raw.ReadUntilCloseAsync()).CloseCode);
    }

    [Fact]
    public async Task A_close_without_a_code_is_answered_with_1000_and_one_with_an_invalid_UTF8_reason_with_1007()
    {
        await using var server = await InstantTestServer.StartAsync();
        using (var raw = await RawWebSocket.ConnectAsync(server.Port, "/api/ws"))
        {
            await raw.SendRawAsync(RawWebSocket.BuildFrame(0x8, []));
            Assert.Equal((ushort)1000, (await raw.ReadUntilCloseAsync()).CloseCode);
        }

        using (var raw = await RawWebSocket.ConnectAsync(server.Port, "/api/ws"))
        {
            await raw.SendRawAsync(RawWebSocket.BuildFrame(0x8, [0x03, 0xE8, 0xC3, 0x28]));
            Assert.Equal((ushort)1007, (await raw.ReadUntilCloseAsync()).CloseCode);
        }
    }
}
