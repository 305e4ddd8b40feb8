using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Instant.Web.Sockets;

/// <summary>
/// Dead peers are found by the kernel's TCP keep-alive on the socket: no timer or ping state
/// per connection in the process.
/// </summary>
public static class TcpKeepAlive
{
    public static void Enable(IFeatureCollection features, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero || features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            return;
        }

        int seconds = Math.Max(1, (int)interval.TotalSeconds);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, seconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, seconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        }
        catch (SocketException)
        {
            // Not every platform has every option; keep-alive is a safeguard, not a requirement.
        }
    }
}
