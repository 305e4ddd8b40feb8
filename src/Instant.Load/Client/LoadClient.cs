using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Instant.Protocol;
using Instant.Load.Metrics;

namespace Instant.Load.Client;

/// <summary>What a simulated participant does besides receiving.</summary>
[Flags]
internal enum ClientRole
{
    Receiver = 0,
    /// <summary>Posts when the scenario tells it to.</summary>
    Sender = 1,
    /// <summary>Behaves like the browser client: nick, who, log-query on join; answers peers.</summary>
    Browser = 2,
    /// <summary>Keeps posts and answers log-query/log-request (a seeder in the history scenario).</summary>
    ServesLogs = 4,
    /// <summary>Pulls the room's logs on join (a late joiner in the history scenario).</summary>
    PullsHistory = 8,
}

/// <summary>
/// One simulated participant: one WebSocket at a time, one receive loop, sends serialised by a
/// lock (a WebSocket allows one outstanding send). The hot path — a relayed post — is scanned
/// without allocating; rarer frames are parsed with JsonDocument. With --reconnect, a connection
/// the server closes or resets is replaced by a new one to the next node (see <see cref="ReconnectBackoff"/>).
/// </summary>
internal sealed class LoadClient
{
    /// <summary>One connection: from the socket being open, through identity, to its end.</summary>
    private sealed class Link(ClientWebSocket ws, int node, long startTicks, bool isReconnect)
    {
        public const int Connecting = 0, Established = 1, Ended = 2;
        public readonly ClientWebSocket Ws = ws;
        public readonly int Node = node;
        public readonly long StartTicks = startTicks;
        public readonly bool IsReconnect = isReconnect;
        public readonly TaskCompletionSource<bool> Identity = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Connecting, then Established (by the receive loop, on identity) or Ended (by whoever gives up first).</summary>
        public int State;
        /// <summary>Posts sent on this connection whose echo has not come back (an echo comes on the same connection).</summary>
        public int Outstanding;
        public Task ReceiveLoop = Task.CompletedTask;
    }

    private readonly RunContext _ctx;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly object _linkGate = new();
    private Link? _link;
    private byte[] _buffer = new byte[1024];
    private Dictionary<long, long>? _lastSeqBySender;
    private readonly byte[] _lastPostId = new byte[32];
    private int _lastPostIdLength;
    private int _seq;
    private long _postSeq;
    private bool _everEstablished;
    private bool _everLost;
    private long _lossTicks;
    private volatile bool _closingByUs;
    private Task _reconnect = Task.CompletedTask;
    /// <summary>Ends this client's reconnect attempts: the run stopping, or the client being closed.</summary>
    private CancellationTokenSource? _reconnectStop;
    private string? _uuid;
    private LogStore? _logs;
    private HistoryPull? _pull;
    private ArrayBufferWriter<byte>? _frame;
    private Utf8JsonWriter? _writer;

    public LoadClient(RunContext ctx, int index, int roomIndex, ClientRole role)
    {
        _ctx = ctx;
        Index = index;
        RoomIndex = roomIndex;
        Role = role;
        Node = ctx.Options.NodeOf(index);
        if ((role & (ClientRole.ServesLogs | ClientRole.Browser)) != 0)
            _logs = new LogStore((role & ClientRole.ServesLogs) != 0 ? Math.Max(ctx.Options.BrowserLog, ctx.Options.Posts) : ctx.Options.BrowserLog);
        if ((role & ClientRole.PullsHistory) != 0) _pull = new HistoryPull();
    }

    public int Index { get; }
    public int RoomIndex { get; }
    public ClientRole Role { get; }
    /// <summary>The node of the current (or last) connection.</summary>
    public int Node { get; private set; }
    public string? ParticipantId { get; private set; }
    /// <summary>Had a connection (identity received) at some point: counts as a room member.</summary>
    public bool IsCountedReceiver => Volatile.Read(ref _everEstablished);
    public bool IsOpen => _link is { State: Link.Established } l && l.Ws.State == WebSocketState.Open;
    public long PostsSent => Interlocked.Read(ref _postSeq);
    public Task ReceiveLoop => _link?.ReceiveLoop ?? Task.CompletedTask;
    /// <summary>Completes when a history joiner has its logs (or gave up).</summary>
    public Task HistoryDone => _pull?.Done.Task ?? Task.CompletedTask;
    private string Nick => "load" + Index.ToString(CultureInfo.InvariantCulture);
    private LoadMetrics M => _ctx.Metrics;
    private NodeCounters N => M.Nodes[Node];

    /// <summary>Connects and waits for the identity frame; records the connect time or the failure's cause.</summary>
    public async Task<bool> ConnectAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref M.ConnectAttempts);
        string? cause = await AttemptAsync(Node, isReconnect: false, ct).ConfigureAwait(false);
        if (cause == null) return true;
        Interlocked.Increment(ref M.ConnectFailed);
        Interlocked.Increment(ref M.Nodes[Node].ConnectFailed);
        M.Error(cause);
        return false;
    }

    /// <summary>One connect to <paramref name="node"/>: null once identity arrived, else why not.</summary>
    private async Task<string?> AttemptAsync(int node, bool isReconnect, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(_ctx.Options.ConnectTimeoutSeconds));
        Link? link = null;
        try
        {
            var uri = _ctx.Options.RoomSocketUri(node, _ctx.Options.RoomOf(Index));
            var ws = await _ctx.Sockets.ConnectAsync(uri, Index, timeout.Token).ConfigureAwait(false);
            link = new Link(ws, node, start, isReconnect);
            lock (_linkGate)
            {
                if (_closingByUs)
                {
                    ws.Abort();
                    ws.Dispose();
                    return "connect cancelled";
                }
                _link = link;
                Node = node;
            }
            link.ReceiveLoop = ReceiveLoopAsync(link);
            await link.Identity.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            // Identity may have won the race against the timeout.
            if (link != null && Interlocked.CompareExchange(ref link.State, Link.Ended, Link.Connecting) == Link.Established) return null;
            link?.Ws.Abort();
            return ct.IsCancellationRequested || _closingByUs ? "connect cancelled" : ErrorCauses.OfConnect(e, timeout.IsCancellationRequested);
        }
    }

    public async Task CloseAsync()
    {
        Link? link;
        lock (_linkGate)
        {
            _closingByUs = true;
            link = _link;
            _reconnectStop?.Cancel();
        }
        try { await _reconnect.ConfigureAwait(false); }
        catch (Exception) { /* reconnect attempts end on their own */ }
        lock (_linkGate) link = _link;
        if (link == null) return;
        var ws = link.Ws;
        try
        {
            if (ws.State == WebSocketState.Open)
            {
                using var t = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "load test done", t.Token).ConfigureAwait(false);
                await link.ReceiveLoop.WaitAsync(t.Token).ConfigureAwait(false);
            }
        }
        catch (Exception) { /* closing anyway */ }
        finally
        {
            ws.Abort();
            ws.Dispose();
        }
    }

    private async Task ReceiveLoopAsync(Link link)
    {
        await Task.Yield();
        var ws = link.Ws;
        int filled = 0;
        string? cause = null;
        try
        {
            while (true)
            {
                var r = await ws.ReceiveAsync(_buffer.AsMemory(filled), CancellationToken.None).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    cause = "server closed (" + (ws.CloseStatus?.ToString() ?? "no status") +
                        (string.IsNullOrEmpty(ws.CloseStatusDescription) ? "" : ": " + ws.CloseStatusDescription) + ")";
                    break;
                }
                filled += r.Count;
                if (!r.EndOfMessage)
                {
                    if (filled == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
                    continue;
                }
                if (r.MessageType == WebSocketMessageType.Text) Handle(link, filled);
                filled = 0;
            }
        }
        catch (Exception e)
        {
            cause = ErrorCauses.OfReceive(e);
        }
        _pull?.Done.TrySetResult(false);
        int was = Interlocked.Exchange(ref link.State, Link.Ended);
        if (was == Link.Connecting)
        {
            link.Identity.TrySetException(new WebSocketException(cause ?? "closed before identity"));
            return;
        }
        if (was != Link.Established) return;
        Interlocked.Decrement(ref M.Open);
        Interlocked.Decrement(ref M.Nodes[link.Node].Open);
        if (_closingByUs || _ctx.Closing)
        {
            Interlocked.Increment(ref M.Closed);
            return;
        }
        OnLost(link, cause ?? "closed");
    }

    /// <summary>The server closed or reset an established connection.</summary>
    private void OnLost(Link link, string cause)
    {
        int node = link.Node;
        long now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref M.Disconnects);
        Interlocked.Increment(ref M.Nodes[node].Disconnects);
        M.Error("disconnect: " + cause);
        // State is Ended already: a send that comes after this sees it and abandons its own post.
        Abandon(Interlocked.Exchange(ref link.Outstanding, 0));
        if (!_ctx.Options.Reconnect) return;
        if (!_everLost)
        {
            _everLost = true;
            Interlocked.Increment(ref M.ClientsLost);
        }
        _lossTicks = now;
        LoadMetrics.First(ref M.FirstLossTicks, now);
        Interlocked.Increment(ref M.Reconnecting);
        lock (_linkGate)
        {
            if (_closingByUs) return;
            _reconnectStop?.Dispose();
            _reconnectStop = CancellationTokenSource.CreateLinkedTokenSource(_ctx.RunToken);
            _reconnect = ReconnectAsync(node, _reconnectStop.Token);
        }
    }

    /// <summary>Tries the next nodes in turn, with a growing jittered pause before each attempt, until one takes it back.</summary>
    private async Task ReconnectAsync(int lostNode, CancellationToken ct)
    {
        await Task.Yield();
        int n = _ctx.Options.Servers.Count;
        int node = (lostNode + ReconnectBackoff.FirstStep(Index, n, _ctx.Options.ReconnectSpread)) % n;
        for (int attempt = 0; ; attempt++)
        {
            string? cause;
            bool slot = false;
            try
            {
                await Task.Delay(ReconnectBackoff.Delay(attempt, Random.Shared.NextDouble()), ct).ConfigureAwait(false);
                if (_closingByUs || _ctx.Closing) return;
                await _ctx.ConnectSlots.WaitAsync(ct).ConfigureAwait(false);
                slot = true;
                Interlocked.Increment(ref M.ReconnectAttempts);
                cause = await AttemptAsync(node, isReconnect: true, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                if (slot) _ctx.ConnectSlots.Release();
            }
            if (cause == null || _closingByUs || _ctx.Closing || ct.IsCancellationRequested) return;
            Interlocked.Increment(ref M.ReconnectFailed);
            Interlocked.Increment(ref M.Nodes[node].ReconnectFailed);
            M.Error(ErrorCauses.OfReconnect(cause));
            node = (node + 1) % n;
        }
    }

    /// <summary>Counts an error against this client's node as well as by cause.</summary>
    private void Fail(string cause)
    {
        M.Error(cause);
        Interlocked.Increment(ref N.Errors);
    }

    private void Handle(Link link, int length)
    {
        var span = _buffer.AsSpan(0, length);
        if (!FrameScanner.Scan(span, out var f))
        {
            Fail("bad frame from server (not a JSON object)");
            return;
        }
        switch (f.Type)
        {
            case FrameType.Broadcast or FrameType.Unicast:
                if (f.Payload == PayloadType.Post) OnPost(link, span, ref f);
                else if (f.Payload != PayloadType.None && f.Payload != PayloadType.Other && f.Payload != PayloadType.Nick) OnClientLevel(span, f.Payload);
                break;
            case FrameType.Identity: OnIdentity(link, span); break;
            case FrameType.Joined: Interlocked.Increment(ref M.JoinedSeen); break;
            case FrameType.Left: Interlocked.Increment(ref M.LeftSeen); break;
            case FrameType.Pong: Interlocked.Increment(ref M.Pongs); break;
            case FrameType.Error: OnError(span); break;
        }
    }

    private void OnPost(Link link, ReadOnlySpan<byte> frame, ref ScannedFrame f)
    {
        if (f.IdLength > 0 && f.IdLength <= _lastPostId.Length)
        {
            frame.Slice(f.IdStart, f.IdLength).CopyTo(_lastPostId);
            _lastPostIdLength = f.IdLength;
        }
        _logs?.Add(frame);
        if (!f.HasMarker) return;
        long now = Stopwatch.GetTimestamp();
        LoadMetrics.First(ref M.FirstDeliveryTicks, now);
        // Last writer wins: a value a few microseconds older than the newest is as good here, and
        // a plain write per delivery is cheaper than a compare-and-swap loop.
        Volatile.Write(ref M.LastDeliveryTicks, now);
        M.Delivery.RecordValue(LoadMetrics.Micros(f.MarkTicks, now));
        Interlocked.Increment(ref M.Delivered);
        // With one node its count is the total (filled in by the snapshot): one shared counter fewer on the hot path.
        if (M.Nodes.Length > 1) Interlocked.Increment(ref N.Delivered);
        Interlocked.Increment(ref _ctx.DeliveredPerRoom[RoomIndex]);
        var last = _lastSeqBySender ??= new Dictionary<long, long>();
        // The first post seen from a sender sets the baseline (a client may join mid-stream);
        // a missing first post still shows as lost in the totals.
        if (!last.TryGetValue(f.MarkSender, out long prev)) prev = f.MarkSeq - 1;
        if (f.MarkSeq <= prev) Interlocked.Increment(ref M.Duplicates);
        else
        {
            if (f.MarkSeq > prev + 1) Interlocked.Add(ref M.Gaps, f.MarkSeq - prev - 1);
            last[f.MarkSender] = f.MarkSeq;
            _ctx.Fanout.Record(M, RoomIndex, f.MarkSender, f.MarkSeq, now);
            if (f.MarkSender == Index)
            {
                Interlocked.Increment(ref M.Echoed);
                // A post abandoned when a connection was lost no longer holds a slot of the window.
                if (TryTakeOutstanding(link)) _ctx.OnEcho?.Invoke(this, f.MarkSeq);
            }
        }
    }

    private void OnIdentity(Link link, ReadOnlySpan<byte> frame)
    {
        if (Interlocked.CompareExchange(ref link.State, Link.Established, Link.Connecting) != Link.Connecting) return;
        long now = Stopwatch.GetTimestamp();
        if (link.IsReconnect)
        {
            M.Recovery.RecordValue(LoadMetrics.Micros(_lossTicks, now));
            Interlocked.Increment(ref M.Reconnects);
            Interlocked.Increment(ref M.Nodes[link.Node].Reconnects);
            Interlocked.Decrement(ref M.Reconnecting);
            LoadMetrics.Last(ref M.LastReconnectTicks, now);
        }
        else
        {
            M.Connect.RecordValue(LoadMetrics.Micros(link.StartTicks, now));
            Interlocked.Increment(ref M.Connected);
            Interlocked.Increment(ref M.Nodes[link.Node].Connected);
        }
        Interlocked.Increment(ref M.Open);
        Interlocked.Increment(ref M.Nodes[link.Node].Open);
        Volatile.Write(ref _everEstablished, true);
        using (var doc = JsonDocument.Parse(frame.ToArray()))
        {
            if (doc.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                ParticipantId = data.TryGetProperty("id", out var id) ? id.GetString() : null;
                _uuid = data.TryGetProperty("uuid", out var uuid) ? uuid.GetString() : null;
            }
        }
        if ((Role & ClientRole.Browser) != 0)
        {
            _ = SendAsync(Envelope(MessageTypes.Broadcast, null, w => { w.WriteString("type", PayloadTypes.Nick); w.WriteString("nick", Nick); w.WriteString("uuid", _uuid); }));
            _ = SendAsync(Envelope(MessageTypes.Broadcast, null, w => w.WriteString("type", PayloadTypes.Who)));
            if (_pull == null) _ = SendAsync(Envelope(MessageTypes.Broadcast, null, w => w.WriteString("type", PayloadTypes.LogQuery)));
        }
        if (_pull != null && !link.IsReconnect) _ = PullHistoryAsync();
        link.Identity.TrySetResult(true);
    }

    private void OnError(ReadOnlySpan<byte> frame)
    {
        Interlocked.Increment(ref M.ServerErrors);
        Interlocked.Increment(ref N.Errors);
        string code = "?";
        try
        {
            using var doc = JsonDocument.Parse(frame.ToArray());
            if (doc.RootElement.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("code", out var c))
                code = c.ToString();
        }
        catch (JsonException) { }
        M.Error("server error " + code);
    }

    /// <summary>who, log-query, log-info, log-request, log: rare, so parsed in full.</summary>
    private void OnClientLevel(ReadOnlySpan<byte> frame, PayloadType type)
    {
        bool browser = (Role & ClientRole.Browser) != 0, serves = (Role & ClientRole.ServesLogs) != 0;
        if (!browser && !serves && _pull == null) return;
        using var doc = JsonDocument.Parse(frame.ToArray());
        var root = doc.RootElement;
        string? from = root.TryGetProperty("from", out var fr) ? fr.GetString() : null;
        if (from == null || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object) return;
        switch (type)
        {
            case PayloadType.Who when browser:
                _ = SendAsync(Envelope(MessageTypes.Unicast, from, w => { w.WriteString("type", PayloadTypes.Nick); w.WriteString("nick", Nick); w.WriteString("uuid", _uuid); }));
                break;
            case PayloadType.LogQuery when (browser || serves) && _logs != null:
                if (from == ParticipantId && !browser) break;
                _ = SendAsync(Envelope(MessageTypes.Unicast, from, _logs.WriteInfo));
                break;
            case PayloadType.LogRequest when (browser || serves) && _logs != null:
                _ = SendAsync(Envelope(MessageTypes.Unicast, from, w => _logs.WriteLog(w, data)));
                break;
            case PayloadType.LogInfo when _pull != null && from != ParticipantId:
                _pull.OnInfo(from, data);
                break;
            case PayloadType.Log when _pull != null:
                if (data.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String && key.GetString() == HistoryPull.Key)
                {
                    int n = data.TryGetProperty("data", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
                    _pull.OnLog(n);
                }
                break;
        }
    }

    /// <summary>
    /// The browser's log pull. Two times are measured: log-query to the first log-info answer, and
    /// log-request to the log; the --log-wait the joiner then spends collecting more answers is
    /// a fixed pause of the client, not a measurement of the server, so it is in neither.
    /// </summary>
    private async Task PullHistoryAsync()
    {
        var pull = _pull!;
        try
        {
            long queried = Stopwatch.GetTimestamp();
            await SendAsync(Envelope(MessageTypes.Broadcast, null, w => w.WriteString("type", PayloadTypes.LogQuery))).ConfigureAwait(false);
            string? peer = await pull.ChoosePeerAsync(TimeSpan.FromSeconds(_ctx.Options.LogWaitSeconds), TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            if (peer == null)
            {
                Fail("history: no peer answered log-query");
                pull.Done.TrySetResult(false);
                return;
            }
            M.HistoryInfo.RecordValue(LoadMetrics.Micros(queried, pull.FirstInfoTicks));
            long requested = Stopwatch.GetTimestamp();
            await SendAsync(Envelope(MessageTypes.Unicast, peer, w => { w.WriteString("type", PayloadTypes.LogRequest); w.WriteString("key", HistoryPull.Key); })).ConfigureAwait(false);
            int received = await pull.Received.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            M.History.RecordValue(LoadMetrics.Micros(requested, pull.ReceivedTicks));
            Interlocked.Increment(ref M.HistoryDone);
            Interlocked.Add(ref M.HistoryPosts, received);
            if (received < _ctx.ExpectedHistoryPosts) Fail("history: log shorter than the seeded posts");
            pull.Done.TrySetResult(true);
        }
        catch (Exception e) when (e is TimeoutException or WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            Fail("history: " + (e is TimeoutException ? "no log within 60 s" : e.GetType().Name));
            pull.Done.TrySetResult(false);
        }
    }

    /// <summary>Takes one post off the outstanding count unless it is 0 (the post was abandoned already).</summary>
    private static bool TryTakeOutstanding(Link link)
    {
        int seen;
        while ((seen = Volatile.Read(ref link.Outstanding)) > 0)
            if (Interlocked.CompareExchange(ref link.Outstanding, seen - 1, seen) == seen) return true;
        return false;
    }

    /// <summary>Posts whose echo cannot come any more: their connection is gone.</summary>
    private void Abandon(int posts)
    {
        if (posts <= 0) return;
        Interlocked.Add(ref M.Abandoned, posts);
        _ctx.OnAbandoned?.Invoke(posts);
    }

    /// <summary>
    /// Sends one post into the room. False: not sent, nothing counted (the client has no
    /// connection). True: counted as sent; it completes with its echo, or is abandoned if the
    /// connection is lost first (<see cref="RunContext.OnAbandoned"/>).
    /// </summary>
    public async Task<bool> SendPostAsync(double replyRatio)
    {
        if (!IsOpen) return false;
        await _sendLock.WaitAsync().ConfigureAwait(false);
        var link = _link;
        var ws = link?.Ws;
        if (link == null || ws == null || ws.State != WebSocketState.Open)
        {
            _sendLock.Release();
            return false;
        }
        try
        {
            long n = ++_postSeq;
            _frame ??= new ArrayBufferWriter<byte>(256 + _ctx.Padding.Length);
            _frame.ResetWrittenCount();
            var w = _writer ??= new Utf8JsonWriter(_frame);
            w.Reset(_frame);
            w.WriteStartObject();
            w.WriteString("type"u8, MessageTypes.Utf8.Broadcast);
            w.WriteNumber("seq"u8, ++_seq);
            w.WriteStartObject("data"u8);
            w.WriteString("type"u8, PayloadTypes.Utf8.Post);
            w.WriteString("nick"u8, Nick);
            w.WriteString("text"u8, _ctx.Padding);
            if (_lastPostIdLength > 0 && replyRatio > 0 && Random.Shared.NextDouble() < replyRatio)
                w.WriteString("parent"u8, _lastPostId.AsSpan(0, _lastPostIdLength));
            else
                w.WriteNull("parent"u8);
            w.WriteStartObject("load"u8);
            w.WriteNumber("s"u8, Index);
            w.WriteNumber("n"u8, n);
            w.WriteNumber("t"u8, Stopwatch.GetTimestamp());
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.Flush();
            Interlocked.Increment(ref M.Sent);
            Interlocked.Increment(ref _ctx.SentPerRoom[RoomIndex]);
            Interlocked.Increment(ref link.Outstanding);
            await ws.SendAsync(_frame.WrittenMemory, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            // The connection may have ended while this was sent, after its outstanding posts were abandoned.
            if (Volatile.Read(ref link.State) == Link.Ended && TryTakeOutstanding(link)) Abandon(1);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or SocketException
            or OperationCanceledException or InvalidOperationException)
        {
            if (!_closingByUs && !_ctx.Closing) Fail("send failed: " + e.GetType().Name);
            // Counted as sent; its echo will not come.
            if (TryTakeOutstanding(link)) Abandon(1);
            return true;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>A protocol ping that promises the next one within <paramref name="promise"/>.</summary>
    public Task PingAsync(TimeSpan promise)
    {
        long next = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)promise.TotalMilliseconds;
        return SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"ping\",\"seq\":" + Interlocked.Increment(ref _seq).ToString(CultureInfo.InvariantCulture) +
            ",\"data\":{\"next\":" + next.ToString(CultureInfo.InvariantCulture) + "}}"));
    }

    private byte[] Envelope(string type, string? to, Action<Utf8JsonWriter> data)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteNumber("seq", Interlocked.Increment(ref _seq));
            if (to != null) w.WriteString("to", to);
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private async Task SendAsync(byte[] frame)
    {
        var ws = _link?.Ws;
        if (ws == null || ws.State != WebSocketState.Open) return;
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await ws.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or SocketException)
        {
            if (!_closingByUs && !_ctx.Closing) Fail("send failed: " + e.GetType().Name);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
