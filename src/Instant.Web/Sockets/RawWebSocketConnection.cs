using System.Buffers;
using System.IO.Pipelines;
using System.Text.Unicode;
using Akka.Actor;
using Instant.Actors.Connections;
using Instant.Actors.Diagnostics;
using Instant.Actors.Protocol;
using Microsoft.AspNetCore.Connections;

namespace Instant.Web.Sockets;

/// <summary>
/// One WebSocket, spoken by us over a pair of pipes: Kestrel's transport pipes on the lean
/// path, or the upgraded request stream on the HTTP-pipeline path. The read loop turns
/// client frames into actor messages; as the connection's <see cref="IConnectionSink"/> it
/// holds a bounded outbox whose single writer puts the queued frames into the pipe and
/// flushes every 16 KB. Idle, it holds no buffer and no running task besides the read.
/// </summary>
public sealed class RawWebSocketConnection : IConnectionSink
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Bytes put into the pipe between two flushes.</summary>
    private const int FlushChunkBytes = 16 * 1024;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Action<string> _abort;
    private readonly SocketLimits _limits;
    private readonly InputBudget _inputBudget;
    private readonly ConnectionMetrics? _metrics;
    private readonly Queue<OutgoingFrame> _outbox = new();
    private readonly object _lock = new();
    private TokenBucket _pingRate;
    private byte[]? _pendingPong;
    private OutgoingFrame? _current;
    private int _currentOffset;
    private long _queuedBytes;
    private bool _writing;
    private bool _closeSent;
    private bool _finished;
    private TaskCompletionSource? _drained;
    private int _relayedWrites;
    private long _timedRelay;

    /// <param name="input">The bytes from the client, after the handshake.</param>
    /// <param name="output">Where frames for the client go.</param>
    /// <param name="abort">Drops the connection at once (a reset), with a reason for the logs.</param>
    /// <param name="limits">Frame and outbox limits.</param>
    /// <param name="inputBudget">What all connections together may hold of unfinished messages.</param>
    /// <param name="metrics">Where sampled relay latencies go, if anywhere.</param>
    public RawWebSocketConnection(PipeReader input, PipeWriter output, Action<string> abort, SocketLimits limits, InputBudget inputBudget, ConnectionMetrics? metrics = null)
    {
        _metrics = metrics;
        _input = input;
        _output = output;
        _abort = abort;
        _limits = limits;
        _inputBudget = inputBudget;
        _pingRate = new TokenBucket(limits.PingsPerSecond, limits.PingBurst, TimeProvider.System);
    }

    public bool TrySend(byte[] frame) => Enqueue(new OutgoingFrame(WebSocketOpcodes.Text, frame), enforceLimits: true);

    public bool TrySend(byte[] frame, long relayedAt) => Enqueue(new OutgoingFrame(WebSocketOpcodes.Text, frame, relayedAt), enforceLimits: true);

    public void Close(ConnectionCloseReason reason)
    {
        var (code, text) = reason switch
        {
            ConnectionCloseReason.ServerShutdown => ((ushort)1001, "server shutting down"),
            ConnectionCloseReason.PingTimeout => ((ushort)1008, "ping deadline missed"),
            // What was queued is dropped; the close frame follows the frame on the wire, and a
            // reader that has stalled for good is reset when it does not answer in time.
            ConnectionCloseReason.OutboxOverflow => ((ushort)1008, "reader too slow: outbox overflow"),
            ConnectionCloseReason.Disconnected => ((ushort)1008, "disconnected by the operator"),
            _ => ((ushort)1011, "internal error"),
        };
        SendClose(code, text);
        _ = AbortIfNoCloseReplyAsync();
    }

    /// <summary>
    /// The connection's life after the handshake: reads until it closes, tells the actor, and
    /// lets the frames already queued (a close frame included) go out.
    /// </summary>
    public async Task RunAsync(IActorRef actor)
    {
        string reason = await ReadLoopAsync(actor);
        actor.Tell(new SocketClosed(reason));
        await DrainAsync();
    }

    /// <summary>Reads frames until the connection closes; returns why it ended.</summary>
    private async Task<string> ReadLoopAsync(IActorRef actor)
    {
        var reader = new ClientFrameReader(_limits.MaxFrameSize, _inputBudget);
        var input = _input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                var outcome = reader.Process(ref buffer, out var events);
                input.AdvanceTo(buffer.Start, result.Buffer.End);
                // An indexed loop: foreach over the interface would allocate on every read.
                for (int i = 0; i < events.Count; i++)
                {
                    // Invalid UTF-8 fails the connection (RFC 6455 8.1): no more reading.
                    outcome ??= Handle(events[i], actor);
                }

                if (outcome is { } end)
                {
                    return Finish(end);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    return "connection closed";
                }
            }
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException or InvalidOperationException or OperationCanceledException)
        {
            return e.Message;
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>Waits (briefly) until the frames already queued, a close frame included, are flushed.</summary>
    private async Task DrainAsync()
    {
        Task wait;
        lock (_lock)
        {
            if (!_writing || _finished)
            {
                return;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _drained.Task;
        }

        await wait.WaitAsync(CloseHandshakeTimeout).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private ClientFrameReader.End? Handle(ClientFrameReader.Event e, IActorRef actor)
    {
        switch (e.Kind)
        {
            case ClientFrameReader.EventKind.Text when Utf8.IsValid(e.Payload):
                actor.Tell(ConnectionAdmission.Decode(e.Payload));
                break;
            case ClientFrameReader.EventKind.Text:
                return new ClientFrameReader.End(null, 1007, "invalid UTF-8 in a text frame");
            case ClientFrameReader.EventKind.Binary:
                actor.Tell(new FrameRejected(ProtocolError.NotText));
                break;
            case ClientFrameReader.EventKind.TooLarge:
                actor.Tell(new FrameRejected(ProtocolError.FrameTooLarge, _limits.MaxFrameSize));
                break;
            case ClientFrameReader.EventKind.Ping when !_pingRate.TryTake(TimeProvider.System):
                return new ClientFrameReader.End(null, 1008, "too many pings (instant.ws.rateLimit)");
            case ClientFrameReader.EventKind.Ping:
                QueuePong(e.Payload);
                break;
        }

        return null;
    }

    private string Finish(ClientFrameReader.End end)
    {
        if (end.CloseCode is { } code)
        {
            // Answer the client's close (echoing its code, as RFC 6455 suggests) before leaving.
            SendClose(code == 1005 ? (ushort)1000 : code, string.Empty);
            return "closed by client";
        }

        SendClose(end.ProtocolErrorCode, end.Reason);
        return end.Reason;
    }

    private void SendClose(ushort code, string reason)
    {
        lock (_lock)
        {
            if (_closeSent || _finished)
            {
                return;
            }

            _closeSent = true;
            _outbox.Clear();
            _queuedBytes = 0;
        }

        Enqueue(new OutgoingFrame(WebSocketOpcodes.Close, WebSocketFraming.ClosePayload(code, reason)), enforceLimits: false, afterClose: true);
    }

    private async Task AbortIfNoCloseReplyAsync()
    {
        await Task.Delay(CloseHandshakeTimeout);
        _abort("no reply to the close frame");
    }

    /// <summary>
    /// Answers a ping. Only the latest unsent pong is kept (RFC 6455 5.5.3 allows answering just
    /// the most recent ping), so a client that pings and never reads holds 125 bytes, not a queue.
    /// </summary>
    private void QueuePong(byte[] payload)
    {
        lock (_lock)
        {
            if (_finished || _closeSent)
            {
                return;
            }

            _pendingPong = payload;
            if (_writing)
            {
                return;
            }

            _writing = true;
        }

        _ = WriteLoopAsync();
    }

    private bool Enqueue(OutgoingFrame frame, bool enforceLimits, bool afterClose = false)
    {
        lock (_lock)
        {
            if (_finished || (_closeSent && !afterClose))
            {
                return true; // closing: the frame is dropped, the caller need not react
            }

            if (enforceLimits && (_outbox.Count >= _limits.OutboxFrames || _queuedBytes + frame.Payload.Length > _limits.OutboxBytes))
            {
                return false;
            }

            _outbox.Enqueue(frame);
            _queuedBytes += frame.Payload.Length;
            if (_writing)
            {
                return true;
            }

            _writing = true;
        }

        _ = WriteLoopAsync();
        return true;
    }

    /// <summary>
    /// The single writer: queued frames go into the pipe and are flushed every
    /// <see cref="FlushChunkBytes"/>. A flush waits while the socket is behind, so the pipe
    /// (pooled buffers) never holds more than a chunk beyond the transport's own threshold; a
    /// large frame is copied a chunk at a time from its one shared array, not whole per recipient.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        try
        {
            while (true)
            {
                bool closing;
                lock (_lock)
                {
                    if (_finished || (_current is null && _outbox.Count == 0 && _pendingPong is null))
                    {
                        _writing = false;
                        _drained?.TrySetResult();
                        _drained = null;
                        return;
                    }

                    closing = WriteChunk();
                }

                var flushed = await _output.FlushAsync();
                if (_timedRelay != 0)
                {
                    _metrics?.RelayWritten(_timedRelay);
                    _timedRelay = 0;
                }

                if (closing || flushed.IsCompleted || flushed.IsCanceled)
                {
                    lock (_lock)
                    {
                        _finished = true;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or ConnectionResetException or OperationCanceledException)
        {
            lock (_lock)
            {
                _finished = true;
                _writing = false;
                _outbox.Clear();
                _current = null;
                _drained?.TrySetResult();
            }
        }
    }

    /// <summary>Puts up to a chunk of queued bytes into the pipe (under the lock); true once a close frame is in.</summary>
    private bool WriteChunk()
    {
        if (_current is null && _pendingPong is { } pong)
        {
            // Between frames only: a frame's header promised all of its payload.
            _pendingPong = null;
            WriteHeader(WebSocketOpcodes.Pong, pong.Length);
            _output.Write(pong);
        }

        int budget = FlushChunkBytes;
        while (budget > 0)
        {
            if (_current is not { } frame)
            {
                if (!_outbox.TryDequeue(out frame))
                {
                    return false;
                }

                _queuedBytes -= frame.Payload.Length;
                if (frame.RelayedAt != 0 && ++_relayedWrites % ConnectionMetrics.LatencySampleEvery == 0)
                {
                    _timedRelay = frame.RelayedAt; // recorded once this chunk is flushed
                }

                budget -= WriteHeader(frame.Opcode, frame.Payload.Length);
                _current = frame;
                _currentOffset = 0;
            }

            int take = Math.Min(Math.Max(budget, 0), frame.Payload.Length - _currentOffset);
            _output.Write(frame.Payload.AsSpan(_currentOffset, take));
            _currentOffset += take;
            budget -= take;
            if (_currentOffset == frame.Payload.Length)
            {
                _current = null;
                if (frame.Opcode == WebSocketOpcodes.Close)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private int WriteHeader(byte opcode, int payloadLength)
    {
        var span = _output.GetSpan(WebSocketFraming.MaxServerHeaderLength);
        int length = WebSocketFraming.WriteHeader(span, opcode, payloadLength);
        _output.Advance(length);
        return length;
    }

    /// <param name="RelayedAt">The relay's timestamp of a relayed frame (0: not timed).</param>
    private readonly record struct OutgoingFrame(byte Opcode, byte[] Payload, long RelayedAt = 0);
}
