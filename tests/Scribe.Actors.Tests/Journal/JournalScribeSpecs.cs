using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Instant.Protocol;
using Akka.Actor;
using Scribe.Actors.Journal;
using Scribe.Actors.Logging;
using Scribe.Actors.Protocol;
using Scribe.Actors.Stores;
using Xunit;

namespace Scribe.Actors.Tests.Journal;

/// <summary>
/// The Scribe core over a room's journal (a real SQLite journal): what it stores outlives it, and
/// a Scribe started again recovers that and fills its gap from a peer with log-query/log-request,
/// as the server's room Scribe does after its node is lost.
/// </summary>
public sealed class JournalScribeSpecs : IDisposable
{
    private const string Self = "0000000000010000";
    private const string Peer = "0000000000020000";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static long PostId(int n) => 0x0005FFC2FCABA000 + (n * 0x400L);

    private static ServerFrame Frame(object value) => new(JsonSerializer.SerializeToUtf8Bytes(value));

    private static ServerFrame Identity() => Frame(new { type = "identity", data = new { id = Self, uuid = "self-uuid", version = "1.6.0", era = "e" } });

    private static ServerFrame Post(int n)
        => Frame(new { type = "broadcast", id = IdFormat.ToHex(PostId(n)), from = Peer, data = new { type = "post", nick = "peer", text = $"post {n}", parent = (string?)null } });

    private static ServerFrame FromPeer(object data) => Frame(new { type = "unicast", id = IdFormat.ToHex(PostId(1000)), from = Peer, to = Self, data });

    private static async Task<LogBounds?> BoundsAsync(IActorRef scribe)
        => await scribe.Ask<object>(GetLogBounds.Instance, Limit) as LogBounds;

    [Fact]
    public async Task What_a_Scribe_stored_outlives_it_and_the_next_one_fills_its_gap_from_a_peer()
    {
        var journal = ScribeJournalConfig.Parse("sqlite:" + _dir.File("journal.sqlite"));
        journal.Prepare();
        var settings = new ScribeSettings { SelectWindow = TimeSpan.FromMilliseconds(300) };

        await using (var first = LogNode.Start(journal, new ScribeLogSettings(), room: "kept"))
        {
            var scribe = first.System.ActorOf(ScribeActor.Props(first.Log, LogfileWriter.Null(), settings with { DontPull = true }));
            scribe.Tell(new ScribeConnected(new ChannelTransport()));
            scribe.Tell(Identity());
            foreach (int n in new[] { 1, 2, 4 })
            {
                scribe.Tell(Post(n));
            }

            Assert.Equal(new LogBounds(PostId(1), PostId(4), 3), await BoundsAsync(scribe));
        }

        await using var second = LogNode.Start(journal, new ScribeLogSettings(), room: "kept");
        var wire = new ChannelTransport();
        var again = second.System.ActorOf(ScribeActor.Props(second.Log, LogfileWriter.Null(), settings));
        again.Tell(new ScribeConnected(wire));
        again.Tell(Identity());
        Assert.Equal(new LogBounds(PostId(1), PostId(4), 3), await BoundsAsync(again));

        // The peer holds posts 1 to 5: the Scribe asks it for them and keeps each once.
        await wire.NextAsync(f => (string?)f["data"]?["type"] == "log-query");
        again.Tell(FromPeer(new { type = "log-info", from = IdFormat.ToHex(PostId(1)), to = IdFormat.ToHex(PostId(5)), length = 5 }));
        var request = await wire.NextAsync(f => (string?)f["data"]?["type"] == "log-request");
        Assert.Equal(Peer, (string?)request["to"]);
        var peerLog = Enumerable.Range(1, 5).Select(n => new { id = IdFormat.ToHex(PostId(n)), parent = (string?)null, from = Peer, nick = "peer", text = $"post {n}" });
        again.Tell(FromPeer(new { type = "log", data = peerLog }));

        await wire.NextAsync(f => (string?)f["data"]?["type"] == "log-done");
        Assert.Equal(new LogBounds(PostId(1), PostId(5), 5), await BoundsAsync(again));
        Assert.Equal(Enumerable.Range(1, 5).Select(PostId), (await second.Log.RangeAsync(null, null, null)).Select(p => p.Id));
    }

    /// <summary>What the Scribe sends, parsed, for the spec to wait on.</summary>
    private sealed class ChannelTransport : IScribeTransport
    {
        private readonly Channel<JsonObject> _sent = Channel.CreateUnbounded<JsonObject>();

        public void Send(byte[] frame) => _sent.Writer.TryWrite(JsonNode.Parse(frame)!.AsObject());

        public void Close(bool final) => _sent.Writer.TryComplete();

        public async Task<JsonObject> NextAsync(Func<JsonObject, bool> match)
        {
            using var limit = new CancellationTokenSource(Limit);
            while (true)
            {
                var frame = await _sent.Reader.ReadAsync(limit.Token);
                if (match(frame))
                {
                    return frame;
                }
            }
        }
    }
}
