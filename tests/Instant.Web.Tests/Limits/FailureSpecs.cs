using System.Net.WebSockets;
using Akka.Actor;
using Instant.Actors.Connections;
using Instant.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Instant.Web.Tests.Limits;

/// <summary>What a failure inside the server does to a connection: it ends, cleanly, and nobody else notices.</summary>
public sealed class FailureSpecs
{
    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task A_connection_actor_that_fails_closes_its_socket_with_1011_and_the_room_sees_left(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var watcher = await server.JoinAsync("fail");
        await using var victim = await server.JoinAsync("fail", via);
        var directory = server.Server.Services.GetRequiredService<ParticipantDirectory>();
        var actor = directory.Find(Convert.ToInt64(victim.ParticipantId, 16));
        Assert.NotNull(actor);

        // Fault injection: a frame the sink cannot take makes the actor throw, as any bug would.
        actor.Tell(new Deliver(null!));

        Assert.Equal(WebSocketCloseStatus.InternalServerError, await victim.ExpectClosedAsync());
        Assert.Equal(victim.ParticipantId, (await watcher.NextAsync("left")).Data.GetProperty("id").GetString());
        await watcher.PingAsync();
        await using var newcomer = await server.JoinAsync("fail", via);
        await newcomer.PingAsync();
    }
}
