using System.Data.Common;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Scribe.Actors.Logging;
using Scribe.Actors.Stores;

namespace Scribe.Actors.Protocol;

/// <summary>
/// Scribe, the log-keeping participant. It is transport-agnostic: it consumes server→client
/// frames (<see cref="ServerFrame"/>, UTF-8 JSON) and sends client→server frames through an
/// <see cref="IScribeTransport"/>, so the same actor runs over a WebSocket and in-process.
/// It records posts, nicks and uuids, answers log queries, pulls missing history from peers
/// in rounds until a round adds nothing, and keeps the connection alive with pings.
/// Live posts are written in batches: posts already in the mailbox are committed in one
/// transaction, and only then logged as POST, so a POST line means the post is on disk.
/// </summary>
public sealed partial class ScribeActor : ReceiveActor, IWithTimers
{
    private const int MaxPings = 3;

    private readonly IMessageStore _store;
    private readonly LogfileWriter _log;
    private readonly ScribeSettings _settings;
    private readonly TimeProvider _time;
    private readonly Action<Exception>? _storeFailed;
    private readonly List<PendingPost> _pending = new();
    private readonly Dictionary<long, long> _oldestFromPeer = new();
    private readonly Queue<string> _pushLogs;
    private IScribeTransport? _transport;
    private long _seq;
    private long? _selfId;
    private string? _selfUuid;
    private bool _logsDone;
    private bool _announcedDone;
    private bool _selecting;
    private int _round;
    private Candidate? _candidate;
    private DateTimeOffset _lastPong;
    private bool _pongSeen;
    private bool _storeBroken;
    private readonly ScribeMetrics? _metrics;

    /// <param name="storeFailed">
    /// Told once if the store fails (a read-only or corrupt database); Scribe has then written an
    /// <c>ERROR</c> line, closed its connection for good and stopped, and its owner should report
    /// it (the standalone client exits non-zero).
    /// </param>
    /// <param name="metrics">Where stored posts are counted, if anywhere.</param>
    public ScribeActor(IMessageStore store, LogfileWriter log, ScribeSettings settings, TimeProvider? time = null, Action<Exception>? storeFailed = null, ScribeMetrics? metrics = null)
    {
        _metrics = metrics;
        _store = store;
        _log = log;
        _settings = settings;
        _time = time ?? TimeProvider.System;
        _storeFailed = storeFailed;
        _pushLogs = new Queue<string>(settings.PushLogs);

        Receive<ScribeConnected>(OnConnected);
        Receive<ServerFrame>(frame => OnFrame(frame.Json));
        Receive<ScribeDisconnected>(_ =>
        {
            _transport = null;
            _selecting = false;
            _candidate = null;
            Timers.CancelAll();
        });
        Receive<FlushPosts>(_ => FlushPending());
        Receive<SendPing>(_ => Ping());
        Receive<SelectTimeout>(t => OnSelectTimeout(t.Round));
        Receive<RequestFromCandidate>(r => OnRequestCandidate(r));
        Receive<GetLogBounds>(_ =>
        {
            FlushPending();
            Sender.Tell(_store.Bounds() is { } b ? b : NoLogs.Instance);
        });
        Receive<IsLogsDone>(_ => Sender.Tell(_logsDone));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        IMessageStore store, LogfileWriter log, ScribeSettings settings, TimeProvider? time = null, Action<Exception>? storeFailed = null, ScribeMetrics? metrics = null)
        => Akka.Actor.Props.Create(() => new ScribeActor(store, log, settings, time, storeFailed, metrics));

    protected override bool AroundReceive(Receive receive, object message)
    {
        if (_storeBroken)
        {
            return true; // stopping: nothing more is stored or answered
        }

        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (DbException e)
        {
            // A restart would drop the pending posts and go on losing every new one in silence.
            FailOnStore(e);
            return true;
        }
    }

    protected override void PostStop()
    {
        if (!_storeBroken)
        {
            try
            {
                FlushPending();
            }
            catch (DbException e)
            {
                _log.Write("ERROR", ("reason", $"message database failed: {e.GetType().Name}({e.Message})"));
            }
        }

        base.PostStop();
    }

    private void FailOnStore(DbException e)
    {
        _storeBroken = true;
        _log.Write("ERROR", ("reason", $"message database failed: {e.GetType().Name}({e.Message})"), ("lost", _pending.Count));
        _pending.Clear();
        var transport = _transport;
        _transport = null;
        Timers.CancelAll();
        _storeFailed?.Invoke(e);
        transport?.Close(final: true);
        Context.Stop(Self);
    }

    private void OnConnected(ScribeConnected connected)
    {
        _transport = connected.Transport;
        _selfId = null;
        _pongSeen = false;
        _lastPong = _time.GetUtcNow();
    }

    private void OnFrame(byte[] json)
    {
        _log.Write("MESSAGE", ("content", Encoding.UTF8.GetString(json)));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            _log.Write("WARNING", ("reason", "bad JSON from server: " + e.Message));
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            var data = root.TryGetProperty("data", out var d) ? d : default;
            switch (Str(root, "type"))
            {
                case "identity":
                    OnIdentity(data);
                    break;
                case "joined":
                    OnJoined(data);
                    break;
                case "pong":
                    _pongSeen = true;
                    _lastPong = _time.GetUtcNow();
                    break;
                case "who":
                    OnWhoReply(data);
                    break;
                case "broadcast" or "unicast":
                    if (data.ValueKind == JsonValueKind.Object)
                    {
                        OnRelay(root, data);
                    }

                    break;
                case "error":
                    _log.Write("ERROR", ("reason", "server error: " + root.GetRawText()));
                    break;
            }
        }
    }

    private void OnIdentity(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || ScribeIds.Parse(Str(data, "id")) is not { } id)
        {
            return;
        }

        _selfId = id;
        _selfUuid = Str(data, "uuid");
        if (_selfUuid is { } uuid)
        {
            RecordUuids(new Dictionary<long, string> { [id] = uuid });
        }

        Ping();
        if (_settings.Nick is { } nick)
        {
            SendRelay(null, "nick", w =>
            {
                w.WriteString("nick", nick);
                ClientFrames.WriteStringOrNull(w, "uuid", Str(data, "uuid"));
            });
        }

        Send(ClientFrames.Who(_seq++));
        SendRelay(null, "who");
        if (_pushLogs.Count > 0)
        {
            FlushPending();
            var all = _store.All().ToList();
            while (_pushLogs.TryDequeue(out var target))
            {
                // The whole store, unasked, in as many log frames as the reply size limit needs.
                foreach (var chunk in SplitToReplySize(all))
                {
                    SendLog(target, chunk, key: null, echo: null);
                }
            }

            SendRelay(null, "log-inquiry");
        }

        if (!_settings.DontPull)
        {
            StartRound();
        }
    }

    private void OnJoined(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || ScribeIds.Parse(Str(data, "id")) is not { } id)
        {
            return;
        }

        if (Str(data, "uuid") is { } uuid)
        {
            RecordUuids(new Dictionary<long, string> { [id] = uuid });
        }

        if (_selecting && id != _selfId)
        {
            SendRelay(ScribeIds.Format(id), "log-query");
        }
    }

    private void OnWhoReply(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var uuids = new Dictionary<long, string>();
        foreach (var participant in data.EnumerateObject())
        {
            if (ScribeIds.Parse(participant.Name) is { } id && participant.Value.ValueKind == JsonValueKind.Object
                && Str(participant.Value, "uuid") is { } uuid)
            {
                uuids[id] = uuid;
            }
        }

        RecordUuids(uuids);
    }

    private void OnRelay(JsonElement envelope, JsonElement data)
    {
        long? id = ScribeIds.Parse(Str(envelope, "id"));
        long? from = ScribeIds.Parse(Str(envelope, "from"));
        bool fromSelf = from is not null && from == _selfId;
        switch (Str(data, "type"))
        {
            case "post":
                OnPost(id, from, data);
                break;
            case "nick":
                OnNick(from, data);
                break;
            case "who":
                if (!fromSelf && from is { } asker && _settings.Nick is { } nick)
                {
                    SendRelay(ScribeIds.Format(asker), "nick", w =>
                    {
                        w.WriteString("nick", nick);
                        ClientFrames.WriteStringOrNull(w, "uuid", _selfUuid);
                    });
                }

                break;
            case "log-query":
                if (!fromSelf && from is { } querier)
                {
                    FlushPending();
                    if (_store.Bounds() is { } bounds)
                    {
                        SendRelay(ScribeIds.Format(querier), "log-info", w =>
                        {
                            w.WriteString("from", ScribeIds.Format(bounds.From));
                            w.WriteString("to", ScribeIds.Format(bounds.To));
                            w.WriteNumber("length", bounds.Count);
                        });
                    }
                }

                break;
            case "log-info":
                if (!fromSelf && from is { } peer && !_settings.DontPull)
                {
                    OnLogInfo(peer, data);
                }

                break;
            case "log-request":
                if (!fromSelf && from is { } requester)
                {
                    OnLogRequest(requester, data);
                }

                break;
            case "log":
                if (!fromSelf && from is { } sender)
                {
                    OnLog(sender, data);
                }

                break;
            case "delete":
                OnDelete(from, data);
                break;
            case "log-inquiry":
                if (!fromSelf && from is { } inquirer && _logsDone)
                {
                    SendRelay(ScribeIds.Format(inquirer), "log-done");
                }

                break;
            case "log-done":
                if (!fromSelf && _settings.DontStay && _settings.DontPull)
                {
                    Leave();
                }

                break;
            case "privmsg":
                _log.Write("PRIVMSG", ("id", ScribeIds.Format(id)), ("parent", StrOrNull(data, "parent")), ("from", ScribeIds.Format(from)),
                    ("nick", StrOrNull(data, "nick")), ("subject", StrOrNull(data, "subject")), ("text", StrOrNull(data, "text")));
                break;
        }
    }

    private void OnPost(long? id, long? from, JsonElement data)
    {
        if (id is not { } postId)
        {
            return;
        }

        if (!TryReadPost(postId, from, data, out var entry, out var problem))
        {
            _log.Write("WARNING", ("reason", "bad post skipped: " + problem), ("id", ScribeIds.Format(postId)));
            return;
        }

        _pending.Add(new PendingPost(entry));
        if (_pending.Count == 1)
        {
            // Queued behind whatever is in the mailbox already: one transaction per burst.
            Self.Tell(FlushPosts.Instance);
        }
    }

    private void FlushPending()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var batch = _pending.Select(p => p.Entry).ToList();
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        _store.Add(batch);
        _metrics?.Stored(batch.Count, started);
        _pending.Clear(); // after the commit: if it fails, the ERROR line counts them as lost
        foreach (var entry in batch)
        {
            _log.Write("POST", ("id", ScribeIds.Format(entry.Id)), ("parent", ScribeIds.Format(entry.Parent)),
                ("from", ScribeIds.Format(entry.Sender)), ("nick", entry.Nick), ("text", entry.Text));
        }
    }

    private void OnNick(long? from, JsonElement data)
    {
        if (from is not { } sender)
        {
            return;
        }

        string? uuid = Str(data, "uuid");
        if (Str(data, "nick") is { Length: > 0 } nick)
        {
            _log.Write("NICK", uuid is null
                ? [("id", ScribeIds.Format(sender)), ("nick", nick)]
                : [("id", ScribeIds.Format(sender)), ("uuid", uuid), ("nick", nick)]);
        }

        if (uuid is not null)
        {
            RecordUuids(new Dictionary<long, string> { [sender] = uuid });
        }
    }

    private void OnDelete(long? by, JsonElement data)
    {
        if (!data.TryGetProperty("ids", out var idsElement) || idsElement.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var ids = idsElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? ScribeIds.Parse(e.GetString()) : null)
            .OfType<long>().ToList();
        FlushPending();
        var removed = _store.Delete(ids).ToDictionary(e => e.Id);
        foreach (var id in ids)
        {
            if (removed.TryGetValue(id, out var e))
            {
                _log.Write("DELETE", ("by", ScribeIds.Format(by)), ("id", ScribeIds.Format(id)), ("parent", ScribeIds.Format(e.Parent)),
                    ("from", ScribeIds.Format(e.Sender)), ("nick", e.Nick), ("text", e.Text));
            }
            else
            {
                _log.Write("DELETE", ("by", ScribeIds.Format(by)), ("id", ScribeIds.Format(id)));
            }
        }
    }

    private void OnLogRequest(long requester, JsonElement data)
    {
        long? from = ScribeIds.Parse(Str(data, "from"));
        long? to = ScribeIds.Parse(Str(data, "to"));
        int? length = data.TryGetProperty("length", out var l) && l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out int n) && n >= 0 ? n : null;
        // The store reads no more than one reply can carry: a request without a length (or
        // with both bounds, where the protocol ignores it) once read the whole database.
        int cap = Math.Min(_settings.MaxLength ?? int.MaxValue, _settings.MaxReplyPosts);
        int amount = from is not null && to is not null ? cap : Math.Min(length ?? cap, cap);

        FlushPending();
        var entries = _store.Query(from, to, amount);

        string? key = data.TryGetProperty("key", out var k) ? k.GetRawText() : null;
        SendLog(ScribeIds.Format(requester), entries, key, data);
    }

    private void SendLog(string to, IReadOnlyList<LogEntry> entries, string? key, JsonElement? echo)
    {
        entries = CutToReplySize(entries);
        var uuids = _store.GetUuids(entries.Select(e => e.Sender).OfType<long>());
        long seq = _seq++;
        var frame = ClientFrames.Relay(seq, to, "log", w =>
        {
            w.WriteStartArray("data");
            foreach (var entry in entries)
            {
                ClientFrames.WriteEntry(w, entry);
            }

            w.WriteEndArray();
            w.WriteStartObject("uuids");
            foreach (var (user, uuid) in uuids)
            {
                w.WriteString(ScribeIds.Format(user), uuid);
            }

            w.WriteEndObject();
            if (echo is { ValueKind: JsonValueKind.Object } request)
            {
                foreach (var name in new[] { "from", "to", "length" })
                {
                    if (request.TryGetProperty(name, out var value))
                    {
                        w.WritePropertyName(name);
                        value.WriteTo(w);
                    }
                }
            }

            if (key is not null)
            {
                w.WritePropertyName("key");
                w.WriteRawValue(key);
            }
        });
        _transport?.Send(frame);
        var values = new List<(string, object?)> { ("to", to) };
        if (entries.Count > 0)
        {
            values.Add(("log-from", ScribeIds.Format(entries[0].Id)));
            values.Add(("log-to", ScribeIds.Format(entries[^1].Id)));
        }

        values.Add(("log-count", entries.Count));
        if (key is not null)
        {
            values.Add(("key", key));
        }

        _log.Write("LOGSEND", values.ToArray());
    }

    // Keep a reply well below the server's frame limit: drop the oldest posts first, the
    // requester pages further back with another request.
    private IReadOnlyList<LogEntry> CutToReplySize(IReadOnlyList<LogEntry> entries)
    {
        long budget = _settings.MaxReplyBytes;
        int keep = 0;
        for (int i = entries.Count - 1; i >= 0; i--)
        {
            long size = EstimateSize(entries[i]);
            if (budget - size < 0 && keep > 0)
            {
                break;
            }

            budget -= size;
            keep++;
        }

        return keep == entries.Count ? entries : entries.Skip(entries.Count - keep).ToList();
    }

    private IEnumerable<IReadOnlyList<LogEntry>> SplitToReplySize(IReadOnlyList<LogEntry> entries)
    {
        var chunk = new List<LogEntry>();
        long size = 0;
        foreach (var entry in entries)
        {
            long entrySize = EstimateSize(entry);
            if (chunk.Count > 0 && size + entrySize > _settings.MaxReplyBytes)
            {
                yield return chunk;
                chunk = new List<LogEntry>();
                size = 0;
            }

            chunk.Add(entry);
            size += entrySize;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    // An upper bound of an entry's JSON size: fixed fields plus text and nick, escapes counted twice.
    private static long EstimateSize(LogEntry e) => 180 + 2L * ((e.Text?.Length ?? 0) + (e.Nick?.Length ?? 0));

    private void OnLog(long peer, JsonElement data)
    {
        var entries = new List<LogEntry>();
        if (data.TryGetProperty("data", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || ScribeIds.Parse(Str(item, "id")) is not { } id)
                {
                    _log.Write("WARNING", ("reason", "log entry without a valid id skipped"), ("from", ScribeIds.Format(peer)));
                    continue;
                }

                if (!TryReadPost(id, ScribeIds.Parse(Str(item, "from")), item, out var entry, out var problem))
                {
                    _log.Write("WARNING", ("reason", "bad log entry skipped: " + problem), ("id", ScribeIds.Format(id)), ("from", ScribeIds.Format(peer)));
                    continue;
                }

                entries.Add(entry);
            }
        }

        var uuids = new Dictionary<long, string>();
        ReadUuidMap(data, "uuids", uuids, nested: false);
        ReadUuidMap(data, "users", uuids, nested: true);

        FlushPending();
        var added = _store.Add(entries);
        foreach (var e in added)
        {
            _log.Write("LOGPOST", ("id", ScribeIds.Format(e.Id)), ("parent", ScribeIds.Format(e.Parent)), ("from", ScribeIds.Format(e.Sender)),
                ("nick", e.Nick), ("text", e.Text));
        }

        foreach (var user in _store.AddUuids(uuids))
        {
            _log.Write("LOGUUID", ("id", ScribeIds.Format(user)), ("uuid", uuids[user]));
        }

        if (_settings.DontPull)
        {
            return;
        }

        if (entries.Count > 0)
        {
            long oldest = entries.Min(e => e.Id);
            _oldestFromPeer[peer] = _oldestFromPeer.TryGetValue(peer, out var known) ? Math.Min(known, oldest) : oldest;
        }

        if (added.Count > 0)
        {
            StartRound();
        }
        else
        {
            Finish();
        }
    }

    private void OnLogInfo(long peer, JsonElement data)
    {
        if (!_selecting || ScribeIds.Parse(Str(data, "from")) is not { } peerFrom || ScribeIds.Parse(Str(data, "to")) is not { } peerTo)
        {
            return;
        }

        if (_candidate is { } current && peerFrom >= current.PeerFrom)
        {
            return;
        }

        FlushPending();
        long requestTo;
        if (_store.Bounds() is { } ours && peerFrom < ours.From)
        {
            requestTo = ours.From;
        }
        else if (_oldestFromPeer.TryGetValue(peer, out var oldest))
        {
            requestTo = oldest;
        }
        else
        {
            requestTo = peerTo;
        }

        // A peer whose history we have already received down to its own oldest post has nothing for us.
        if (_oldestFromPeer.TryGetValue(peer, out var seen) && seen <= peerFrom && _store.Bounds() is { } b && b.From <= peerFrom)
        {
            return;
        }

        var candidate = new Candidate(peer, peerFrom, requestTo, _round);
        _candidate = candidate;
        Timers.StartSingleTimer("candidate", new RequestFromCandidate(candidate), _settings.SelectWindow);
    }

    private void OnRequestCandidate(RequestFromCandidate request)
    {
        if (_candidate != request.Candidate || !_selecting)
        {
            return;
        }

        _selecting = false;
        Timers.Cancel("select");
        SendRelay(ScribeIds.Format(request.Candidate.Peer), "log-request", w => w.WriteString("to", ScribeIds.Format(request.Candidate.RequestTo)));
    }

    private void StartRound()
    {
        _round++;
        _selecting = true;
        _candidate = null;
        SendRelay(null, "log-query");
        Timers.StartSingleTimer("select", new SelectTimeout(_round), _settings.SelectWindow);
    }

    private void OnSelectTimeout(int round)
    {
        if (round != _round || !_selecting || _candidate is not null)
        {
            return;
        }

        _selecting = false;
        Finish();
    }

    private void Finish()
    {
        _selecting = false;
        _candidate = null;
        _logsDone = true;
        if (!_announcedDone)
        {
            _announcedDone = true;
            SendRelay(null, "log-done");
        }

        if (_settings.DontStay)
        {
            Leave();
        }
    }

    private void Leave()
    {
        FlushPending();
        var transport = _transport;
        _transport = null;
        Timers.CancelAll();
        transport?.Close(final: true);
    }

    private void Ping()
    {
        if (_transport is null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (_pongSeen && now - _lastPong >= _settings.PingDelay * MaxPings)
        {
            _log.Write("TIMEOUT");
            var transport = _transport;
            _transport = null;
            Timers.CancelAll();
            transport.Close(final: false);
            return;
        }

        // The deadline promised to the server leaves a whole delay of slack, so a ping that is
        // a little late never gets Scribe disconnected.
        double next = (now + 2 * _settings.PingDelay).ToUnixTimeMilliseconds();
        Send(ClientFrames.Ping(_seq++, next));
        Timers.StartSingleTimer("ping", SendPing.Instance, _settings.PingDelay);
    }

    private void RecordUuids(Dictionary<long, string> uuids)
    {
        foreach (var user in _store.AddUuids(uuids))
        {
            _log.Write("UUID", ("id", ScribeIds.Format(user)), ("uuid", uuids[user]));
        }
    }

    private bool TryReadPost(long id, long? from, JsonElement data, out LogEntry entry, out string problem)
    {
        entry = null!;
        problem = string.Empty;
        long? parent = null;
        if (data.TryGetProperty("parent", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.String || ScribeIds.Parse(p.GetString()) is not { } parentId)
            {
                problem = "parent is not an id";
                return false;
            }

            parent = parentId;
        }

        if (!TryReadText(data, "nick", out var nick) || !TryReadText(data, "text", out var text))
        {
            problem = "nick or text is not a string";
            return false;
        }

        if ((text?.Length ?? 0) > _settings.MaxTextLength || (nick?.Length ?? 0) > _settings.MaxTextLength)
        {
            problem = "text too long";
            return false;
        }

        entry = new LogEntry(id, parent, from, nick, text);
        return true;
    }

    private static bool TryReadText(JsonElement data, string name, out string? value)
    {
        value = null;
        if (!data.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return true;
    }

    private void ReadUuidMap(JsonElement data, string name, Dictionary<long, string> into, bool nested)
    {
        if (!data.TryGetProperty(name, out var map) || map.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var item in map.EnumerateObject())
        {
            string? uuid = nested
                ? item.Value.ValueKind == JsonValueKind.Object ? Str(item.Value, "uuid") : null
                : item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString() : null;
            if (ScribeIds.Parse(item.Name) is { } user && uuid is { Length: > 0 and <= 64 })
            {
                into[user] = uuid;
            }
        }
    }

    private void SendRelay(string? to, string dataType, Action<Utf8JsonWriter>? data = null)
        => Send(ClientFrames.Relay(_seq++, to, dataType, data));

    private void Send(byte[] frame)
    {
        if (_transport is null)
        {
            return;
        }

        _log.Write("SEND", ("content", Encoding.UTF8.GetString(frame)));
        _transport.Send(frame);
    }

    private static string? Str(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? StrOrNull(JsonElement element, string name) => Str(element, name);

    private sealed record PendingPost(LogEntry Entry);

    private sealed record Candidate(long Peer, long PeerFrom, long RequestTo, int Round);

    private sealed record FlushPosts
    {
        public static readonly FlushPosts Instance = new();
    }

    private sealed record SendPing
    {
        public static readonly SendPing Instance = new();
    }

    private sealed record SelectTimeout(int Round);

    private sealed record RequestFromCandidate(Candidate Candidate);
}
