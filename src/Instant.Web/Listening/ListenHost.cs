using System.Net;
using Instant.Web.Cli;

namespace Instant.Web.Listening;

/// <summary>The host part of a listening address of our own (metrics, health, console) as an endpoint.</summary>
internal static class ListenHost
{
    /// <summary>
    /// <paramref name="host"/> (<c>*</c> for every address, an IP address, <c>localhost</c> or a
    /// name resolved once) with <paramref name="port"/>; an unresolvable name is a
    /// <see cref="CommandLineException"/> starting with <paramref name="what"/>.
    /// </summary>
    public static IPEndPoint Resolve(string host, int port, string what)
    {
        if (host == "*")
        {
            return new IPEndPoint(IPAddress.IPv6Any, port);
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            return new IPEndPoint(host == "localhost" ? IPAddress.Loopback : Dns.GetHostAddresses(host)[0], port);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IndexOutOfRangeException)
        {
            throw new CommandLineException($"{what}: cannot resolve '{host}'");
        }
    }
}
