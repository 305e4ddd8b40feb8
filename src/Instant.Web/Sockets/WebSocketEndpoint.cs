using System.Buffers;
using System.Net.WebSockets;
using System.Text.Unicode;
using Akka.Actor;
using Instant.Actors.Connections;
using Instant.Actors.Protocol;
using Instant.Web.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Instant.Web.Sockets;

/// <summary>
/// <c>/room/NAME/ws</c> and <c>/api/ws</c>: sets the identity cookie on the upgrade, opens a
/// <see cref="ConnectionActor"/>, and runs the socket's receive loop, which decodes each frame
/// (finding type, seq, to; data stays raw bytes) and hands it to the actor.
/// </summary>
public sealed partial class WebSocketEndpoint(
    ConnectionAdmission admissions,
    ConnectionGate gate,
    SocketLimits limits,
    ILogger<WebSocketEndpoint> log)
{
    public async Task HandleAsync(HttpContext context, string room)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await PlainText(context, StatusCodes.Status400BadRequest, "400 Bad Request: expected a WebSocket upgrade");
            return;
        }

        if (!gate.TryEnter())
        {
            LogConnectionCapReached(gate.Max);
            await PlainText(context, StatusCodes.Status503ServiceUnavailable, "503 Service Unavailable: too many connections");
            return;
        }

        try
        {
            await RunAsync(context, room);
        }
        finally
        {
            gate.Leave();
        }
    }

    private async Task RunAsync(HttpContext context, string room)
    {
        var admission = admissions.Admit(context.Request.Headers.Cookie.ToString());
        context.Response.Headers.Append("Set-Cookie", admission.SetCookie);
        context.Items[HttpLogMiddleware.ExtraKey] = ConnectionAdmission.LogExtra(context.Request.Headers["X-Forwarded-For"].ToString(), admission);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = limits.KeepAlive,
            KeepAliveTimeout = limits.KeepAlive > TimeSpan.Zero ? limits.KeepAlive : Timeout.InfiniteTimeSpan,
        });
        var outbox = new WebSocketOutbox(socket, limits);
        var actor = admissions.Connections.Open(new ConnectionIdentity(room, admission.Id, admission.Uuid), outbox);
        string reason = "closed by client";
        try
        {
            // No cancellation token: a registration per pending receive costs memory on every idle
            // connection, and an aborted connection ends the receive anyway.
            reason = await ReceiveLoopAsync(socket, actor, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            reason = e.Message;
        }
        finally
        {
            actor.Tell(new SocketClosed(reason));
        }
    }

    private async Task<string> ReceiveLoopAsync(WebSocket socket, IActorRef actor, CancellationToken cancellation)
    {
        while (true)
        {
            // Wait with no buffer, so an idle connection pins no memory; rent one only for a frame.
            var peek = await socket.ReceiveAsync(Memory<byte>.Empty, cancellation);
            if (peek.MessageType == WebSocketMessageType.Close)
            {
                await CloseBackAsync(socket);
                return "closed by client";
            }

            var (message, tooLarge, type, closed) = await ReadMessageAsync(socket, peek, cancellation);
            if (closed)
            {
                await CloseBackAsync(socket);
                return "closed by client";
            }

            if (tooLarge)
            {
                actor.Tell(new FrameRejected(ProtocolError.FrameTooLarge, limits.MaxFrameSize));
                continue;
            }

            if (type == WebSocketMessageType.Binary)
            {
                actor.Tell(new FrameRejected(ProtocolError.NotText));
                continue;
            }

            if (!Utf8.IsValid(message))
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.InvalidPayloadData, "invalid UTF-8 in a text frame", CancellationToken.None);
                return "invalid UTF-8";
            }

            actor.Tell(ConnectionAdmission.Decode(message));
        }
    }

    /// <summary>
    /// Reads one whole message (all its fragments) into an exact-size array, or drains it when
    /// it exceeds the frame size limit.
    /// </summary>
    private async Task<(byte[] Message, bool TooLarge, WebSocketMessageType Type, bool Closed)> ReadMessageAsync(
        WebSocket socket, ValueWebSocketReceiveResult first, CancellationToken cancellation)
    {
        var type = first.MessageType;
        // The zero-byte peek consumed no payload; it ends the message only for an empty final frame.
        bool end = first.EndOfMessage;
        byte[] rented = ArrayPool<byte>.Shared.Rent(4096);
        int length = 0;
        bool tooLarge = false;
        try
        {
            while (!end)
            {
                if (length == rented.Length)
                {
                    if (rented.Length >= limits.MaxFrameSize)
                    {
                        tooLarge = true;
                        length = 0; // keep reading into the same buffer, discarding
                    }
                    else
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(rented.Length * 2, limits.MaxFrameSize));
                        rented.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(rented);
                        rented = bigger;
                    }
                }

                var result = await socket.ReceiveAsync(rented.AsMemory(length), cancellation);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return ([], false, type, true);
                }

                length += result.Count;
                end = result.EndOfMessage;
                if (length > limits.MaxFrameSize)
                {
                    tooLarge = true;
                    length = 0;
                }
            }

            return (tooLarge ? [] : rented.AsSpan(0, length).ToArray(), tooLarge, type, false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static async Task CloseBackAsync(WebSocket socket)
    {
        if (socket.State == WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
            }
        }
    }

    private static Task PlainText(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket refused: {Max} connections are open (instant.ws.maxConnections)")]
    private partial void LogConnectionCapReached(int max);
}
