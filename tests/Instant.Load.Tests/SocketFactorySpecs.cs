using System.Net;
using System.Net.Sockets;
using Instant.Load.Client;
using Xunit;

namespace Instant.Load.Tests;

public sealed class SocketFactorySpecs
{
    [Fact]
    public async Task Clients_are_spread_over_loopback_source_addresses_round_robin()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var factory = new SocketFactory([new Uri($"ws://127.0.0.1:{port}/")], 3);
            Assert.Equal(3, factory.SourceAddressCount);
            var seen = new List<IPAddress>();
            for (int client = 0; client < 3; client++)
            {
                // The listener never answers the upgrade; the TCP accept is all this spec needs.
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
                var connect = factory.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/room/x/ws"), client, attempt.Token);
                using var accepted = await listener.AcceptSocketAsync(limit.Token);
                seen.Add(((IPEndPoint)accepted.RemoteEndPoint!).Address);
                await attempt.CancelAsync();
                await Assert.ThrowsAnyAsync<Exception>(() => connect);
            }
            Assert.Equal([IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3")], seen);
        }
        finally
        {
            listener.Stop();
        }
    }
}
