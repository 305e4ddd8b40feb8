using Instant.Web.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Instant.Web.Listening;

/// <summary>
/// The first step of every connection, before TLS: counts it against
/// <c>instant.server.maxConnections</c> for its whole life (an upgraded WebSocket included) and
/// closes it at once when the cap is reached. Connections that never send a request hold a
/// descriptor until a timeout ends them; without a cap they could take every descriptor the
/// process has, and the server could then open no file, log or database.
/// </summary>
public sealed class ConnectionCapMiddleware(ConnectionDelegate next, ConnectionGate connections)
{
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        if (!connections.TryEnter())
        {
            return; // Kestrel closes it
        }

        try
        {
            await next(connection);
        }
        finally
        {
            connections.Leave();
        }
    }
}
