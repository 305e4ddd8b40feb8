// A host of one's own with rooms and an embedded Scribe in the same actor system.
// Run: dotnet run --project samples/ScribeEmbedding [DATABASE-DIRECTORY]
// Two in-process participants show it: alice posts, leaves, and bob, joining later, gets
// the history from the Scribe. Run it twice with the same directory: the posts persist.
using System.Text.Json.Nodes;
using Akka.Hosting;
using Instant.Actors.Connections;
using Instant.Actors.Hosting;
using Instant.Actors.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Scribe.Actors.Hosting;
using Scribe.Actors.Protocol;

string directory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "scribe-embedding-sample");
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

// 1. The Instant domain: ids, uuids, limits, the facts clients are told.
builder.Services.AddInstantCore(
    new ServerInfo("1.6.0", "00000000-0000-1000-8000-000000000000", null, "sample"),
    new ConnectionLimits(),
    roomIdleTimeout: TimeSpan.FromMinutes(5));

// 2. The actor system: rooms, then a Scribe per room, each with its own SQLite database
//    (DIRECTORY/ROOM.sqlite, the original Scribe's format) and logfile.
builder.Services.AddAkka("sample", (akka, _) =>
{
    akka.AddInstantDefaults();
    // Akka's log events as lines of the host's own logging, formatted once.
    akka.ConfigureLoggers(loggers =>
    {
        loggers.ClearLoggers();
        loggers.AddLogger<AkkaLogForwarder>();
    });
    akka.AddInstantRooms();
    akka.AddEmbeddedScribes(["lobby"], directory, new ScribeSettings { Nick = "Scribe", MaxLength = 100 }, writeLogfiles: true);
});

using var host = builder.Build();
await host.StartAsync();
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
var connections = host.Services.GetRequiredService<InstantConnections>();

var alice = await InProcessParticipant.JoinAsync(connections, "lobby", timeout.Token);
// Wait until the Scribe is in the room: ask everybody for their nick.
alice.SendJson(new { type = "broadcast", data = new { type = "who" } });
var scribeNick = await alice.ReceiveAsync(f => (string?)f["data"]?["type"] == "nick", timeout.Token);
string scribeId = (string)scribeNick["from"]!;
Console.WriteLine($"Scribe is participant {scribeId} in &lobby");

for (int i = 1; i <= 3; i++)
{
    alice.SendJson(new { type = "broadcast", data = new { type = "post", nick = "alice", text = $"Hello #{i} at {DateTime.UtcNow:HH:mm:ss}", parent = (string?)null } });
    await alice.ReceiveAsync(f => (string?)f["type"] == "broadcast" && (string?)f["data"]?["type"] == "post", timeout.Token);
}

alice.Leave();

var bob = await InProcessParticipant.JoinAsync(connections, "lobby", timeout.Token);
bob.SendJson(new { type = "unicast", to = scribeId, data = new { type = "log-request", length = 20 } });
var log = await bob.ReceiveAsync(f => (string?)f["data"]?["type"] == "log", timeout.Token);
Console.WriteLine($"bob got {log["data"]!["data"]!.AsArray().Count} posts from the Scribe:");
foreach (var post in log["data"]!["data"]!.AsArray())
{
    Console.WriteLine($"  [{post!["id"]}] <{post["nick"]}> {post["text"]}");
}

Console.WriteLine($"Database: {Path.Combine(directory, "lobby.sqlite")}");
await host.StopAsync();
