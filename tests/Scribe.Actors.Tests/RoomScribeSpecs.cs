using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Instant.Actors.Connections;
using Instant.Actors.Hosting;
using Instant.Actors.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Scribe.Actors.Hosting;
using Scribe.Actors.Journal;
using Xunit;

namespace Scribe.Actors.Tests;

/// <summary>
/// The server's room Scribe in one process: an entity of the local Scribe region, started by the
/// keeper, its log in the journal. Lost, it comes back by itself with the log it had.
/// </summary>
public sealed class RoomScribeSpecs : IDisposable
{
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_room_Scribe_that_dies_is_started_again_with_its_log_from_the_journal()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var journal = ScribeJournalConfig.Parse("sqlite:" + _dir.File("journal.sqlite"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddInstantCore(new ServerInfo("1.6.0", "00000000-0000-1000-8000-000000000000", null, "test"), new ConnectionLimits(), TimeSpan.FromMinutes(5));
        builder.Services.AddAkka("room-scribe-spec", (akka, _) =>
        {
            akka.AddInstantDefaults();
            akka.AddInstantRooms();
            akka.AddRoomScribes(new EmbeddedScribeConfiguration(["lobby"], _dir.File("scribe"), null, "Scribe", false), journal, clustered: false);
        });
        using var host = builder.Build();
        await host.StartAsync(cts.Token);
        var connections = host.Services.GetRequiredService<InstantConnections>();
        var system = host.Services.GetRequiredService<ActorSystem>();

        var alice = await InProcessParticipant.JoinAsync(connections, "lobby", cts.Token);
        // The keeper starts the Scribe as the host starts; posts go out once it is in the room.
        JsonObject who;
        do
        {
            await Task.Delay(50, cts.Token);
            alice.SendJson(new { type = "who" });
            who = await alice.ReceiveAsync(f => (string?)f["type"] == "who", cts.Token);
        }
        while (who["data"]!.AsObject().Count < 2);

        for (int i = 0; i < 5; i++)
        {
            alice.SendJson(new { type = "broadcast", data = new { type = "post", nick = "alice", text = "kept " + i, parent = (string?)null } });
        }

        var first = await LogInfoAsync(alice, 5, cts.Token);

        // The entity (a child of the local Scribe region) dies; the keeper starts it again.
        system.ActorSelection("/user/scribes/lobby").Tell(PoisonPill.Instance);
        await alice.ReceiveAsync(f => (string?)f["type"] == "left" && (string?)f["data"]?["id"] == (string?)first["from"], cts.Token);
        var second = await LogInfoAsync(alice, 5, cts.Token);
        Assert.NotEqual((string?)first["from"], (string?)second["from"]);

        alice.SendJson(new { type = "unicast", to = (string?)second["from"], data = new { type = "log-request", to = (string?)second["data"]!["to"] } });
        var history = await alice.ReceiveAsync(f => (string?)f["data"]?["type"] == "log", cts.Token);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => "kept " + i), history["data"]!["data"]!.AsArray().Select(p => (string?)p!["text"]));
        await host.StopAsync(cts.Token);
    }

    /// <summary>Asks the room for logs until a Scribe answers that it holds <paramref name="count"/> posts.</summary>
    private static async Task<JsonObject> LogInfoAsync(InProcessParticipant client, int count, CancellationToken cancellation)
    {
        while (true)
        {
            await Task.Delay(100, cancellation);
            client.SendJson(new { type = "broadcast", data = new { type = "log-query" } });
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            attempt.CancelAfter(TimeSpan.FromSeconds(2)); // no answer while none is there or nothing is stored
            try
            {
                var info = await client.ReceiveAsync(f => (string?)f["data"]?["type"] == "log-info", attempt.Token);
                if ((int?)info["data"]!["length"] == count)
                {
                    return info;
                }
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
            }
        }
    }
}
