using System.Data.Common;
using System.Text;
using System.Text.Json;
using Instant.Protocol;
using Akka.Actor;
using Scribe.Actors.Journal;
using Scribe.Actors.Logging;
using Scribe.Actors.Stores;

namespace Scribe.Actors.Protocol;

/// <summary>
/// Scribe, the log-keeping participant, in two parts: a frame decoder and a log-sync state
/// machine. It is transport-agnostic: it consumes server→client frames (<see cref="ServerFrame"/>,
/// UTF-8 JSON) and sends client→server frames through an <see cref="IScribeTransport"/>, so the
/// same actor runs over a WebSocket, in-process and as a cluster entity. Its one store is an
/// <see cref="IScribeLog"/>: a journal, or a <see cref="MessageStoreLog"/> over the standalone's
/// SQLite/memory store whose blocking calls run on the <see cref="StoreDispatcher"/>. While a
/// store call is out, the mailbox waits (async handlers), so frames are handled in order.
/// <para>
/// The decoder records posts, nicks and uuids and answers who, log-query, log-request and
/// log-inquiry. Log-sync (pulling missing history from peers in rounds until a round adds
/// nothing) is three behaviours: <see cref="Settled"/> (not pulling), <see cref="Selecting"/>
/// (collecting log-info answers, the peer with the oldest history wins) and
/// <see cref="Requesting"/> (a log-request is out); the decoder hands them the frames they need
/// as <see cref="PeerLogInfo"/> and <see cref="ParticipantJoined"/>. A peer's log is stored as it
/// arrives (whatever the state, so what follows it sees it) and then moves the machine on.
/// </para>
/// Live posts are written in batches: posts already in the mailbox are committed together, and
/// only then logged as POST, so a POST line means the post is stored.
/// </summary>
public sealed class ScribeActor : ReceiveActor, IWithTimers
{
    private const int MaxPings = 3;
    private static readonly TimeSpan StopFlushLimit = TimeSpan.FromSeconds(10);

    private readonly Func<IUntypedActorContext, IScribeLog> _open;
    private readonly LogfileWriter _log;
    private readonly ScribeSettings _settings;
    private readonly TimeProvider _time;
    private readonly Action<Exception>? _storeFailed;
    private readonly List<LogEntry> _pending = new();
    private readonly Dictionary<long, long> _oldestFromPeer = new();
    private readonly Queue<string> _pushLogs;
    private IScribeLog _store = null!;
    private IScribeTransport? _transport;
    private long _seq;
    private long? _selfId;
    private string? _selfUuid;
    private bool _logsDone;
    private bool _announcedDone;
    private int _round;
    private Candidate? _candidate;
    private DateTimeOffset _lastPong;
    private bool _pongSeen;
    private bool _storeBroken;
    // Gap coverage, per connection: the first post received live, whether a peer's log reached
    // it, the `to` of the log-request out, and whether this connection's pulling has finished.
    private long? _firstLive;
    private bool _liveCovered;
    private long? _requestedTo;
    private bool _pulled;
    private readonly ScribeMetrics? _metrics;

    /// <param name="open">Opens the store once the actor runs (it may start children of it).</param>
    /// <param name="storeFailed">
    /// Told once if the store fails (a read-only or corrupt database); Scribe has then written an
    /// <c>ERROR</c> line, closed its connection for good and stopped, and its owner should report
    /// it (the standalone client exits non-zero).
    /// </param>
    /// <param name="metrics">Where stored posts are counted, if anywhere.</param>
    public ScribeActor(Func<IUntypedActorContext, IScribeLog> open, LogfileWriter log, ScribeSettings settings, TimeProvider? time = null, Action<Exception>? storeFailed = null, ScribeMetrics? metrics = null)
    {
        _metrics = metrics;
        _open = open;
        _log = log;
        _settings = settings;
        _time = time ?? TimeProvider.System;
        _storeFailed = storeFailed;
        _pushLogs = new Queue<string>(settings.PushLogs);
        Settled();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Scribe over a synchronous store (standalone or embedded); the store's calls run on the <see cref="StoreDispatcher"/>.</summary>
    public static Props Props(
        IMessageStore store, LogfileWriter log, ScribeSettings settings, TimeProvider? time = null, Action<Exception>? storeFailed = null, ScribeMetrics? metrics = null)
        => Akka.Actor.Props.Create(() => new ScribeActor(context => new MessageStoreLog(store, context, context.System), log, settings, time, storeFailed, metrics));

    /// <summary>Scribe over an asynchronous log (a room's journal).</summary>
    public static Props Props(
        IScribeLog store, LogfileWriter log, ScribeSettings settings, TimeProvider? time = null, Action<Exception>? storeFailed = null, ScribeMetrics? metrics = null)
        => Akka.Actor.Props.Create(() => new ScribeActor(_ => store, log, settings, time, storeFailed, metrics));

    protected override void PreStart()
    {
        _store = _open(Context);
        base.PreStart();
    }

    protected override bool AroundReceive(Receive receive, object message)
        => _storeBroken || base.AroundReceive(receive, message); // stopping: nothing more is stored or answered

    protected override void PostStop()
    {
        if (!_storeBroken && _pending.Count > 0)
        {
            var batch = _pending.ToList();
            _pending.Clear();
            try
            {
                // The store worker (a child) has stopped already: a local store is written here,
                // a journal through its own actor, which outlives this one.
                if (_store is MessageStoreLog local)
                {
                    local.Store.Add(batch);
                }
                else
                {
                    WaitForJournal(batch);
                }

                LogPosts(batch);
            }
            catch (Exception e) when (e is DbException or TimeoutException or AggregateException)
            {
                _log.Write("ERROR", ("reason", $"message database failed: {e.GetType().Name}({e.Message})"));
            }
        }

        base.PostStop();
    }

    private void WaitForJournal(List<LogEntry> batch)
    {
        if (!_store.AppendAsync(batch).Wait(StopFlushLimit))
        {
            throw new TimeoutException("the journal did not store the last posts in time");
        }
    }

    // ---- behaviours: the log-sync state machine ----

    /// <summary>Not pulling: a log pushed unasked is stored, and new posts in it start a round.</summary>
    private void Settled()
    {
        Receive<PeerLogInfo>(_ => { });
        Receive<ParticipantJoined>(_ => { });
        Receive<SelectTimeout>(_ => { });
        Receive<RequestFromCandidate>(_ => { });
        Common();
    }

    /// <summary>A round is open: log-info answers are weighed, newcomers are asked too.</summary>
    private void Selecting()
    {
        ReceiveGuarded<PeerLogInfo>(OnLogInfoAsync);
        Receive<ParticipantJoined>(joined =>
        {
            if (joined.Id != _selfId)
            {
                SendRelay(IdFormat.ToHex(joined.Id), PayloadTypes.LogQuery);
            }
        });
        Receive<SelectTimeout>(t =>
        {
            if (t.Round == _round && _candidate is null)
            {
                Finish();
            }
        });
        Receive<RequestFromCandidate>(request =>
        {
            if (_candidate != request.Candidate)
            {
                return;
            }

            Timers.Cancel("select");
            _requestedTo = request.Candidate.RequestTo;
            SendRelay(IdFormat.ToHex(request.Candidate.Peer), PayloadTypes.LogRequest, w => w.WriteString("to", IdFormat.ToHex(request.Candidate.RequestTo)));
            Become(Requesting);
        });
        Common();
    }

    /// <summary>A log-request is out; its log (stored by the decoder, <see cref="OnLogAsync"/>) decides what comes next.</summary>
    private void Requesting()
    {
        Receive<PeerLogInfo>(_ => { });
        Receive<ParticipantJoined>(_ => { });
        Receive<SelectTimeout>(_ => { });
        Receive<RequestFromCandidate>(_ => { });
        Common();
    }

    private void Common()
    {
        Receive<ScribeConnected>(OnConnected);
        ReceiveGuarded<ServerFrame>(frame => OnFrameAsync(frame.Json));
        Receive<ScribeDisconnected>(_ =>
        {
            _transport = null;
            _candidate = null;
            Timers.CancelAll();
            Become(Settled);
        });
        ReceiveGuarded<FlushPosts>(_ => FlushPendingAsync());
        Receive<SendPing>(_ => Ping());
        ReceiveGuarded<GetLogBounds>(async _ =>
        {
            var replyTo = Sender;
            await FlushPendingAsync();
            replyTo.Tell(await _store.BoundsAsync() is { } b ? b : NoLogs.Instance);
        });
        Receive<IsLogsDone>(_ => Sender.Tell(_logsDone));
    }

    private void StartRound()
    {
        _round++;
        _candidate = null;
        SendRelay(null, PayloadTypes.LogQuery);
        Timers.StartSingleTimer("select", new SelectTimeout(_round), _settings.SelectWindow);
        Become(Selecting);
    }

    private void Finish()
    {
        _candidate = null;
        if (!_pulled && _firstLive is not null && !_liveCovered)
        {
            // A post that reached a peer after it answered, and that came before our first live
            // post, is in no log we got: one more round asks up to that live post.
            _pulled = true;
            StartRound();
            return;
        }

        _pulled = true;
        _logsDone = true;
        Become(Settled);
        if (!_announcedDone)
        {
            _announcedDone = true;
            SendRelay(null, PayloadTypes.LogDone);
        }

        if (_settings.DontStay)
        {
            if (_pending.Count > 0)
            {
                Self.Tell(FlushPosts.Instance); // the connection closes now; what it brought is still stored
            }

            Leave();
        }
    }

    private async Task OnLogInfoAsync(PeerLogInfo info)
    {
        if (_candidate is { } current && info.From >= current.PeerFrom)
        {
            return;
        }

        await FlushPendingAsync();
        var ours = await _store.BoundsAsync();
        long requestTo;
        if (_firstLive is { } live && !_liveCovered)
        {
            // First close the gap before the first live post: the peer has everything up to it.
            requestTo = live;
        }
        else if (ours is not null && info.From < ours.From)
        {
            requestTo = ours.From;
        }
        else if (_oldestFromPeer.TryGetValue(info.Peer, out var oldest))
        {
            requestTo = oldest;
        }
        else
        {
            requestTo = info.To;
        }

        // A peer whose history we have already received down to its own oldest post has nothing for us.
        if (requestTo != _firstLive && _oldestFromPeer.TryGetValue(info.Peer, out var seen) && seen <= info.From && ours is not null && ours.From <= info.From)
        {
            return;
        }

        var candidate = new Candidate(info.Peer, info.From, requestTo, _round);
        _candidate = candidate;
        Timers.StartSingleTimer("candidate", new RequestFromCandidate(candidate), _settings.SelectWindow);
    }

    private async Task OnLogAsync(PeerLog log)
    {
        await FlushPendingAsync();
        var added = await _store.AppendAsync(log.Entries);
        foreach (var e in added)
        {
            _log.Write("LOGPOST", ("id", IdFormat.ToHex(e.Id)), ("parent", IdFormat.ToHex(e.Parent)), ("from", IdFormat.ToHex(e.Sender)),
                ("nick", e.Nick), ("text", e.Text));
        }

        if (log.Uuids.Count > 0)
        {
            foreach (var user in await _store.AddUuidsAsync(log.Uuids))
            {
                _log.Write("LOGUUID", ("id", IdFormat.ToHex(user)), ("uuid", log.Uuids[user]));
            }
        }

        if (_settings.DontPull)
        {
            return;
        }

        if (_requestedTo is { } requested && requested >= _firstLive)
        {
            _liveCovered = true;
        }

        if (log.Entries.Count > 0)
        {
            long oldest = log.Entries.Min(e => e.Id);
            _oldestFromPeer[log.Peer] = _oldestFromPeer.TryGetValue(log.Peer, out var known) ? Math.Min(known, oldest) : oldest;
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

    // ---- the store ----

    private void ReceiveGuarded<T>(Func<T, Task> handler)
        => ReceiveAsync<T>(async message =>
        {
            try
            {
                await handler(message);
            }
            catch (DbException e)
            {
                // A restart would drop the pending posts and go on losing every new one in silence.
                FailOnStore(e);
            }
        });

    private void FailOnStore(DbException e)
    {
        if (_storeBroken)
        {
            return;
        }

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

    private async Task FlushPendingAsync()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var batch = _pending.ToList();
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        await _store.AppendAsync(batch);
        _metrics?.Stored(batch.Count, started);
        _pending.Clear(); // after the commit: if it fails, the ERROR line counts them as lost
        LogPosts(batch);
    }

    private void LogPosts(IEnumerable<LogEntry> posts)
    {
        foreach (var entry in posts)
        {
            _log.Write("POST", ("id", IdFormat.ToHex(entry.Id)), ("parent", IdFormat.ToHex(entry.Parent)),
                ("from", IdFormat.ToHex(entry.Sender)), ("nick", entry.Nick), ("text", entry.Text));
        }
    }

    private async Task RecordUuidsAsync(Dictionary<long, string> uuids)
    {
        if (uuids.Count == 0)
        {
            return;
        }

        foreach (var user in await _store.AddUuidsAsync(uuids))
        {
            _log.Write("UUID", ("id", IdFormat.ToHex(user)), ("uuid", uuids[user]));
        }
    }

    // ---- the frame decoder ----

    private void OnConnected(ScribeConnected connected)
    {
        _transport = connected.Transport;
        _selfId = null;
        _firstLive = null;
        _liveCovered = false;
        _requestedTo = null;
        _pulled = false;
        _pongSeen = false;
        _lastPong = _time.GetUtcNow();
    }

    private async Task OnFrameAsync(byte[] json)
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
                case MessageTypes.Identity:
                    await OnIdentityAsync(data);
                    break;
                case MessageTypes.Joined:
                    await OnJoinedAsync(data);
                    break;
                case MessageTypes.Pong:
                    _pongSeen = true;
                    _lastPong = _time.GetUtcNow();
                    break;
                case MessageTypes.Who:
                    await OnWhoReplyAsync(data);
                    break;
                case MessageTypes.Broadcast or MessageTypes.Unicast:
                    if (data.ValueKind == JsonValueKind.Object)
                    {
                        await OnRelayAsync(root, data);
                    }

                    break;
                case MessageTypes.Error:
                    _log.Write("ERROR", ("reason", "server error: " + root.GetRawText()));
                    break;
            }
        }
    }

    private async Task OnIdentityAsync(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || IdFormat.ParseLenient(Str(data, "id")) is not { } id)
        {
            return;
        }

        _selfId = id;
        _selfUuid = Str(data, "uuid");
        if (_selfUuid is { } uuid)
        {
            await RecordUuidsAsync(new Dictionary<long, string> { [id] = uuid });
        }

        Ping();
        if (_settings.Nick is { } nick)
        {
            SendRelay(null, PayloadTypes.Nick, w =>
            {
                w.WriteString("nick", nick);
                ClientFrames.WriteStringOrNull(w, "uuid", _selfUuid);
            });
        }

        Send(ClientFrames.Who(_seq++));
        SendRelay(null, PayloadTypes.Who);
        if (_pushLogs.Count > 0)
        {
            await FlushPendingAsync();
            var all = await _store.RangeAsync(null, null, null);
            while (_pushLogs.TryDequeue(out var target))
            {
                // The whole store, unasked, in as many log frames as the reply size limit needs.
                foreach (var chunk in SplitToReplySize(all))
                {
                    await SendLogAsync(target, chunk, key: null, echo: null);
                }
            }

            SendRelay(null, PayloadTypes.LogInquiry);
        }

        if (!_settings.DontPull)
        {
            StartRound();
        }
    }

    private async Task OnJoinedAsync(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || IdFormat.ParseLenient(Str(data, "id")) is not { } id)
        {
            return;
        }

        if (Str(data, "uuid") is { } uuid)
        {
            await RecordUuidsAsync(new Dictionary<long, string> { [id] = uuid });
        }

        Self.Tell(new ParticipantJoined(id));
    }

    private Task OnWhoReplyAsync(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return Task.CompletedTask;
        }

        var uuids = new Dictionary<long, string>();
        foreach (var participant in data.EnumerateObject())
        {
            if (IdFormat.ParseLenient(participant.Name) is { } id && participant.Value.ValueKind == JsonValueKind.Object
                && Str(participant.Value, "uuid") is { } uuid)
            {
                uuids[id] = uuid;
            }
        }

        return RecordUuidsAsync(uuids);
    }

    private async Task OnRelayAsync(JsonElement envelope, JsonElement data)
    {
        long? id = IdFormat.ParseLenient(Str(envelope, "id"));
        long? from = IdFormat.ParseLenient(Str(envelope, "from"));
        bool fromSelf = from is not null && from == _selfId;
        switch (Str(data, "type"))
        {
            case PayloadTypes.Post:
                OnPost(id, from, data);
                break;
            case PayloadTypes.Nick:
                await OnNickAsync(from, data);
                break;
            case PayloadTypes.Who:
                if (!fromSelf && from is { } asker && _settings.Nick is { } nick)
                {
                    SendRelay(IdFormat.ToHex(asker), PayloadTypes.Nick, w =>
                    {
                        w.WriteString("nick", nick);
                        ClientFrames.WriteStringOrNull(w, "uuid", _selfUuid);
                    });
                }

                break;
            case PayloadTypes.LogQuery:
                if (!fromSelf && from is { } querier)
                {
                    await FlushPendingAsync();
                    if (await _store.BoundsAsync() is { } bounds)
                    {
                        SendRelay(IdFormat.ToHex(querier), PayloadTypes.LogInfo, w =>
                        {
                            w.WriteString("from", IdFormat.ToHex(bounds.From));
                            w.WriteString("to", IdFormat.ToHex(bounds.To));
                            w.WriteNumber("length", bounds.Count);
                        });
                    }
                }

                break;
            case PayloadTypes.LogInfo:
                if (!fromSelf && from is { } peer && !_settings.DontPull
                    && IdFormat.ParseLenient(Str(data, "from")) is { } peerFrom && IdFormat.ParseLenient(Str(data, "to")) is { } peerTo)
                {
                    Self.Tell(new PeerLogInfo(peer, peerFrom, peerTo));
                }

                break;
            case PayloadTypes.LogRequest:
                if (!fromSelf && from is { } requester)
                {
                    await OnLogRequestAsync(requester, data);
                }

                break;
            case PayloadTypes.Log:
                if (!fromSelf && from is { } sender)
                {
                    // In line, not through the mailbox: what comes after it sees it stored.
                    await OnLogAsync(ReadLog(sender, data));
                }

                break;
            case PayloadTypes.Delete:
                await OnDeleteAsync(from, data);
                break;
            case PayloadTypes.LogInquiry:
                if (!fromSelf && from is { } inquirer && _logsDone)
                {
                    SendRelay(IdFormat.ToHex(inquirer), PayloadTypes.LogDone);
                }

                break;
            case PayloadTypes.LogDone:
                if (!fromSelf && _settings.DontStay && _settings.DontPull)
                {
                    await LeaveAsync();
                }

                break;
            case PayloadTypes.Privmsg:
                _log.Write("PRIVMSG", ("id", IdFormat.ToHex(id)), ("parent", StrOrNull(data, "parent")), ("from", IdFormat.ToHex(from)),
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
            _log.Write("WARNING", ("reason", "bad post skipped: " + problem), ("id", IdFormat.ToHex(postId)));
            return;
        }

        _pending.Add(entry);
        if (_pending.Count == 1)
        {
            // Queued behind whatever is in the mailbox already: one write per burst.
            Self.Tell(FlushPosts.Instance);
        }

        if (_firstLive is null && _selfId is not null && !_settings.DontPull)
        {
            _firstLive = postId;
            if (_pulled)
            {
                // Pulling ended before any live post came: what came between is still to be asked for.
                _pulled = false;
                Finish();
            }
        }
    }

    private async Task OnNickAsync(long? from, JsonElement data)
    {
        if (from is not { } sender)
        {
            return;
        }

        string? uuid = Str(data, "uuid");
        if (Str(data, "nick") is { Length: > 0 } nick)
        {
            _log.Write("NICK", uuid is null
                ? [("id", IdFormat.ToHex(sender)), ("nick", nick)]
                : [("id", IdFormat.ToHex(sender)), ("uuid", uuid), ("nick", nick)]);
        }

        if (uuid is not null)
        {
            await RecordUuidsAsync(new Dictionary<long, string> { [sender] = uuid });
        }
    }

    private async Task OnDeleteAsync(long? by, JsonElement data)
    {
        if (!data.TryGetProperty("ids", out var idsElement) || idsElement.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var ids = idsElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? IdFormat.ParseLenient(e.GetString()) : null)
            .OfType<long>().ToList();
        await FlushPendingAsync();
        var removed = (await _store.DeleteAsync(ids)).ToDictionary(e => e.Id);
        foreach (var id in ids)
        {
            if (removed.TryGetValue(id, out var e))
            {
                _log.Write("DELETE", ("by", IdFormat.ToHex(by)), ("id", IdFormat.ToHex(id)), ("parent", IdFormat.ToHex(e.Parent)),
                    ("from", IdFormat.ToHex(e.Sender)), ("nick", e.Nick), ("text", e.Text));
            }
            else
            {
                _log.Write("DELETE", ("by", IdFormat.ToHex(by)), ("id", IdFormat.ToHex(id)));
            }
        }
    }

    private async Task OnLogRequestAsync(long requester, JsonElement data)
    {
        long? from = IdFormat.ParseLenient(Str(data, "from"));
        long? to = IdFormat.ParseLenient(Str(data, "to"));
        int? length = data.TryGetProperty("length", out var l) && l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out int n) && n >= 0 ? n : null;
        // The store reads no more than one reply can carry: a request without a length (or
        // with both bounds, where the protocol ignores it) once read the whole database.
        int cap = Math.Min(_settings.MaxLength ?? int.MaxValue, _settings.MaxReplyPosts);
        int amount = from is not null && to is not null ? cap : Math.Min(length ?? cap, cap);

        await FlushPendingAsync();
        var entries = await _store.RangeAsync(from, to, amount);

        string? key = data.TryGetProperty("key", out var k) ? k.GetRawText() : null;
        await SendLogAsync(IdFormat.ToHex(requester), entries, key, data);
    }

    private async Task SendLogAsync(string to, IReadOnlyList<LogEntry> entries, string? key, JsonElement? echo)
    {
        entries = CutToReplySize(entries);
        var uuids = await _store.GetUuidsAsync(entries.Select(e => e.Sender).OfType<long>().Distinct().ToList());
        long seq = _seq++;
        var frame = ClientFrames.Relay(seq, to, PayloadTypes.Log, w =>
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
                w.WriteString(IdFormat.ToHex(user), uuid);
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
            values.Add(("log-from", IdFormat.ToHex(entries[0].Id)));
            values.Add(("log-to", IdFormat.ToHex(entries[^1].Id)));
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

    private PeerLog ReadLog(long peer, JsonElement data)
    {
        var entries = new List<LogEntry>();
        if (data.TryGetProperty("data", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || IdFormat.ParseLenient(Str(item, "id")) is not { } id)
                {
                    _log.Write("WARNING", ("reason", "log entry without a valid id skipped"), ("from", IdFormat.ToHex(peer)));
                    continue;
                }

                if (!TryReadPost(id, IdFormat.ParseLenient(Str(item, "from")), item, out var entry, out var problem))
                {
                    _log.Write("WARNING", ("reason", "bad log entry skipped: " + problem), ("id", IdFormat.ToHex(id)), ("from", IdFormat.ToHex(peer)));
                    continue;
                }

                entries.Add(entry);
            }
        }

        var uuids = new Dictionary<long, string>();
        ReadUuidMap(data, "uuids", uuids, nested: false);
        ReadUuidMap(data, "users", uuids, nested: true);
        return new PeerLog(peer, entries, uuids);
    }

    private async Task LeaveAsync()
    {
        await FlushPendingAsync();
        Leave();
    }

    private void Leave()
    {
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

    private bool TryReadPost(long id, long? from, JsonElement data, out LogEntry entry, out string problem)
    {
        entry = null!;
        problem = string.Empty;
        long? parent = null;
        if (data.TryGetProperty("parent", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.String || IdFormat.ParseLenient(p.GetString()) is not { } parentId)
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
            if (IdFormat.ParseLenient(item.Name) is { } user && uuid is { Length: > 0 and <= 64 })
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

    private sealed record Candidate(long Peer, long PeerFrom, long RequestTo, int Round);

    /// <summary>A peer's log-info answer, decoded, for the log-sync behaviours.</summary>
    private sealed record PeerLogInfo(long Peer, long From, long To);

    /// <summary>A peer's log reply (or push), decoded: the valid posts and the uuids it names.</summary>
    private sealed record PeerLog(long Peer, IReadOnlyList<LogEntry> Entries, Dictionary<long, string> Uuids);

    /// <summary>Someone joined; while selecting, they are asked for their logs too.</summary>
    private sealed record ParticipantJoined(long Id);

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
