using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Instant.Actors.Connections;
using Instant.Actors.Hosting;
using Instant.Actors.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Scribe.Actors.Hosting;
using Scribe.Actors.Protocol;
using Scribe.Actors.Stores;
using Xunit;
using Instant.Protocol;

namespace Scribe.Actors.Tests;

public sealed class EmbeddedScribeSpecs : IDisposable
{
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private IHost BuildHost(string room, string db, string log)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddInstantCore(new ServerInfo("1.6.0", "00000000-0000-1000-8000-000000000000", null, "test"), new ConnectionLimits(), TimeSpan.FromMinutes(5));
        builder.Services.AddAkka("embedded-scribe-spec", (akka, _) =>
        {
            akka.AddInstantDefaults();
            akka.AddInstantRooms();
            akka.AddEmbeddedScribe(new EmbeddedScribeOptions
            {
                Room = room,
                MessageDb = db,
                LogFile = log,
                Settings = new ScribeSettings { Nick = "Embedded", SelectWindow = TimeSpan.FromMilliseconds(300) },
            });
        });
        return builder.Build();
    }

    [Fact]
    public async Task An_embedded_scribe_is_an_ordinary_participant_that_serves_history_to_a_late_joiner()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string db = _dir.File("lobby.sqlite");
        string log = _dir.File("lobby.log");
        using (var host = BuildHost("lobby", db, log))
        {
            await host.StartAsync(cts.Token);
            var connections = host.Services.GetRequiredService<InstantConnections>();
            var system = host.Services.GetRequiredService<ActorSystem>();

            var alice = await InProcessParticipant.JoinAsync(connections, "lobby", cts.Token);
            // The Scribe attaches while the host starts; poll the room's participant list until it is there.
            JsonObject who;
            do
            {
                alice.SendJson(new { type = "who" });
                who = await alice.ReceiveAsync(f => (string?)f["type"] == "who", cts.Token);
            }
            while (who["data"]!.AsObject().Count < 2 && !cts.Token.IsCancellationRequested);

            Assert.Equal(2, who["data"]!.AsObject().Count);
            alice.SendJson(new { type = "broadcast", data = new { type = "who" } });
            var nick = await alice.ReceiveAsync(f => (string?)f["data"]?["type"] == "nick" && (string?)f["type"] == "unicast", cts.Token);
            Assert.Equal("Embedded", (string?)nick["data"]!["nick"]);
            string scribeId = (string)nick["from"]!;
            Assert.Equal((string?)who["data"]![scribeId]!["uuid"], (string?)nick["data"]!["uuid"]);

            for (int i = 0; i < 10; i++)
            {
                alice.SendJson(new { type = "broadcast", data = new { type = "post", nick = "alice", text = "embedded " + i, parent = (string?)null } });
            }

            var scribe = EmbeddedScribes.Find(system, "lobby");
            while ((await scribe.Ask<object>(GetLogBounds.Instance, TimeSpan.FromSeconds(5))) is not LogBounds { Count: 10 })
            {
                cts.Token.ThrowIfCancellationRequested();
            }

            alice.Leave();
            var bob = await InProcessParticipant.JoinAsync(connections, "lobby", cts.Token);
            bob.SendJson(new { type = "broadcast", data = new { type = "log-query" } });
            var info = await bob.ReceiveAsync(f => (string?)f["data"]?["type"] == "log-info", cts.Token);
            Assert.Equal(scribeId, (string?)info["from"]);
            Assert.Equal(10, (int)info["data"]!["length"]!);
            bob.SendJson(new { type = "unicast", to = scribeId, data = new { type = "log-request", to = (string?)info["data"]!["to"] } });
            var history = await bob.ReceiveAsync(f => (string?)f["data"]?["type"] == "log", cts.Token);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => "embedded " + i), history["data"]!["data"]!.AsArray().Select(p => (string?)p!["text"]));
            Assert.Equal(alice.WireId, (string?)history["data"]!["data"]![0]!["from"]);

            await host.StopAsync(cts.Token);
        }

        // The room's database is the original's format and outlives the host.
        using var store = new SqliteMessageStore(db);
        Assert.Equal(10, store.Bounds()!.Count);
        Assert.Contains("] POST ", File.ReadAllText(log));
    }

    [Fact]
    public async Task A_closed_embedded_scribe_reattaches_with_the_same_identity()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var host = BuildHost("restart", _dir.File("restart.sqlite"), _dir.File("restart.log"));
        await host.StartAsync(cts.Token);
        var connections = host.Services.GetRequiredService<InstantConnections>();
        var directory = host.Services.GetRequiredService<ParticipantDirectory>();

        async Task<JsonObject> OthersAsync(InProcessParticipant client)
        {
            JsonObject who;
            do
            {
                client.SendJson(new { type = "who" });
                who = (JsonObject)(await client.ReceiveAsync(f => (string?)f["type"] == "who", cts.Token))["data"]!;
            }
            while (who.Count < 2 && !cts.Token.IsCancellationRequested);

            who.Remove(client.WireId);
            return who;
        }

        var first = await InProcessParticipant.JoinAsync(connections, "restart", cts.Token);
        var before = await OthersAsync(first);
        var (scribeId, scribeInfo) = before.Single();

        // The server closes the Scribe's connection (as when it drops a stalled reader).
        directory.Find(IdFormat.ParseLenient(scribeId)!.Value)!.Tell(new CloseConnection(ConnectionCloseReason.OutboxOverflow));
        await first.ReceiveAsync(f => (string?)f["type"] == "left" && (string?)f["data"]!["id"] == scribeId, cts.Token);

        var rejoined = await first.ReceiveAsync(f => (string?)f["type"] == "joined", cts.Token);
        Assert.NotEqual(scribeId, (string?)rejoined["data"]!["id"]);
        Assert.Equal((string?)scribeInfo!["uuid"], (string?)rejoined["data"]!["uuid"]);
        await host.StopAsync(cts.Token);
    }
}
