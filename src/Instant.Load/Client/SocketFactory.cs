using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Instant.Load.Client;

/// <summary>
/// Opens client WebSockets, spreading them over source addresses 127.0.0.1..127.0.0.N when the
/// server is on IPv4 loopback: each source address has its own ~28,000 ephemeral ports, so one
/// machine can hold more connections to one server port than a single address allows.
/// </summary>
internal sealed class SocketFactory : IDisposable
{
    // Linux IP_BIND_ADDRESS_NO_PORT: pick the port at connect time, by the full 4-tuple.
    private const int SolIp = 0, IpBindAddressNoPort = 24;
    private readonly HttpMessageInvoker[] _invokers;

    public SocketFactory(Uri server, int sourceAddresses)
    {
        bool loopbackV4 = IPAddress.TryParse(server.Host, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork && IPAddress.IsLoopback(ip)
            || server.Host == "localhost";
        int n = loopbackV4 ? Math.Max(1, sourceAddresses) : 1;
        _invokers = new HttpMessageInvoker[n];
        for (int i = 0; i < n; i++)
        {
            IPAddress? local = loopbackV4 && sourceAddresses > 0 ? new IPAddress(new byte[] { 127, 0, 0, (byte)(i + 1) }) : null;
            _invokers[i] = new HttpMessageInvoker(CreateHandler(local), disposeHandler: true);
        }
    }

    public int SourceAddressCount => _invokers.Length;

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

    public async Task<ClientWebSocket> ConnectAsync(Uri uri, int clientIndex, CancellationToken ct)
    {
        var ws = new ClientWebSocket();
        ws.Options.KeepAliveInterval = TimeSpan.Zero;
        ws.Options.SetBuffer(4096, 4096);
        try
        {
            await ws.ConnectAsync(uri, _invokers[clientIndex % _invokers.Length], ct).ConfigureAwait(false);
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
        foreach (var i in _invokers) i.Dispose();
    }
}
