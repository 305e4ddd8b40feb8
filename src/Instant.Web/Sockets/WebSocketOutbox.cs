using System.Net.WebSockets;
using Instant.Actors.Connections;

namespace Instant.Web.Sockets;

/// <summary>
/// A WebSocket's outbound side: a bounded queue with one send loop (a WebSocket allows one
/// outstanding send). The loop runs only while frames wait, so an idle connection holds no
/// task or buffer. When the queue would pass its bounds, <see cref="TrySend"/> says so and
/// the connection actor closes the socket: a stalled reader costs bounded memory.
/// </summary>
public sealed class WebSocketOutbox(WebSocket socket, SocketLimits limits) : IConnectionSink
{
    private readonly Queue<byte[]> _queue = new();
    private readonly object _lock = new();
    private long _queuedBytes;
    private bool _sending;
    private ConnectionCloseReason? _closeReason;

    public bool TrySend(byte[] frame)
    {
        lock (_lock)
        {
            if (_closeReason is not null)
            {
                return true; // closing: the frame is dropped, the caller need not react
            }

            if (_queue.Count >= limits.OutboxFrames || _queuedBytes + frame.Length > limits.OutboxBytes)
            {
                return false;
            }

            _queue.Enqueue(frame);
            _queuedBytes += frame.Length;
            if (_sending)
            {
                return true;
            }

            _sending = true;
        }

        _ = DrainAsync();
        return true;
    }

    public void Close(ConnectionCloseReason reason)
    {
        lock (_lock)
        {
            if (_closeReason is not null)
            {
                return;
            }

            _closeReason = reason;
            _queue.Clear();
            _queuedBytes = 0;
            if (_sending)
            {
                // The loop closes once its current send is done; a stalled reader may never
                // take that send, so an overflow aborts at once.
                if (reason == ConnectionCloseReason.OutboxOverflow)
                {
                    socket.Abort();
                }

                return;
            }

            _sending = true;
        }

        _ = CloseAsync(reason);
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                byte[] frame;
                ConnectionCloseReason? closing;
                lock (_lock)
                {
                    closing = _closeReason;
                    if (closing is null && _queue.Count == 0)
                    {
                        _sending = false;
                        return;
                    }

                    frame = closing is null ? _queue.Dequeue() : [];
                    _queuedBytes -= frame.Length;
                }

                if (closing is { } reason)
                {
                    await CloseAsync(reason);
                    return;
                }

                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The socket is gone; the receive loop notices too and ends the connection.
            lock (_lock)
            {
                _queue.Clear();
                _queuedBytes = 0;
                _closeReason ??= ConnectionCloseReason.InternalError;
            }
        }
    }

    private async Task CloseAsync(ConnectionCloseReason reason)
    {
        var (status, text) = reason switch
        {
            ConnectionCloseReason.ServerShutdown => (WebSocketCloseStatus.EndpointUnavailable, "server shutting down"),
            ConnectionCloseReason.OutboxOverflow => (WebSocketCloseStatus.PolicyViolation, "reader too slow: outbox overflow"),
            ConnectionCloseReason.PingTimeout => (WebSocketCloseStatus.PolicyViolation, "ping deadline missed"),
            _ => (WebSocketCloseStatus.InternalServerError, "internal error"),
        };
        if (reason == ConnectionCloseReason.OutboxOverflow)
        {
            socket.Abort();
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(status, text, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            socket.Abort();
        }
    }
}
