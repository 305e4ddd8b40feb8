using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Protocol;

/// <summary>
/// PROTOCOL.md section 3, <c>ping</c> with <c>data.next</c>: a connection past its promised
/// deadline (plus a 2 s grace) is closed; a ping without data clears the deadline.
/// </summary>
public sealed class PingDeadlineSpecs
{
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task A_connection_past_its_deadline_is_closed_and_the_room_sees_left(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var watcher = await server.JoinAsync("deadline");
        await using var late = await server.JoinAsync("deadline", via);
        await late.SendAsync($$$"""{"type":"ping","seq":1,"data":{"next":{{{Now - 1000}}}}}""");
        Assert.Equal("1", (await late.NextAsync("pong")).SeqText);

        var status = await late.ExpectClosedAsync();
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, status);
        var left = await watcher.NextAsync("left");
        Assert.Equal(late.ParticipantId, left.Data.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_deadline_in_the_near_future_that_passes_closes_the_connection()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("deadline");
        await client.SendAsync($$$"""{"type":"ping","seq":1,"data":{"next":{{{Now + 1500}}}}}""");
        await client.NextAsync("pong");
        Assert.NotNull(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task A_ping_without_data_clears_the_deadline_and_a_later_ping_moves_it()
    {
        await using var server = await InstantTestServer.StartAsync();
        // Three connections promise pings; the first clears its promise, the second renews it
        // far ahead, the third (the control) lets its deadline pass, a second after the others'.
        await using var cleared = await server.JoinAsync("deadline");
        await using var renewed = await server.JoinAsync("deadline");
        await using var control = await server.JoinAsync("deadline");
        long soon = Now + 500;
        await cleared.SendAsync($$$"""{"type":"ping","seq":1,"data":{"next":{{{soon}}}}}""");
        await cleared.NextAsync("pong");
        await cleared.SendAsync("""{"type":"ping","seq":2}""");
        await cleared.NextAsync(f => f.Type == "pong" && f.SeqText == "2");
        await renewed.SendAsync($$$"""{"type":"ping","seq":1,"data":{"next":{{{soon}}}}}""");
        await renewed.NextAsync("pong");
        await renewed.SendAsync($$$"""{"type":"ping","seq":2,"data":{"next":{{{Now + 600_000}}}}}""");
        await renewed.NextAsync(f => f.Type == "pong" && f.SeqText == "2");
        await control.SendAsync($$$"""{"type":"ping","seq":1,"data":{"next":{{{soon + 1000}}}}}""");
        await control.NextAsync("pong");

        // Once the control is closed, the earlier deadlines have been checked too.
        Assert.NotNull(await control.ExpectClosedAsync());
        Assert.Equal(control.ParticipantId, (await cleared.NextAsync("left")).Data.GetProperty("id").GetString());
        await cleared.PingAsync();
        Assert.Equal(control.ParticipantId, (await renewed.NextAsync("left")).Data.GetProperty("id").GetString());
        await renewed.PingAsync();
    }

    [Theory]
    [InlineData("""{"next":"tomorrow"}""")]
    [InlineData("""{"other":1}""")]
    [InlineData("[1]")]
    [InlineData("1")]
    public async Task A_ping_whose_data_holds_no_numeric_next_sets_no_deadline(string data)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("deadline");
        await using var control = await server.JoinAsync("deadline");
        await client.SendAsync($$$"""{"type":"ping","seq":1,"data":{{{data}}}}""");
        await client.NextAsync("pong");
        await control.SendAsync($$$"""{"type":"ping","seq":1,"data":{"next":{{{Now}}}}}""");
        await control.NextAsync("pong");
        Assert.NotNull(await control.ExpectClosedAsync());
        await client.NextAsync("left");
        await client.PingAsync();
    }

    [Theory]
    [InlineData(30L * 24 * 3600 * 1000)]
    [InlineData(400L * 24 * 3600 * 1000)]
    [InlineData(100L * 365 * 24 * 3600 * 1000)]
    [InlineData(1_000_000_000_000_000L)]
    public async Task A_deadline_far_in_the_future_keeps_the_connection_open(long ahead)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("deadline");
        await using var control = await server.JoinAsync("deadline");
        await client.SendAsync("{\"type\":\"ping\",\"seq\":1,\"data\":{\"next\":" + (Now + ahead) + "}}");
        await client.NextAsync("pong");
        await control.SendAsync($$$"""{"type":"ping","seq":1,"data":{"next":{{{Now}}}}}""");
        await control.NextAsync("pong");
        Assert.NotNull(await control.ExpectClosedAsync());
        await client.NextAsync(f => f.Type == "left" && f.Data.GetProperty("id").GetString() == control.ParticipantId);
        await client.PingAsync();
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("-1e300")]
    [InlineData("9223372036854775807")]
    [InlineData("1.5")]
    public async Task An_absurd_next_never_breaks_the_server(string next)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var watcher = await server.JoinAsync("deadline");
        await using var client = await server.JoinAsync("deadline");
        await client.SendAsync("{\"type\":\"ping\",\"seq\":1,\"data\":{\"next\":" + next + "}}");
        await client.NextAsync("pong");
        // Whatever becomes of this connection, the room and the server carry on.
        await watcher.PingAsync();
        await using var newcomer = await server.JoinAsync("deadline");
        await newcomer.PingAsync();
    }
}
