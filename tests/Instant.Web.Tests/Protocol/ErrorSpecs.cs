using System.Net.WebSockets;
using System.Text;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Protocol;

/// <summary>PROTOCOL.md section 4, error codes: each answered with an error frame, none closes the connection.</summary>
public sealed class ErrorSpecs
{
    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task A_binary_frame_is_answered_with_NOT_TEXT_and_the_connection_stays_open(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("errors", via);
        await client.SendBytesAsync(Encoding.UTF8.GetBytes("""{"type":"ping","seq":1}"""), WebSocketMessageType.Binary);
        var error = await client.NextAsync("error");
        Assert.Equal("NOT_TEXT", error.ErrorCode);
        Assert.Equal("Non-textual packet received", error.Data.GetProperty("message").GetString());
        Assert.False(error.Has("seq"));
        Assert.False(error.Data.TryGetProperty("detail", out _));
        await client.PingAsync();
    }

    [Theory]
    [InlineData(ClientPath.Lean, "{not json")]
    [InlineData(ClientPath.Pipeline, "{not json")]
    [InlineData(ClientPath.Lean, "")]
    [InlineData(ClientPath.Lean, "[1,2,3]")]
    [InlineData(ClientPath.Lean, "[{\"type\":\"ping\"}]")]
    [InlineData(ClientPath.Lean, "42")]
    [InlineData(ClientPath.Lean, "\"ping\"")]
    [InlineData(ClientPath.Lean, "null")]
    [InlineData(ClientPath.Lean, "{\"type\":\"ping\"} {\"type\":\"ping\"}")]
    [InlineData(ClientPath.Lean, "{\"type\":\"ping\",}")]
    [InlineData(ClientPath.Lean, "{\"type\":\"ping\"")]
    public async Task Bad_JSON_or_JSON_that_is_not_an_object_is_answered_with_INVALID_JSON(ClientPath via, string text)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("errors", via);
        await client.SendAsync(text);
        var error = await client.NextAsync("error");
        Assert.Equal("INVALID_JSON", error.ErrorCode);
        Assert.Equal("Invalid JSON", error.Data.GetProperty("message").GetString());
        await client.PingAsync();
    }

    [Theory]
    [InlineData(ClientPath.Lean, """{"seq":1}""")]
    [InlineData(ClientPath.Pipeline, """{"seq":1}""")]
    [InlineData(ClientPath.Lean, """{"seq":1,"type":null}""")]
    public async Task A_frame_without_type_is_answered_with_INVALID_TYPE_without_detail(ClientPath via, string text)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("errors", via);
        await client.SendAsync(text);
        var error = await client.NextAsync("error");
        Assert.Equal("INVALID_TYPE", error.ErrorCode);
        Assert.Equal("Invalid message type", error.Data.GetProperty("message").GetString());
        Assert.Equal("1", error.SeqText);
        Assert.False(error.Data.TryGetProperty("detail", out _));
        await client.PingAsync();
    }

    [Theory]
    [InlineData(ClientPath.Lean, "frobnicate")]
    [InlineData(ClientPath.Pipeline, "frobnicate")]
    [InlineData(ClientPath.Lean, "PING")]
    [InlineData(ClientPath.Lean, "identity")]
    [InlineData(ClientPath.Lean, "pong")]
    [InlineData(ClientPath.Lean, "joined")]
    [InlineData(ClientPath.Lean, "\u00e9t\u00e9 \"quoted\"")]
    public async Task An_unknown_type_is_answered_with_INVALID_TYPE_and_detail_type(ClientPath via, string type)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("errors", via);
        await client.SendJsonAsync(new { type, seq = "q" });
        var error = await client.NextAsync("error");
        Assert.Equal("INVALID_TYPE", error.ErrorCode);
        Assert.Equal("\"q\"", error.SeqText);
        Assert.Equal(type, error.Data.GetProperty("detail").GetProperty("type").GetString());
        await client.PingAsync();
    }

    [Fact]
    public async Task Errors_never_close_the_connection_and_the_room_keeps_working()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("errors");
        await using var peer = await server.JoinAsync("errors");
        string[] bad = ["{", "[]", """{"seq":1}""", """{"type":"nope"}""", """{"type":"unicast","to":"X"}"""];
        foreach (var text in bad)
        {
            await client.SendAsync(text);
        }

        await client.SendBytesAsync([1, 2, 3], WebSocketMessageType.Binary);
        var codes = new List<string>();
        while (codes.Count < bad.Length + 1)
        {
            codes.Add((await client.NextAsync("error")).ErrorCode!);
        }

        Assert.Equal(["INVALID_JSON", "INVALID_JSON", "INVALID_TYPE", "INVALID_TYPE", "NOT_TEXT", "NO_PARTICIPANT"], codes.Order(StringComparer.Ordinal));
        await client.SendAsync("""{"type":"broadcast","seq":1,"data":"still here"}""");
        var relayed = await peer.NextAsync("broadcast");
        Assert.Equal("\"still here\"", relayed.Member("data")!.Value.GetRawText());
        Assert.Equal(WebSocketState.Open, client.State);
    }

    [Fact]
    public async Task Members_of_unexpected_kinds_do_not_break_the_server()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("odd");
        // type as a number, to as an object, data as every kind, deep nesting, escaped member names.
        await client.SendAsync("""{"type":5,"seq":1}""");
        var numeric = await client.NextAsync("error");
        Assert.Equal("INVALID_TYPE", numeric.ErrorCode);
        Assert.Equal("5", numeric.Data.GetProperty("detail").GetProperty("type").GetString()); // named by its JSON text, as the original does
        await client.SendAsync("""{"type":"unicast","seq":2,"to":{"id":"x"},"data":1}""");
        Assert.Equal("NO_PARTICIPANT", (await client.NextAsync("error")).ErrorCode);
        await client.SendAsync("""{"\u0074ype":"ping","seq":3}""");
        Assert.Equal("3", (await client.NextAsync("pong")).SeqText);
        string deep = new string('[', 200) + new string(']', 200);
        await client.SendAsync($$"""{"type":"broadcast","seq":4,"data":{{deep}}}""");
        Assert.Equal(deep, (await client.NextAsync("broadcast")).Member("data")!.Value.GetRawText());
        string tooDeep = new string('[', 5000) + new string(']', 5000);
        await client.SendAsync($$"""{"type":"broadcast","seq":5,"data":{{tooDeep}}}""");
        Assert.Equal("INVALID_JSON", (await client.NextAsync("error")).ErrorCode);
        await client.PingAsync();
    }
}
