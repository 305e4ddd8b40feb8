using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Protocol;

/// <summary>PROTOCOL.md section 1: the room-less <c>/api/ws</c> endpoint.</summary>
public sealed class ApiSocketSpecs
{
    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Api_socket_gets_identity_and_pongs_but_no_joined(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var api = await server.ApiAsync(via);
        Assert.Equal("identity", api.Identity.Type);
        Assert.Matches("^[0-9A-F]{16}$", api.ParticipantId);

        // The first frame after identity is the pong: no joined was sent.
        await api.SendAsync("""{"type":"ping","seq":1}""");
        var next = await api.ReceiveAsync();
        Assert.Equal("pong", next.Type);
        Assert.Equal("1", next.SeqText);
    }

    [Theory]
    [InlineData(ClientPath.Lean, "broadcast")]
    [InlineData(ClientPath.Pipeline, "broadcast")]
    [InlineData(ClientPath.Lean, "who")]
    [InlineData(ClientPath.Pipeline, "who")]
    public async Task Broadcast_and_who_answer_INVALID_TYPE_on_the_api_socket(ClientPath via, string type)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var api = await server.ApiAsync(via);
        await api.SendJsonAsync(new { type, seq = 8, data = new { x = 1 } });
        var error = await api.NextAsync("error");
        Assert.Equal("INVALID_TYPE", error.ErrorCode);
        Assert.Equal("8", error.SeqText);
        Assert.Equal(type, error.Data.GetProperty("detail").GetProperty("type").GetString());
        await api.PingAsync();
    }

    [Fact]
    public async Task Api_connections_cause_no_joined_or_left_in_rooms_or_other_api_sockets()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var member = await server.JoinAsync("room");
        await using var watcher = await server.ApiAsync();
        await using (var api = await server.ApiAsync())
        {
            await api.CloseAsync();
        }

        // The next frames of both are their pongs: nothing about the api socket came and went.
        await member.SendAsync("""{"type":"ping","seq":1}""");
        Assert.Equal("pong", (await member.ReceiveAsync()).Type);
        await watcher.SendAsync("""{"type":"ping","seq":1}""");
        Assert.Equal("pong", (await watcher.ReceiveAsync()).Type);
        await member.SendAsync("""{"type":"who","seq":2}""");
        Assert.Equal([member.ParticipantId], (await member.NextAsync("who")).Data.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Unicast_from_the_api_socket_reaches_a_participant_of_a_room(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var member = await server.JoinAsync("room");
        await using var api = await server.ApiAsync(via);
        await api.SendAsync($$$"""{"type":"unicast","seq":"u","to":"{{{member.ParticipantId}}}","data":{"k":12345678901234567890}}""");
        var response = await api.NextAsync("response");
        Assert.Equal("\"u\"", response.SeqText);
        Assert.Equal("unicast", response.Data.GetProperty("type").GetString());

        var delivered = await member.NextAsync("unicast");
        Assert.Equal(response.Data.GetProperty("id").GetString(), delivered.Id);
        Assert.Equal(api.ParticipantId, delivered.From);
        Assert.Equal(member.ParticipantId, delivered.Member("to")!.Value.GetString());
        Assert.Equal("""{"k":12345678901234567890}""", delivered.Member("data")!.Value.GetRawText());

        // And the member can answer the api socket by unicast from its room.
        await member.SendAsync($$"""{"type":"unicast","seq":1,"to":"{{api.ParticipantId}}","data":"back"}""");
        var reply = await member.NextAsync(f => f.Type is "response" or "error");
        Assert.True(reply.Type is "response" or "error", reply.Raw);
    }

    [Fact]
    public async Task Unicast_from_the_api_socket_to_an_unknown_id_answers_NO_PARTICIPANT()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var api = await server.ApiAsync();
        await api.SendAsync("""{"type":"unicast","seq":1,"to":"0123456789ABCDEF","data":1}""");
        var error = await api.NextAsync("error");
        Assert.Equal("NO_PARTICIPANT", error.ErrorCode);
        Assert.Equal("0123456789ABCDEF", error.Data.GetProperty("detail").GetProperty("id").GetString());
        await api.SendAsync("""{"type":"unicast","seq":2,"to":"garbage","data":1}""");
        Assert.Equal("garbage", (await api.NextAsync("error")).Data.GetProperty("detail").GetProperty("id").GetString());
    }
}
