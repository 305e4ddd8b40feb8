using Microsoft.Extensions.Logging;

namespace Instant.Web.Sockets;

/// <summary>Log lines both WebSocket entry points write.</summary>
internal static partial class SocketLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket refused: {Max} connections are open (instant.ws.maxConnections)")]
    public static partial void ConnectionCapReached(ILogger logger, int max);
}
