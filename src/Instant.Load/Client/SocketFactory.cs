using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Instant.Load.Client;

/// <summary>
/// Opens client WebSockets to one or more server nodes, spreading them over source addresses
/// 127.0.0.1..127.0.0.N for the nodes on IPv4 loopback: each source address has its own ~28,000
/// ephemeral ports per server port, so one machine can hold more connections to one node than a
/// single address allows. The source address of client i is (i / nodes) mod N, so the clients
/// of each node (i mod nodes) are spread over all the addresses, not only the clients overall.
/// </summary>
internal sealed class SocketFactory : IDisposable
{
    // Linux IP_BIND_ADDRESS_NO_PORT: pick the port at connect time, by the full 4-tuple.
    private const int SolIp = 0, IpBindAddressNoPort = 24;
    private readonly int _nodes;
    /// <summary>One invoker per source address, for loopback IPv4 nodes; empty when none is.</summary>
    private readonly HttpMessageInvoker[] _bound;
    /// <summary>For nodes elsewhere: the system picks the source address.</summary>
    private readonly HttpMessageInvoker _unbound;

    public SocketFactory(IReadOnlyList<Uri> servers, int sourceAddresses)
    {
        _nodes = Math.Max(1, servers.Count);
        int n = sourceAddresses > 0 && servers.Any(IsLoopbackV4) ? sourceAddresses : 0;
        _bound = new HttpMessageInvoker[n];
        for (int i = 0; i < n; i++)
            _bound[i] = new HttpMessageInvoker(CreateHandler(new IPAddress(new byte[] { 127, 0, 0, (byte)(i + 1) })), disposeHandler: true);
        _unbound = new HttpMessageInvoker(CreateHandler(null), disposeHandler: true);
    }

    /// <summary>Source addresses in use (1 when the system picks them).</summary>
    public int SourceAddressCount => Math.Max(1, _bound.Length);

    private static bool IsLoopbackV4(Uri server) =>
        IPAddress.TryParse(server.Host, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork && IPAddress.IsLoopback(ip)
        || server.Host == "localhost";

    private static SocketsHttpHandler CreateHandler(IPAddress? local) => new()
    {
        UseCookies = false,
        UseProxy = false,
        AllowAutoRedirect = false,
        ConnectCallback = async (ctx, ct) =>
        {
            var endpoint = ctx.DnsEndPoint;
            EndPoint target = IPAddress.TryParse(endpoint.Host, out var addr)
                ? new IPEndPoint(addr, endpoint.Port)
                : endpoint.Host == "localhost" ? new IPEndPoint(IPAddress.Loopback, endpoint.Port) : endpoint;
            var family = target is IPEndPoint ipe ? ipe.AddressFamily : AddressFamily.InterNetwork;
            var socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (local != null && family == AddressFamily.InterNetwork)
                {
                    try { socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1)); }
                    catch (SocketException) { /* not Linux: plain bind still works, with fewer ports */ }
                    socket.Bind(new IPEndPoint(local, 0));
                }
                await socket.ConnectAsync(target, ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Opens a WebSocket to <paramref name="uri"/> (a room on one of the nodes) for client <paramref name="clientIndex"/>.</summary>
    public async Task<ClientWebSocket> ConnectAsync(Uri uri, int clientIndex, CancellationToken ct)
    {
        var invoker = _bound.Length > 0 && IsLoopbackV4(uri) ? _bound[clientIndex / _nodes % _bound.Length] : _unbound;
        var ws = new ClientWebSocket();
        ws.Options.KeepAliveInterval = TimeSpan.Zero;
        ws.Options.SetBuffer(4096, 4096);
        try
        {
            await ws.ConnectAsync(uri, invoker, ct).ConfigureAwait(false);
            return ws;
        }
        catch
        {
            ws.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var i in _bound) i.Dispose();
        _unbound.Dispose();
    }
}
