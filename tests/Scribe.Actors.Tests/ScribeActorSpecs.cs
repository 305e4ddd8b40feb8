using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;
using Scribe.Actors.Logging;
using Scribe.Actors.Protocol;
using Scribe.Actors.Stores;
using Xunit;
using Instant.Protocol;

namespace Scribe.Actors.Tests;

/// <summary>A frame Scribe sent, parsed.</summary>
public sealed record Sent(JsonObject Frame)
{
    public string? Type => (string?)Frame["type"];

    public string? DataType => (string?)Frame["data"]?["type"];

    public string? To => (string?)Frame["to"];

    public override string ToString() => Frame.ToJsonString();
}

public sealed record TransportClosed(bool Final);

/// <summary>Hands what Scribe sends to a probe.</summary>
public sealed class ProbeTransport(IActorRef probe) : IScribeTransport
{
    public void Send(byte[] frame) => probe.Tell(new Sent(JsonNode.Parse(frame)!.AsObject()));

    public void Close(bool final) => probe.Tell(new TransportClosed(final));
}

public sealed class ScribeActorSpecs : TestKit
{
    private const string Self = "0000000000010000";
    private const string Peer = "0000000000020000";
    private readonly StringWriter _logText = new();
    private readonly LogfileWriter _log;
    private long _nextId = 0x0005FFC2FCABA000;

    public ScribeActorSpecs()
    {
        _log = LogfileWriter.To(TextWriter.Synchronized(_logText));
    }

    private string LogText => _logText.ToString();

    private (IActorRef Scribe, Akka.TestKit.TestProbe Wire) Start(ScribeSettings? settings = null, IMessageStore? store = null, bool identify = true)
    {
        settings ??= new ScribeSettings { SelectWindow = TimeSpan.FromMilliseconds(300) };
        var wire = CreateTestProbe();
        var scribe = Sys.ActorOf(ScribeActor.Props(store ?? new SqliteMessageStore(":memory:"), _log, settings));
        scribe.Tell(new ScribeConnected(new ProbeTransport(wire.Ref)));
        if (identify)
        {
            scribe.Tell(Frame(new { type = "identity", data = new { id = Self, uuid = "self-uuid", version = "1.6.0", era = "e" } }));
        }

        return (scribe, wire);
    }

    private static ServerFrame Frame(object value) => new(JsonSerializer.SerializeToUtf8Bytes(value));

    private ServerFrame FromPeer(string type, object data, string from = Peer, string? to = null)
    {
        string id = IdFormat.ToHex(_nextId += 0x400);
        return to is null
            ? Frame(new { type, id, from, data })
            : Frame(new { type, id, from, to, data });
    }

    private ServerFrame Post(string text, string from = Peer, string? parent = null, string? id = null)
        => Frame(new { type = "broadcast", id = id ?? IdFormat.ToHex(_nextId += 0x400), from, data = new { type = "post", nick = "alice", text, parent } });

    private static List<Sent> ExpectStartup(Akka.TestKit.TestProbe wire, bool pull = true, bool nick = true)
    {
        var frames = new List<Sent> { wire.ExpectMsg<Sent>() };
        Assert.Equal("ping", frames[0].Type);
        Assert.NotNull(frames[0].Frame["data"]?["next"]);
        if (nick)
        {
            frames.Add(wire.ExpectMsg<Sent>(s => s.DataType == "nick" && s.Type == "broadcast"));
        }

        frames.Add(wire.ExpectMsg<Sent>(s => s.Type == "who"));
        frames.Add(wire.ExpectMsg<Sent>(s => s.Type == "broadcast" && s.DataType == "who"));
        if (pull)
        {
            frames.Add(wire.ExpectMsg<Sent>(s => s.Type == "broadcast" && s.DataType == "log-query"));
        }

        // seq increases from 0 over the connection's frames.
        Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => (long)i), frames.Select(f => (long)f.Frame["seq"]!));
        return frames;
    }

    private LogBounds? Bounds(IActorRef scribe)
        => scribe.Ask<object>(GetLogBounds.Instance, TimeSpan.FromSeconds(5)).Result as LogBounds;

    [Fact]
    public void Identity_starts_with_ping_nick_who_and_a_log_query_then_announces_done()
    {
        var (_, wire) = Start();
        var frames = ExpectStartup(wire);
        Assert.Equal("Scribe", (string?)frames[1].Frame["data"]!["nick"]);
        Assert.Equal("self-uuid", (string?)frames[1].Frame["data"]!["uuid"]);

        // No peer answers the log-query within the window: Scribe is done.
        wire.ExpectMsg<Sent>(s => s.Type == "broadcast" && s.DataType == "log-done", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void No_nick_sends_no_nick_and_an_empty_nick_is_still_announced()
    {
        var (_, quiet) = Start(new ScribeSettings { Nick = null, DontPull = true });
        ExpectStartup(quiet, pull: false, nick: false);

        var (_, invisible) = Start(new ScribeSettings { Nick = string.Empty, DontPull = true });
        Assert.Equal(string.Empty, (string?)ExpectStartup(invisible, pull: false)[1].Frame["data"]!["nick"]);
    }

    [Fact]
    public void Without_a_message_database_scribe_stores_and_serves_nothing_but_still_answers_who()
    {
        var (scribe, wire) = Start(new ScribeSettings { DontPull = true }, new NullMessageStore());
        ExpectStartup(wire, pull: false);
        scribe.Tell(Post("forgotten"));
        scribe.Tell(FromPeer("broadcast", new { type = "log-query" }));
        scribe.Tell(FromPeer("broadcast", new { type = "who" }));
        var nick = wire.ExpectMsg<Sent>();
        Assert.Equal("nick", nick.DataType);
        Assert.Equal("self-uuid", (string?)nick.Frame["data"]!["uuid"]);
        Assert.IsType<NoLogs>(scribe.Ask<object>(GetLogBounds.Instance, TimeSpan.FromSeconds(5)).Result);
    }

    [Fact]
    public void Live_posts_are_stored_and_logged_after_they_are_committed()
    {
        var (scribe, wire) = Start(new ScribeSettings { DontPull = true });
        ExpectStartup(wire, pull: false);
        for (int i = 0; i < 50; i++)
        {
            scribe.Tell(Post("post " + i));
        }

        var bounds = Bounds(scribe);
        Assert.Equal(50, bounds!.Count);
        Assert.Equal(50, LogText.Split('\n').Count(l => l.Contains("] POST ")));
        Assert.Contains("text='post 49'", LogText);
    }

    [Fact]
    public void Log_query_is_answered_with_log_info_only_when_holding_posts()
    {
        var (scribe, wire) = Start(new ScribeSettings { DontPull = true });
        ExpectStartup(wire, pull: false);
        scribe.Tell(FromPeer("broadcast", new { type = "log-query" }));
        scribe.Tell(Post("first", id: "0000000000000400"));
        scribe.Tell(Post("second", id: "0000000000000800"));
        scribe.Tell(FromPeer("broadcast", new { type = "log-query" }));

        var info = wire.ExpectMsg<Sent>();
        Assert.Equal("unicast", info.Type);
        Assert.Equal(Peer, info.To);
        Assert.Equal("log-info", info.DataType);
        Assert.Equal("0000000000000400", (string?)info.Frame["data"]!["from"]);
        Assert.Equal("0000000000000800", (string?)info.Frame["data"]!["to"]);
        Assert.Equal(2, (int)info.Frame["data"]!["length"]!);
        wire.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Log_request_is_answered_with_inclusive_ranges_uuids_and_the_key_and_capped_by_maxlen()
    {
        var (scribe, wire) = Start(new ScribeSettings { DontPull = true, MaxLength = 3 });
        ExpectStartup(wire, pull: false);
        scribe.Tell(Frame(new { type = "joined", data = new { id = Peer, uuid = "peer-uuid" } }));
        for (int i = 1; i <= 6; i++)
        {
            scribe.Tell(Post("p" + i, id: IdFormat.ToHex(i * 0x400L)));
        }

        scribe.Tell(FromPeer("unicast", new { type = "log-request", from = IdFormat.ToHex(0x800), to = IdFormat.ToHex(0xC00), key = new { k = 1 } }, to: Self));
        var log = wire.ExpectMsg<Sent>(s => s.DataType == "log");
        var data = log.Frame["data"]!;
        Assert.Equal([IdFormat.ToHex(0x800), IdFormat.ToHex(0xC00)], data["data"]!.AsArray().Select(e => (string?)e!["id"]));
        var first = data["data"]![0]!;
        Assert.Equal(0x800L >> 10, (long)first["timestamp"]!);
        Assert.Equal(Peer, (string?)first["from"]);
        Assert.Equal("alice", (string?)first["nick"]);
        Assert.Equal("peer-uuid", (string?)data["uuids"]![Peer]);
        Assert.Equal(1, (int)data["key"]!["k"]!);

        // No bounds: the newest maxlen posts.
        scribe.Tell(FromPeer("unicast", new { type = "log-request" }, to: Self));
        var capped = wire.ExpectMsg<Sent>(s => s.DataType == "log").Frame["data"]!["data"]!.AsArray();
        Assert.Equal(["p4", "p5", "p6"], capped.Select(e => (string?)e!["text"]));

        // A length above maxlen is capped; to + length gives the newest up to to.
        scribe.Tell(FromPeer("unicast", new { type = "log-request", to = IdFormat.ToHex(0x1400), length = 2 }, to: Self));
        var upTo = wire.ExpectMsg<Sent>(s => s.DataType == "log").Frame["data"]!["data"]!.AsArray();
        Assert.Equal(["p4", "p5"], upTo.Select(e => (string?)e!["text"]));
        Assert.Contains("] LOGSEND to='" + Peer + "'", LogText);
    }

    [Fact]
    public void A_log_request_makes_Scribe_read_no_more_posts_than_one_reply_carries_whatever_it_asks()
    {
        var store = new RecordingStore(new SqliteMessageStore(":memory:"));
        store.Add(Enumerable.Range(1, 50).Select(i => new LogEntry(i * 0x400L, null, 7, "n", "t" + i)).ToList());
        var (scribe, wire) = Start(new ScribeSettings { DontPull = true, MaxReplyPosts = 5 }, store);
        ExpectStartup(wire, pull: false);

        IReadOnlyList<string?> Reply(object request)
        {
            scribe.Tell(FromPeer("unicast", request, to: Self));
            return wire.ExpectMsg<Sent>(s => s.DataType == "log").Frame["data"]!["data"]!.AsArray().Select(e => (string?)e!["text"]).ToList();
        }

        Assert.Equal(["t46", "t47", "t48", "t49", "t50"], Reply(new { type = "log-request" }));
        Assert.Equal(["t46", "t47", "t48", "t49", "t50"], Reply(new { type = "log-request", length = 1000 }));
        Assert.Equal(["t3", "t4"], Reply(new { type = "log-request", from = IdFormat.ToHex(3 * 0x400L), length = 2 }));
        // Both bounds: the protocol ignores length, the cap still holds (newest of the range kept).
        Assert.Equal(["t36", "t37", "t38", "t39", "t40"], Reply(new { type = "log-request", from = IdFormat.ToHex(0), to = IdFormat.ToHex(40 * 0x400L), length = 1000 }));
        Assert.All(store.Amounts, amount => Assert.InRange(amount ?? int.MaxValue, 0, 5));
        Assert.Equal(4, store.Amounts.Count);
    }

    [Fact]
    public void A_store_that_fails_to_write_stops_Scribe_loudly_instead_of_losing_posts_in_silence()
    {
        var failures = CreateTestProbe();
        var store = new ReadOnlyAfterOpenStore(new SqliteMessageStore(":memory:"));
        var wire = CreateTestProbe();
        var scribe = Sys.ActorOf(ScribeActor.Props(store, _log, new ScribeSettings { DontPull = true }, storeFailed: e => failures.Ref.Tell(e)));
        Watch(scribe);
        scribe.Tell(new ScribeConnected(new ProbeTransport(wire.Ref)));
        scribe.Tell(Frame(new { type = "identity", data = new { id = Self, uuid = "self-uuid", version = "1.6.0", era = "e" } }));
        ExpectStartup(wire, pull: false);

        store.ReadOnly = true;
        scribe.Tell(Post("never stored"));
        Assert.IsType<SqliteException>(failures.ExpectMsg<Exception>());
        Assert.True(wire.FishForMessage<object>(m => m is TransportClosed) is TransportClosed { Final: true });
        ExpectTerminated(scribe);
        Assert.Contains("] ERROR reason=\"message database failed: SqliteException(", LogText); // repr quotes with " when the text holds '
        Assert.Contains("lost=1", LogText);
        Assert.DoesNotContain("] POST ", LogText);
    }

    /// <summary>
    /// A real SQLite database that turns read-only when told: its writes then fail as a
    /// read-only database's do (the mode SQLite silently falls back to for a file it may only read).
    /// </summary>
    private sealed class ReadOnlyAfterOpenStore(IMessageStore inner) : IMessageStore
    {
        private readonly SqliteConnection _readOnly = Open();

        public volatile bool ReadOnly;

        public int? Capacity => inner.Capacity;

        public IReadOnlyList<LogEntry> Add(IReadOnlyCollection<LogEntry> entries)
        {
            if (ReadOnly)
            {
                using var insert = _readOnly.CreateCommand();
                insert.CommandText = "INSERT INTO t VALUES (1)";
                insert.ExecuteNonQuery(); // throws SqliteException: attempt to write a readonly database
            }

            return inner.Add(entries);
        }

        public IReadOnlyList<long> AddUuids(IReadOnlyDictionary<long, string> uuids) => inner.AddUuids(uuids);

        public IReadOnlyList<LogEntry> Query(long? from, long? to, int? amount) => inner.Query(from, to, amount);

        public IReadOnlyDictionary<long, string> GetUuids(IEnumerable<long> ids) => inner.GetUuids(ids);

        public IReadOnlyList<LogEntry> Delete(IReadOnlyCollection<long> ids) => inner.Delete(ids);

        public LogBounds? Bounds() => inner.Bounds();

        public IEnumerable<LogEntry> All() => inner.All();

        public void Dispose()
        {
            _readOnly.Dispose();
            inner.Dispose();
        }

        private static SqliteConnection Open()
        {
            var connection = new SqliteConnection("Data Source=file:readonly-spec?mode=memory&cache=shared");
            connection.Open();
            using (var create = connection.CreateCommand())
            {
                create.CommandText = "CREATE TABLE IF NOT EXISTS t (x); PRAGMA query_only = 1";
                create.ExecuteNonQuery();
            }

            return connection;
        }
    }

    /// <summary>A store that records the amount every query asked it for.</summary>
    private sealed class RecordingStore(IMessageStore inner) : IMessageStore
    {
        public List<int?> Amounts { get; } = [];

        public int? Capacity => inner.Capacity;

        public IReadOnlyList<LogEntry> Add(IReadOnlyCollection<LogEntry> entries) => inner.Add(entries);

        public IReadOnlyList<long> AddUuids(IReadOnlyDictionary<long, string> uuids) => inner.AddUuids(uuids);

        public IReadOnlyList<LogEntry> Query(long? from, long? to, int? amount)
        {
            lock (Amounts)
            {
                Amounts.Add(amount);
            }

            return inner.Query(from, to, amount);
        }

        public IReadOnlyDictionary<long, string> GetUuids(IEnumerable<long> ids) => inner.GetUuids(ids);

        public IReadOnlyList<LogEntry> Delete(IReadOnlyCollection<long> ids) => inner.Delete(ids);

        public LogBounds? Bounds() => inner.Bounds();

        public IEnumerable<LogEntry> All() => inner.All();

        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void Pulls_history_in_rounds_until_nothing_new_then_announces_done()
    {
        var (scribe, wire) = Start(new ScribeSettings { MaxLength = 100, SelectWindow = TimeSpan.FromMilliseconds(300) });
        ExpectStartup(wire);

        // A peer holding posts 1..4 answers the query.
        scribe.Tell(FromPeer("unicast", new { type = "log-info", from = IdFormat.ToHex(0x400), to = IdFormat.ToHex(0x1000), length = 4 }, to: Self));
        var request = wire.ExpectMsg<Sent>(s => s.DataType == "log-request", TimeSpan.FromSeconds(5));
        Assert.Equal(Peer, request.To);
        Assert.Equal(IdFormat.ToHex(0x1000), (string?)request.Frame["data"]!["to"]);

        scribe.Tell(FromPeer("unicast", new
        {
            type = "log",
            data = Enumerable.Range(1, 4).Select(i => new { id = IdFormat.ToHex(i * 0x400L), parent = (string?)null, from = Peer, nick = "n", text = "old " + i, timestamp = 1 }).ToArray(),
            uuids = new Dictionary<string, string> { [Peer] = "peer-uuid" },
        }, to: Self));

        // Something was new: another round.
        wire.ExpectMsg<Sent>(s => s.DataType == "log-query", TimeSpan.FromSeconds(5));
        Assert.Equal(4, Bounds(scribe)!.Count);
        Assert.Equal(4, LogText.Split('\n').Count(l => l.Contains("] LOGPOST ")));
        Assert.Contains("] LOGUUID id='" + Peer + "' uuid='peer-uuid'", LogText);

        // The same peer offers the same range again; a request yields nothing new; done.
        scribe.Tell(FromPeer("unicast", new { type = "log-info", from = IdFormat.ToHex(0x400), to = IdFormat.ToHex(0x1000), length = 4 }, to: Self));
        var done = wire.ExpectMsg<Sent>(s => s.DataType is "log-done" or "log-request", TimeSpan.FromSeconds(5));
        if (done.DataType == "log-request")
        {
            scribe.Tell(FromPeer("unicast", new { type = "log", data = Array.Empty<object>(), uuids = new { } }, to: Self));
            done = wire.ExpectMsg<Sent>(s => s.DataType == "log-done", TimeSpan.FromSeconds(5));
        }

        Assert.Equal("broadcast", done.Type);
        Assert.True(scribe.Ask<bool>(IsLogsDone.Instance, TimeSpan.FromSeconds(5)).Result);

        // Once done, log-inquiry is answered.
        scribe.Tell(FromPeer("broadcast", new { type = "log-inquiry" }));
        var answer = wire.ExpectMsg<Sent>(s => s.DataType == "log-done");
        Assert.Equal(Peer, answer.To);
    }

    private ServerFrame LogReply(params long[] ids)
        => FromPeer("unicast", new
        {
            type = "log",
            data = ids.Select(i => new { id = IdFormat.ToHex(i), parent = (string?)null, from = Peer, nick = "n", text = "post " + IdFormat.ToHex(i), timestamp = 1 }).ToArray(),
            uuids = new { },
        }, to: Self);

    private ServerFrame LogInfo(long from, long to, int length)
        => FromPeer("unicast", new { type = "log-info", from = IdFormat.ToHex(from), to = IdFormat.ToHex(to), length }, to: Self);

    [Fact]
    public void A_post_that_reached_the_peer_after_it_answered_and_before_the_first_live_post_is_fetched()
    {
        var (scribe, wire) = Start(new ScribeSettings { SelectWindow = TimeSpan.FromMilliseconds(300) });
        ExpectStartup(wire);

        // The peer holds posts 1..4 when it answers; they are fetched.
        scribe.Tell(LogInfo(0x400, 0x1000, 4));
        var first = wire.ExpectMsg<Sent>(s => s.DataType == "log-request", TimeSpan.FromSeconds(5));
        Assert.Equal(IdFormat.ToHex(0x1000), (string?)first.Frame["data"]!["to"]);
        scribe.Tell(LogReply(0x400, 0x800, 0xC00, 0x1000));
        wire.ExpectMsg<Sent>(s => s.DataType == "log-query", TimeSpan.FromSeconds(5));

        // Post 0x1800 reached the peer only after its answer, and never reached Scribe; the first
        // post Scribe sees live is 0x2000. The peer's next answer names nothing older than what
        // Scribe has, yet Scribe asks up to its first live post.
        scribe.Tell(Post("live", id: IdFormat.ToHex(0x2000)));
        scribe.Tell(LogInfo(0x400, 0x2000, 6));
        var gap = wire.ExpectMsg<Sent>(s => s.DataType == "log-request", TimeSpan.FromSeconds(5));
        Assert.Equal(Peer, gap.To);
        Assert.Equal(IdFormat.ToHex(0x2000), (string?)gap.Frame["data"]!["to"]);
        scribe.Tell(LogReply(0x400, 0x800, 0xC00, 0x1000, 0x1800, 0x2000));

        // The missed post is stored; a round that adds nothing more ends the pulling.
        wire.ExpectMsg<Sent>(s => s.DataType == "log-query", TimeSpan.FromSeconds(5));
        Assert.Equal(6, Bounds(scribe)!.Count);
        Assert.Contains("] LOGPOST id='" + IdFormat.ToHex(0x1800) + "'", LogText);
        scribe.Tell(LogInfo(0x400, 0x2000, 6));
        wire.ExpectMsg<Sent>(s => s.DataType == "log-done", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_first_live_post_after_pulling_ended_brings_one_more_round_up_to_it()
    {
        var (scribe, wire) = Start(new ScribeSettings { SelectWindow = TimeSpan.FromMilliseconds(300) });
        ExpectStartup(wire);
        scribe.Tell(LogInfo(0x400, 0x1000, 4));
        wire.ExpectMsg<Sent>(s => s.DataType == "log-request", TimeSpan.FromSeconds(5));
        scribe.Tell(LogReply(0x400, 0x800, 0xC00, 0x1000));
        wire.ExpectMsg<Sent>(s => s.DataType == "log-query", TimeSpan.FromSeconds(5));
        wire.ExpectMsg<Sent>(s => s.DataType == "log-done", TimeSpan.FromSeconds(5)); // nobody answers the second round

        // The first live post comes after pulling ended: one more round, up to it.
        scribe.Tell(Post("live", id: IdFormat.ToHex(0x2000)));
        wire.ExpectMsg<Sent>(s => s.DataType == "log-query" && s.To is null, TimeSpan.FromSeconds(5));
        scribe.Tell(LogInfo(0x400, 0x2000, 6));
        var gap = wire.ExpectMsg<Sent>(s => s.DataType == "log-request", TimeSpan.FromSeconds(5));
        Assert.Equal(IdFormat.ToHex(0x2000), (string?)gap.Frame["data"]!["to"]);
        scribe.Tell(LogReply(0x1000, 0x1800, 0x2000));
        wire.ExpectMsg<Sent>(s => s.DataType == "log-query", TimeSpan.FromSeconds(5));
        Assert.Equal(6, Bounds(scribe)!.Count);

        // Covered now: later live posts start no round, and log-done is not announced twice.
        scribe.Tell(Post("later", id: IdFormat.ToHex(0x2400)));
        wire.ExpectNoMsg(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(7, Bounds(scribe)!.Count);
    }

    [Fact]
    public void The_peer_with_the_oldest_logs_is_chosen_and_newcomers_are_asked_while_selecting()
    {
        const string Other = "0000000000030000";
        var (scribe, wire) = Start(new ScribeSettings { SelectWindow = TimeSpan.FromMilliseconds(500) });
        ExpectStartup(wire);
        scribe.Tell(Frame(new { type = "joined", data = new { id = Other, uuid = "other-uuid" } }));
        var query = wire.ExpectMsg<Sent>(s => s.DataType == "log-query");
        Assert.Equal(Other, query.To);

        scribe.Tell(FromPeer("unicast", new { type = "log-info", from = IdFormat.ToHex(0x800), to = IdFormat.ToHex(0x1000), length = 3 }, to: Self));
        scribe.Tell(FromPeer("unicast", new { type = "log-info", from = IdFormat.ToHex(0x400), to = IdFormat.ToHex(0x1000), length = 4 }, from: Other, to: Self));
        var request = wire.ExpectMsg<Sent>(s => s.DataType == "log-request", TimeSpan.FromSeconds(5));
        Assert.Equal(Other, request.To);
    }

    [Fact]
    public void Dont_stay_leaves_after_finishing_and_dont_pull_with_dont_stay_leaves_on_another_log_done()
    {
        var (_, wire) = Start(new ScribeSettings { DontStay = true, SelectWindow = TimeSpan.FromMilliseconds(200) });
        ExpectStartup(wire);
        wire.ExpectMsg<Sent>(s => s.DataType == "log-done", TimeSpan.FromSeconds(5));
        Assert.True(wire.ExpectMsg<TransportClosed>().Final);

        var (scribe, passive) = Start(new ScribeSettings { DontStay = true, DontPull = true });
        ExpectStartup(passive, pull: false);
        scribe.Tell(FromPeer("broadcast", new { type = "log-info", from = IdFormat.ToHex(0x400), to = IdFormat.ToHex(0x400), length = 1 }));
        scribe.Tell(FromPeer("broadcast", new { type = "log-inquiry" }));
        passive.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        scribe.Tell(FromPeer("broadcast", new { type = "log-done" }));
        Assert.True(passive.ExpectMsg<TransportClosed>().Final);
    }

    [Fact]
    public void Push_logs_sends_everything_to_each_target_then_a_log_inquiry()
    {
        var store = new SqliteMessageStore(":memory:");
        store.Add(Enumerable.Range(1, 5).Select(i => new LogEntry(i * 0x400L, null, 7, "n", "t" + i)).ToList());
        var (_, wire) = Start(new ScribeSettings { DontPull = true, MaxLength = 2, PushLogs = ["00000000000000A1", "00000000000000A2"] }, store);
        var pushes = new[] { wire.FishForMessage<Sent>(s => s.DataType == "log"), wire.ExpectMsg<Sent>(s => s.DataType == "log") };
        Assert.Equal(["00000000000000A1", "00000000000000A2"], pushes.Select(p => p.To));
        Assert.All(pushes, p => Assert.Equal(5, p.Frame["data"]!["data"]!.AsArray().Count));
        wire.ExpectMsg<Sent>(s => s.Type == "broadcast" && s.DataType == "log-inquiry");
    }

    [Fact]
    public void Pushes_and_replies_stay_under_the_reply_size_limit()
    {
        var store = new SqliteMessageStore(":memory:");
        store.Add(Enumerable.Range(1, 30).Select(i => new LogEntry(i * 0x400L, null, 7, "n", new string('x', 900))).ToList());
        var (scribe, wire) = Start(new ScribeSettings { DontPull = true, MaxReplyBytes = 10_000, PushLogs = ["00000000000000A1"] }, store);
        var pushed = new List<string?>();
        while (pushed.Count < 30)
        {
            var frame = wire.FishForMessage<Sent>(s => s.DataType == "log");
            Assert.True(frame.ToString().Length <= 10_000, $"push frame of {frame.ToString().Length} bytes");
            pushed.AddRange(frame.Frame["data"]!["data"]!.AsArray().Select(e => (string?)e!["id"]));
        }

        Assert.Equal(Enumerable.Range(1, 30).Select(i => IdFormat.ToHex(i * 0x400L)), pushed);
        wire.ExpectMsg<Sent>(s => s.DataType == "log-inquiry");

        // A request for everything gets the newest posts that fit; the requester pages on.
        scribe.Tell(FromPeer("unicast", new { type = "log-request" }, to: Self));
        var reply = wire.ExpectMsg<Sent>(s => s.DataType == "log");
        var ids = reply.Frame["data"]!["data"]!.AsArray().Select(e => (string?)e!["id"]).ToList();
        Assert.InRange(ids.Count, 1, 29);
        Assert.Equal(IdFormat.ToHex(30 * 0x400L), ids[^1]);
        Assert.True(reply.ToString().Length <= 10_000);
    }

    [Fact]
    public void Delete_removes_and_logs_and_who_is_answered_with_the_nick()
    {
        var (scribe, wire) = Start(new ScribeSettings { DontPull = true, Nick = "Keeper" });
        ExpectStartup(wire, pull: false);
        scribe.Tell(Post("doomed", id: "0000000000000400"));
        scribe.Tell(Post("kept", id: "0000000000000800"));
        scribe.Tell(FromPeer("broadcast", new { type = "delete", ids = new[] { "0000000000000400", "00000000000FFFFF" } }));
        Assert.Equal(1, Bounds(scribe)!.Count);
        Assert.Contains("] DELETE by='" + Peer + "' id='0000000000000400' parent=None from='" + Peer + "' nick='alice' text='doomed'", LogText);
        Assert.Contains("] DELETE by='" + Peer + "' id='00000000000FFFFF'", LogText);

        scribe.Tell(FromPeer("broadcast", new { type = "who" }));
        var nick = wire.ExpectMsg<Sent>(s => s.DataType == "nick");
        Assert.Equal(Peer, nick.To);
        Assert.Equal("Keeper", (string?)nick.Frame["data"]!["nick"]);

        scribe.Tell(FromPeer("unicast", new { type = "privmsg", nick = "bob", text = "psst", subject = "s", parent = (string?)null }, to: Self));
        scribe.Tell(FromPeer("broadcast", new { type = "nick", nick = "bob", uuid = "bob-uuid" }));
        AwaitCondition(() => LogText.Contains("] NICK id='" + Peer + "' uuid='bob-uuid' nick='bob'"), TimeSpan.FromSeconds(5));
        Assert.Contains("] PRIVMSG ", LogText);
        Assert.Contains("subject='s' text='psst'", LogText);
    }

    [Fact]
    public void Bad_input_from_peers_is_skipped_with_a_log_line_and_never_corrupts_the_store()
    {
        var (scribe, wire) = Start(new ScribeSettings { DontPull = true, MaxTextLength = 1000 });
        ExpectStartup(wire, pull: false);
        var entries = new object[]
        {
            new { id = "0000000000000400", parent = (string?)null, from = Peer, nick = "ok", text = "good" },
            new { id = "not-hex", text = "bad id" },
            new { id = "00000000000000000400", text = "too long an id" },
            new { id = 1024, text = "number id" },
            new { id = "0000000000000800", text = 5 },
            new { id = "0000000000000C00", parent = "zz", text = "bad parent" },
            new { id = "0000000000001000", text = new string('x', 5000) },
            "not even an object",
        };
        scribe.Tell(FromPeer("unicast", new { type = "log", data = entries, uuids = new Dictionary<string, object> { ["xyz"] = "u", [Peer] = 5 } }, to: Self));
        scribe.Tell(FromPeer("unicast", new { type = "log", data = "not a list" }, to: Self));
        scribe.Tell(new ServerFrame(Encoding.UTF8.GetBytes("{broken json")));
        scribe.Tell(new ServerFrame(Encoding.UTF8.GetBytes("[1,2]")));
        scribe.Tell(Post("post without nick id", from: "bogus"));
        scribe.Tell(Frame(new { type = "broadcast", id = "0000000000001400", from = Peer, data = new { type = "post", text = new { nested = true } } }));

        var bounds = Bounds(scribe)!;
        Assert.Equal(2, bounds.Count);
        Assert.True(LogText.Split('\n').Count(l => l.Contains("] WARNING ")) >= 7, LogText);

        scribe.Tell(FromPeer("unicast", new { type = "log-request" }, to: Self));
        var served = wire.ExpectMsg<Sent>(s => s.DataType == "log").Frame["data"]!["data"]!.AsArray();
        Assert.Equal(2, served.Count);
    }

    [Fact]
    public void Pings_repeat_and_a_connection_without_pongs_for_three_delays_is_dropped()
    {
        var (scribe, wire) = Start(new ScribeSettings { DontPull = true, PingDelay = TimeSpan.FromMilliseconds(300) });
        ExpectStartup(wire, pull: false);
        scribe.Tell(Frame(new { type = "pong", seq = 0 }));
        wire.ExpectMsg<Sent>(s => s.Type == "ping", TimeSpan.FromSeconds(5));
        var closed = wire.FishForMessage<object>(m => m is TransportClosed, TimeSpan.FromSeconds(10));
        Assert.False(((TransportClosed)closed).Final);
    }
}
