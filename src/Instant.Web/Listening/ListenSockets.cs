using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Instant.Web.Listening;

/// <summary>
/// Makes the server's listening sockets. On Linux they share their port (SO_REUSEPORT) so that
/// a successor can take over without a moment in which connecting is refused:
/// <list type="bullet">
/// <item>A server started normally refuses a port somebody already listens on, as a server
/// without SO_REUSEPORT would: sharing is only for a successor.</item>
/// <item>A server started with <c>--startup-cmd</c> (the fast-restart hook) on a port another
/// server holds binds and listens <em>before</em> running the command, joins the predecessor's
/// port, and steers every new connection to itself (<see cref="ReusePort.SteerToNewest"/>).
/// Those connections wait in its backlog while the command stops the predecessor, and are
/// accepted once the server is up.</item>
/// </list>
/// A predecessor that does not share its port (the original server, or one started with
/// SO_REUSEPORT unsupported) leaves the successor to bind after the command, as before.
/// </summary>
public sealed class ListenSockets(bool reuseAddress)
{
    /// <summary>Kestrel's default; the early socket is made with it too.</summary>
    public const int Backlog = 512;

    // Sockets bound ahead of Kestrel, keyed by the endpoint Kestrel will ask for.
    private readonly ConcurrentDictionary<IPEndPoint, Socket> _early = new();

    /// <summary>
    /// Binds and listens now on each of <paramref name="endpoints"/> that another server holds,
    /// sharing it with that server. A free endpoint is left to be bound after the command, as
    /// the original does.
    /// </summary>
    public void BindEarly(IEnumerable<IPEndPoint> endpoints, Action<string> report)
    {
        if (!ReusePort.Supported)
        {
            return;
        }

        foreach (var endpoint in endpoints.Where(IsHeld))
        {
            var socket = NewSocket(endpoint);
            try
            {
                ReusePort.Enable(socket);
                socket.Bind(endpoint);
                socket.Listen(Backlog);
                // Only once listening is the socket in the port's group, which owns the program.
                ReusePort.SteerToNewest(socket);
                _early[endpoint] = socket;
                report($"Sharing {endpoint} with the server being replaced; new connections wait for this one");
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                socket.Dispose();
                report($"{endpoint} is held by a server that does not share it; binding after the startup command");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    /// <summary>Kestrel's <c>CreateBoundListenSocket</c>: the early socket, or a new bound one.</summary>
    public Socket Bind(EndPoint endpoint)
    {
        var ip = (IPEndPoint)endpoint;
        if (_early.TryRemove(ip, out var early))
        {
            return early;
        }

        if (ReusePort.Supported && IsHeld(ip))
        {
            // Sharing is for a successor only: refuse the port as a server without SO_REUSEPORT would.
            throw new SocketException((int)SocketError.AddressAlreadyInUse);
        }

        var socket = NewSocket(ip);
        try
        {
            if (ReusePort.Supported)
            {
                ReusePort.Enable(socket);
            }

            socket.Bind(ip);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether somebody listens on <paramref name="endpoint"/>: a bind without SO_REUSEPORT fails
    /// then. Port 0 is never held: the kernel picks a free port even for a sharing socket.
    /// </summary>
    private bool IsHeld(IPEndPoint endpoint)
    {
        if (endpoint.Port == 0)
        {
            return false;
        }

        using var probe = NewSocket(endpoint);
        try
        {
            probe.Bind(endpoint);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
    }

    private Socket NewSocket(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (endpoint.Address.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true;
        }

        ReusePort.SetReuseAddress(socket, reuseAddress);
        return socket;
    }
}
