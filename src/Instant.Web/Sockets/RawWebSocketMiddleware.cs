using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Instant.Actors.Connections;
using Instant.Actors.Diagnostics;
using Instant.Actors.Rooms;
using Instant.Web.Http;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Instant.Web.Sockets;

/// <summary>
/// A Kestrel connection middleware: when a connection's first request is a WebSocket upgrade
/// to <c>/room/NAME/ws</c> or <c>/api/ws</c>, the handshake and framing are done here on the
/// transport pipes (<see cref="RawWebSocketConnection"/>), so an open socket keeps none of the
/// HTTP request machinery alive. Everything else, including a request head that did not
/// arrive in one piece, goes untouched to the HTTP pipeline, whose WebSocket endpoint serves
/// the same protocol.
/// </summary>
public sealed class RawWebSocketMiddleware(ConnectionDelegate next, IServiceProvider services, string serverHeader)
{
    private static readonly TimeSpan FirstRequestTimeout = TimeSpan.FromSeconds(10);

    // Resolved on first use: the actor system behind them starts after Kestrel is configured.
    private readonly Lazy<Dependencies> _dependencies = new(() => new Dependencies(
        services.GetRequiredService<ConnectionAdmission>(),
        services.GetRequiredService<ConnectionGate>(),
        services.GetRequiredService<SocketLimits>(),
        services.GetRequiredService<InputBudget>(),
        services.GetRequiredService<ConnectionMetrics>(),
        services.GetRequiredService<AllowedOrigins>(),
        services.GetRequiredService<HttpLog>(),
        services.GetRequiredService<ILogger<RawWebSocketMiddleware>>()));

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        // This frame lives as long as the socket: it holds the session, never the request.
        var (handled, session) = await AcceptAsync(connection);
        if (!handled)
        {
            await next(connection);
            return;
        }

        if (session is null)
        {
            return;
        }

        try
        {
            await session.Socket.RunAsync(session.Actor);
        }
        finally
        {
            _dependencies.Value.Gate.Leave();
        }
    }

    /// <summary>
    /// Takes the connection if its first request is a lean-path upgrade: refused (503) when
    /// full, otherwise answered (101) with a connection actor opened. Not handled: untouched.
    /// </summary>
    private async Task<(bool Handled, Session? Session)> AcceptAsync(ConnectionContext connection)
    {
        var peeked = await PeekFirstRequestAsync(connection.Transport.Input);
        if (peeked is not { } first)
        {
            return (false, null);
        }

        var d = _dependencies.Value;
        string address = (connection.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "-";
        if (!d.Origins.Allows(first.Request.Header("Origin")))
        {
            await RefuseAsync(connection, first.Request, address, d.HttpLog, 403, "Forbidden", "403 Forbidden: origin not allowed");
            return (true, null);
        }

        if (!d.Gate.TryEnter())
        {
            SocketLog.ConnectionCapReached(d.Log, d.Gate.Max);
            await RefuseAsync(connection, first.Request, address, d.HttpLog, 503, "Service Unavailable", "503 Service Unavailable: too many connections");
            return (true, null);
        }

        try
        {
            return (true, await HandshakeAsync(connection, first.Request, first.Room, address, d));
        }
        catch
        {
            d.Gate.Leave();
            throw;
        }
    }

    /// <summary>
    /// Reads the first request head. For a lean-path upgrade it is consumed; otherwise nothing
    /// is consumed or marked examined, so the HTTP parser sees the bytes as they came.
    /// </summary>
    private static async Task<(UpgradeRequest Request, string Room)?> PeekFirstRequestAsync(PipeReader input)
    {
        ReadResult result;
        using (var timeout = new CancellationTokenSource(FirstRequestTimeout))
        {
            try
            {
                result = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        var buffer = result.Buffer;
        if (UpgradeRequest.FindEnd(buffer) is { } end
            && UpgradeRequest.Parse(buffer.Slice(0, end)) is { IsWebSocketUpgrade: true } request
            && SitePaths.Resolve(request.Path, request.Query) is { } target and (SiteTarget.RoomSocket or SiteTarget.ApiSocket))
        {
            input.AdvanceTo(end);
            return (request, target is SiteTarget.RoomSocket room ? room.Room : RoomNames.Api);
        }

        input.AdvanceTo(buffer.Start, buffer.Start);
        return null;
    }

    /// <summary>Answers the upgrade and opens the connection actor.</summary>
    private async Task<Session> HandshakeAsync(
        ConnectionContext connection, UpgradeRequest request, string room, string address, Dependencies d)
    {
        var admission = d.Admission.Admit(request.Header("Cookie"));
        var head = new StringBuilder(256)
            .Append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append("Sec-WebSocket-Accept: ").Append(UpgradeRequest.AcceptKey(request.Header("Sec-WebSocket-Key")!)).Append("\r\n")
            .Append("Set-Cookie: ").Append(admission.SetCookie).Append("\r\n")
            .Append("Server: ").Append(serverHeader).Append("\r\n\r\n");
        d.HttpLog.Write(address, $"{request.Method} {request.Target} {request.Version}", 101, null,
            request.Header("Referer"), request.Header("User-Agent"),
            ConnectionAdmission.LogExtra(request.Header("X-Forwarded-For"), admission));
        await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        TcpKeepAlive.Enable(connection.Features, d.Limits.KeepAlive);
        var socket = new RawWebSocketConnection(
            connection.Transport.Input, connection.Transport.Output,
            reason => connection.Abort(new ConnectionAbortedException(reason)), d.Limits, d.InputBudget, d.Metrics);
        return new Session(socket, await d.Admission.Connections.OpenAsync(new ConnectionIdentity(room, admission.Id, admission.Uuid), socket));
    }

    private async Task RefuseAsync(
        ConnectionContext connection, UpgradeRequest request, string address, HttpLog log, int status, string reason, string body)
    {
        string response = $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + $"Content-Length: {body.Length}\r\nConnection: close\r\nServer: {serverHeader}\r\n\r\n{body}";
        log.Write(address, $"{request.Method} {request.Target} {request.Version}", status, body.Length,
            request.Header("Referer"), request.Header("User-Agent"), []);
        await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes(response));
    }

    private sealed record Session(RawWebSocketConnection Socket, IActorRef Actor);

    private sealed record Dependencies(
        ConnectionAdmission Admission, ConnectionGate Gate, SocketLimits Limits, InputBudget InputBudget, ConnectionMetrics Metrics, AllowedOrigins Origins, HttpLog HttpLog, ILogger Log);
}
