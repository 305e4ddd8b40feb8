using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
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
/// One simulated participant: one WebSocket, one receive loop, sends serialised by a lock
/// (a WebSocket allows one outstanding send). The hot path — a relayed post — is scanned
/// without allocating; rarer frames are parsed with JsonDocument.
/// </summary>
internal sealed class LoadClient
{
    private readonly RunContext _ctx;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource<bool> _identity = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ClientWebSocket? _ws;
    private byte[] _buffer = new byte[1024];
    private Dictionary<long, long>? _lastSeqBySender;
    private readonly byte[] _lastPostId = new byte[32];
    private int _lastPostIdLength;
    private int _seq;
    private long _postSeq;
    private bool _counted;
    private volatile bool _closingByUs;
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
        if ((role & (ClientRole.ServesLogs | ClientRole.Browser)) != 0)
            _logs = new LogStore((role & ClientRole.ServesLogs) != 0 ? Math.Max(ctx.Options.BrowserLog, ctx.Options.Posts) : ctx.Options.BrowserLog);
        if ((role & ClientRole.PullsHistory) != 0) _pull = new HistoryPull();
    }

    public int Index { get; }
    public int RoomIndex { get; }
    public ClientRole Role { get; }
    public string? ParticipantId { get; private set; }
    public bool IsCountedReceiver => _counted;
    public bool IsOpen => _counted && _ws?.State == WebSocketState.Open;
    public long PostsSent => Interlocked.Read(ref _postSeq);
    public Task ReceiveLoop { get; private set; } = Task.CompletedTask;
    /// <summary>Completes when a history joiner has its logs (or gave up).</summary>
    public Task HistoryDone => _pull?.Done.Task ?? Task.CompletedTask;
    private string Nick => "load" + Index.ToString(CultureInfo.InvariantCulture);
    private LoadMetrics M => _ctx.Metrics;

    /// <summary>Connects and waits for the identity frame; records the connect time or the failure's cause.</summary>
    public async Task<bool> ConnectAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref M.ConnectAttempts);
        long start = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(_ctx.Options.ConnectTimeoutSeconds));
        try
        {
            _ws = await _ctx.Sockets.ConnectAsync(_ctx.Options.RoomSocketUri(_ctx.Options.RoomOf(RoomIndex)), Index, timeout.Token).ConfigureAwait(false);
            ReceiveLoop = ReceiveLoopAsync();
            await _identity.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref M.ConnectFailed);
            M.Error(ct.IsCancellationRequested ? "connect cancelled" : ErrorCauses.OfConnect(e, timeout.IsCancellationRequested));
            _closingByUs = true;
            _ws?.Abort();
            return false;
        }
        M.Connect.RecordValue(LoadMetrics.Micros(start, Stopwatch.GetTimestamp()));
        Interlocked.Increment(ref M.Connected);
        Interlocked.Increment(ref M.Open);
        _counted = true;
        if (_ws.State != WebSocketState.Open) { Interlocked.Decrement(ref M.Open); _counted = false; return false; }
        return true;
    }

    public async Task CloseAsync()
    {
        _closingByUs = true;
        var ws = _ws;
        if (ws == null) return;
        try
        {
            if (ws.State == WebSocketState.Open)
            {
                using var t = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "load test done", t.Token).ConfigureAwait(false);
                await ReceiveLoop.WaitAsync(t.Token).ConfigureAwait(false);
            }
        }
        catch (Exception) { /* closing anyway */ }
        finally
        {
            ws.Abort();
            ws.Dispose();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var ws = _ws!;
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
                if (r.MessageType == WebSocketMessageType.Text) Handle(filled);
                filled = 0;
            }
        }
        catch (Exception e)
        {
            cause = ErrorCauses.OfReceive(e);
        }
        _identity.TrySetException(new WebSocketException(cause ?? "closed before identity"));
        _pull?.Done.TrySetResult(false);
        if (_counted)
        {
            Interlocked.Decrement(ref M.Open);
            if (!_closingByUs && !_ctx.Closing)
            {
                Interlocked.Increment(ref M.Disconnects);
                M.Error("disconnect: " + (cause ?? "closed"));
            }
            else
            {
                Interlocked.Increment(ref M.Closed);
            }
        }
    }

    private void Handle(int length)
    {
        var span = _buffer.AsSpan(0, length);
        if (!FrameScanner.Scan(span, out var f))
        {
            M.Error("bad frame from server (not a JSON object)");
            return;
        }
        switch (f.Type)
        {
            case FrameType.Broadcast or FrameType.Unicast:
                if (f.Payload == PayloadType.Post) OnPost(span, ref f);
                else if (f.Payload != PayloadType.None && f.Payload != PayloadType.Other && f.Payload != PayloadType.Nick) OnClientLevel(span, f.Payload);
                break;
            case FrameType.Identity: OnIdentity(span); break;
            case FrameType.Joined: Interlocked.Increment(ref M.JoinedSeen); break;
            case FrameType.Left: Interlocked.Increment(ref M.LeftSeen); break;
            case FrameType.Pong: Interlocked.Increment(ref M.Pongs); break;
            case FrameType.Error: OnError(span); break;
        }
    }

    private void OnPost(ReadOnlySpan<byte> frame, ref ScannedFrame f)
    {
        if (f.IdLength > 0 && f.IdLength <= _lastPostId.Length)
        {
            frame.Slice(f.IdStart, f.IdLength).CopyTo(_lastPostId);
            _lastPostIdLength = f.IdLength;
        }
        _logs?.Add(frame);
        if (!f.HasMarker) return;
        long now = Stopwatch.GetTimestamp();
        if (M.FirstDeliveryTicks == 0) Interlocked.CompareExchange(ref M.FirstDeliveryTicks, now, 0);
        Volatile.Write(ref M.LastDeliveryTicks, now);
        M.Delivery.RecordValue(LoadMetrics.Micros(f.MarkTicks, now));
        Interlocked.Increment(ref M.Delivered);
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
                _ctx.OnEcho?.Invoke(this, f.MarkSeq);
            }
        }
    }

    private void OnIdentity(ReadOnlySpan<byte> frame)
    {
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
            _ = SendAsync(Envelope("broadcast", null, w => { w.WriteString("type", "nick"); w.WriteString("nick", Nick); w.WriteString("uuid", _uuid); }));
            _ = SendAsync(Envelope("broadcast", null, w => w.WriteString("type", "who")));
            if (_pull == null) _ = SendAsync(Envelope("broadcast", null, w => w.WriteString("type", "log-query")));
        }
        if (_pull != null) _ = PullHistoryAsync();
        _identity.TrySetResult(true);
    }

    private void OnError(ReadOnlySpan<byte> frame)
    {
        Interlocked.Increment(ref M.ServerErrors);
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
                _ = SendAsync(Envelope("unicast", from, w => { w.WriteString("type", "nick"); w.WriteString("nick", Nick); w.WriteString("uuid", _uuid); }));
                break;
            case PayloadType.LogQuery when (browser || serves) && _logs != null:
                if (from == ParticipantId && !browser) break;
                _ = SendAsync(Envelope("unicast", from, _logs.WriteInfo));
                break;
            case PayloadType.LogRequest when (browser || serves) && _logs != null:
                _ = SendAsync(Envelope("unicast", from, w => _logs.WriteLog(w, data)));
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

    private async Task PullHistoryAsync()
    {
        var pull = _pull!;
        long start = Stopwatch.GetTimestamp();
        try
        {
            await SendAsync(Envelope("broadcast", null, w => w.WriteString("type", "log-query"))).ConfigureAwait(false);
            string? peer = await pull.ChoosePeerAsync(TimeSpan.FromSeconds(_ctx.Options.LogWaitSeconds), TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            if (peer == null)
            {
                M.Error("history: no peer answered log-query");
                pull.Done.TrySetResult(false);
                return;
            }
            await SendAsync(Envelope("unicast", peer, w => { w.WriteString("type", "log-request"); w.WriteString("key", HistoryPull.Key); })).ConfigureAwait(false);
            int received = await pull.Received.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            M.History.RecordValue(LoadMetrics.Micros(start, Stopwatch.GetTimestamp()));
            Interlocked.Increment(ref M.HistoryDone);
            Interlocked.Add(ref M.HistoryPosts, received);
            if (received < _ctx.ExpectedHistoryPosts) M.Error("history: log shorter than the seeded posts");
            pull.Done.TrySetResult(true);
        }
        catch (Exception e) when (e is TimeoutException or WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            M.Error("history: " + (e is TimeoutException ? "no log within 60 s" : e.GetType().Name));
            pull.Done.TrySetResult(false);
        }
    }

    /// <summary>Sends one post into the room; returns false if the connection is gone.</summary>
    public async Task<bool> SendPostAsync(double replyRatio)
    {
        if (_ws == null || _ws.State != WebSocketState.Open) return false;
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            long n = ++_postSeq;
            _frame ??= new ArrayBufferWriter<byte>(256 + _ctx.Padding.Length);
            _frame.ResetWrittenCount();
            var w = _writer ??= new Utf8JsonWriter(_frame);
            w.Reset(_frame);
            w.WriteStartObject();
            w.WriteString("type"u8, "broadcast"u8);
            w.WriteNumber("seq"u8, ++_seq);
            w.WriteStartObject("data"u8);
            w.WriteString("type"u8, "post"u8);
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
            await _ws.SendAsync(_frame.WrittenMemory, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or SocketException)
        {
            M.Error("send failed: " + e.GetType().Name);
            return false;
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
        var ws = _ws;
        if (ws == null || ws.State != WebSocketState.Open) return;
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await ws.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or SocketException)
        {
            if (!_closingByUs && !_ctx.Closing) M.Error("send failed: " + e.GetType().Name);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
