// A host of one's own with rooms and an embedded Scribe in the same actor system.
// Run: dotnet run --project samples/ScribeEmbedding [DATABASE-DIRECTORY]
// Two in-process participants show it: alice posts, leaves, and bob, joining later, gets
// the history from the Scribe. Run it twice with the same directory: the posts persist.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using Instant.Actors.Connections;
using Instant.Actors.Hosting;
using Instant.Actors.Identity;
using Instant.Actors.Protocol;
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
    akka.AddInstantRooms();
    akka.AddEmbeddedScribes(["lobby"], directory, new ScribeSettings { Nick = "Scribe", MaxLength = 100 }, writeLogfiles: true);
});

using var host = builder.Build();
await host.StartAsync();
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
var connections = host.Services.GetRequiredService<InstantConnections>();

var alice = await Participant.JoinAsync(connections, "lobby", timeout.Token);
// Wait until the Scribe is in the room: ask everybody for their nick.
alice.Send(new { type = "broadcast", data = new { type = "who" } });
var scribeNick = await alice.ReceiveAsync(f => (string?)f["data"]?["type"] == "nick", timeout.Token);
string scribeId = (string)scribeNick["from"]!;
Console.WriteLine($"Scribe is participant {scribeId} in &lobby");

for (int i = 1; i <= 3; i++)
{
    alice.Send(new { type = "broadcast", data = new { type = "post", nick = "alice", text = $"Hello #{i} at {DateTime.UtcNow:HH:mm:ss}", parent = (string?)null } });
    await alice.ReceiveAsync(f => (string?)f["type"] == "broadcast" && (string?)f["data"]?["type"] == "post", timeout.Token);
}

alice.Leave();

var bob = await Participant.JoinAsync(connections, "lobby", timeout.Token);
bob.Send(new { type = "unicast", to = scribeId, data = new { type = "log-request", length = 20 } });
var log = await bob.ReceiveAsync(f => (string?)f["data"]?["type"] == "log", timeout.Token);
Console.WriteLine($"bob got {log["data"]!["data"]!.AsArray().Count} posts from the Scribe:");
foreach (var post in log["data"]!["data"]!.AsArray())
{
    Console.WriteLine($"  [{post!["id"]}] <{post["nick"]}> {post["text"]}");
}

Console.WriteLine($"Database: {Path.Combine(directory, "lobby.sqlite")}");
await host.StopAsync();

/// <summary>An in-process participant: the room sees it like any WebSocket client.</summary>
internal sealed class Participant : IConnectionSink
{
    private readonly Channel<JsonObject> _frames = Channel.CreateUnbounded<JsonObject>();
    private IActorRef _connection = ActorRefs.Nobody;
    private long _seq;

    public static async Task<Participant> JoinAsync(InstantConnections connections, string room, CancellationToken cancellation)
    {
        var participant = new Participant();
        var (id, uuid) = connections.NewParticipant();
        participant._connection = await connections.OpenAsync(new ConnectionIdentity(room, id, uuid), participant);
        await participant.ReceiveAsync(f => (string?)f["type"] == "identity", cancellation);
        return participant;
    }

    public bool TrySend(byte[] frame) => _frames.Writer.TryWrite(JsonNode.Parse(frame)!.AsObject());

    public void Close(ConnectionCloseReason reason) => _frames.Writer.TryComplete();

    public void Send(object frame)
    {
        var node = JsonSerializer.SerializeToNode(frame)!.AsObject();
        node["seq"] = _seq++;
        _connection.Tell(ClientFrameParser.TryParse(JsonSerializer.SerializeToUtf8Bytes(node))!);
    }

    public void Leave() => _connection.Tell(SocketClosed.ByClient);

    public async Task<JsonObject> ReceiveAsync(Func<JsonObject, bool> match, CancellationToken cancellation)
    {
        while (true)
        {
            var frame = await _frames.Reader.ReadAsync(cancellation);
            if (match(frame))
            {
                return frame;
            }
        }
    }
}
