using System.IO.Pipelines;
using Akka.Actor;
using Instant.Actors.Connections;
using Instant.Actors.Diagnostics;
using Instant.Web.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Instant.Web.Sockets;

/// <summary>
/// <c>/room/NAME/ws</c> and <c>/api/ws</c> reached through the HTTP pipeline: an upgrade that
/// was not a connection's first request (or whose head came in pieces). It answers the
/// handshake through Kestrel's upgrade feature and then speaks the same framing as the lean
/// path (<see cref="RawWebSocketConnection"/>) over the upgraded stream.
/// </summary>
public sealed class WebSocketEndpoint(
    ConnectionAdmission admissions,
    ConnectionGate gate,
    SocketLimits limits,
    InputBudget inputBudget,
    ConnectionMetrics metrics,
    AllowedOrigins origins,
    ILogger<WebSocketEndpoint> log)
{
    public async Task HandleAsync(HttpContext context, string room)
    {
        var headers = context.Request.Headers;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true } || !HttpMethods.IsGet(context.Request.Method)
            || !UpgradeRequest.IsHandshake(headers.Upgrade, headers.Connection, headers.SecWebSocketVersion, headers.SecWebSocketKey))
        {
            await PlainText(context, StatusCodes.Status400BadRequest, "400 Bad Request: expected a WebSocket upgrade");
            return;
        }

        if (!origins.Allows(headers.Origin.Count > 0 ? headers.Origin.ToString() : null))
        {
            await PlainText(context, StatusCodes.Status403Forbidden, "403 Forbidden: origin not allowed");
            return;
        }

        if (!gate.TryEnter())
        {
            SocketLog.ConnectionCapReached(log, gate.Max);
            await PlainText(context, StatusCodes.Status503ServiceUnavailable, "503 Service Unavailable: too many connections");
            return;
        }

        try
        {
            await RunAsync(context, upgrade, room);
        }
        finally
        {
            gate.Leave();
        }
    }

    private async Task RunAsync(HttpContext context, IHttpUpgradeFeature upgrade, string room)
    {
        var admission = admissions.Admit(context.Request.Headers.Cookie.ToString());
        var response = context.Response.Headers;
        response.Upgrade = "websocket";
        response.Connection = "Upgrade";
        response.SecWebSocketAccept = UpgradeRequest.AcceptKey(context.Request.Headers.SecWebSocketKey.ToString());
        response.Append("Set-Cookie", admission.SetCookie);
        context.Items[HttpLogMiddleware.ExtraKey] = ConnectionAdmission.LogExtra(context.Request.Headers["X-Forwarded-For"].ToString(), admission);

        await using var stream = await upgrade.UpgradeAsync();
        TcpKeepAlive.Enable(context.Features, limits.KeepAlive);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true, useZeroByteReads: true));
        var output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        var socket = new RawWebSocketConnection(input, output, _ => context.Abort(), limits, inputBudget, metrics);
        var actor = await admissions.Connections.OpenAsync(new ConnectionIdentity(room, admission.Id, admission.Uuid), socket);
        await socket.RunAsync(actor);
        await input.CompleteAsync();
        await output.CompleteAsync();
    }

    private static Task PlainText(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text);
    }
}
