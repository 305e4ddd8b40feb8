using System.Buffers;
using System.IO.Pipelines;
using System.Text.Unicode;
using Akka.Actor;
using Instant.Actors.Connections;
using Instant.Actors.Protocol;
using Microsoft.AspNetCore.Connections;

namespace Instant.Web.Sockets;

/// <summary>
/// One WebSocket, spoken by us over a pair of pipes: Kestrel's transport pipes on the lean
/// path, or the upgraded request stream on the HTTP-pipeline path. The read loop turns
/// client frames into actor messages; as the connection's <see cref="IConnectionSink"/> it
/// holds a bounded outbox whose single writer puts every queued frame into the pipe and
/// flushes once per batch. Idle, it holds no buffer and no running task besides the read.
/// </summary>
public sealed class RawWebSocketConnection : IConnectionSink
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Action<string> _abort;
    private readonly SocketLimits _limits;
    private readonly Queue<OutgoingFrame> _outbox = new();
    private readonly object _lock = new();
    private TokenBucket _pingRate;
    private byte[]? _pendingPong;
    private long _queuedBytes;
    private bool _writing;
    private bool _closeSent;
    private bool _finished;
    private TaskCompletionSource? _drained;

    /// <param name="input">The bytes from the client, after the handshake.</param>
    /// <param name="output">Where frames for the client go.</param>
    /// <param name="abort">Drops the connection at once (a reset), with a reason for the logs.</param>
    /// <param name="limits">Frame and outbox limits.</param>
    public RawWebSocketConnection(PipeReader input, PipeWriter output, Action<string> abort, SocketLimits limits)
    {
        _input = input;
        _output = output;
        _abort = abort;
        _limits = limits;
        _pingRate = new TokenBucket(limits.PingsPerSecond, limits.PingBurst, TimeProvider.System);
    }

    public bool TrySend(byte[] frame) => Enqueue(new OutgoingFrame(WebSocketOpcodes.Text, frame), enforceLimits: true);

    public void Close(ConnectionCloseReason reason)
    {
        if (reason == ConnectionCloseReason.OutboxOverflow)
        {
            // The reader is stalled: a close frame would never get through. Reset the connection.
            lock (_lock)
            {
                _finished = true;
                _outbox.Clear();
            }

            _abort("reader too slow: outbox overflow");
            return;
        }

        var (code, text) = reason switch
        {
            ConnectionCloseReason.ServerShutdown => ((ushort)1001, "server shutting down"),
            ConnectionCloseReason.PingTimeout => ((ushort)1008, "ping deadline missed"),
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
        var reader = new ClientFrameReader(_limits.MaxFrameSize);
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

    /// <summary>The single writer: everything queued goes into the pipe, then one flush.</summary>
    private async Task WriteLoopAsync()
    {
        try
        {
            while (true)
            {
                bool closing = false;
                lock (_lock)
                {
                    if ((_outbox.Count == 0 && _pendingPong is null) || _finished)
                    {
                        _writing = false;
                        _drained?.TrySetResult();
                        _drained = null;
                        return;
                    }

                    if (_pendingPong is { } pong)
                    {
                        _pendingPong = null;
                        WriteFrame(WebSocketOpcodes.Pong, pong);
                    }

                    while (_outbox.TryDequeue(out var frame))
                    {
                        _queuedBytes -= frame.Payload.Length;
                        WriteFrame(frame.Opcode, frame.Payload);
                        closing |= frame.Opcode == WebSocketOpcodes.Close;
                    }
                }

                var flushed = await _output.FlushAsync();
                if (closing || flushed.IsCompleted || flushed.IsCanceled)
                {
                    lock (_lock)
                    {
                        _finished = closing || flushed.IsCompleted || flushed.IsCanceled;
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
                _drained?.TrySetResult();
            }
        }
    }

    private void WriteFrame(byte opcode, byte[] payload)
    {
        var span = _output.GetSpan(WebSocketFraming.MaxServerHeaderLength);
        _output.Advance(WebSocketFraming.WriteHeader(span, opcode, payload.Length));
        _output.Write(payload);
    }

    private readonly record struct OutgoingFrame(byte Opcode, byte[] Payload);
}
