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

    [Fact]
    public async Task With_two_servers_each_one_sees_the_clients_spread_over_every_source_address()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var listeners = new[] { new TcpListener(IPAddress.Loopback, 0), new TcpListener(IPAddress.Loopback, 0) };
        foreach (var l in listeners) l.Start();
        try
        {
            var servers = listeners.Select(l => new Uri($"ws://127.0.0.1:{((IPEndPoint)l.LocalEndpoint).Port}/")).ToList();
            using var factory = new SocketFactory(servers, 2);
            var seen = servers.Select(_ => new List<IPAddress>()).ToArray();
            for (int client = 0; client < 4; client++)
            {
                int node = client % 2;
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
                var connect = factory.ConnectAsync(new Uri(servers[node], "room/x/ws"), client, attempt.Token);
                using var accepted = await listeners[node].AcceptSocketAsync(limit.Token);
                seen[node].Add(((IPEndPoint)accepted.RemoteEndPoint!).Address);
                await attempt.CancelAsync();
                await Assert.ThrowsAnyAsync<Exception>(() => connect);
            }
            // Client i mod 2 for the address as well as the node would give node 0 only 127.0.0.1
            // and node 1 only 127.0.0.2: each node's own clients must take the addresses in turn.
            var all = new[] { "127.0.0.1", "127.0.0.2" }.Select(IPAddress.Parse).ToList();
            Assert.Equal(all, seen[0]);
            Assert.Equal(all, seen[1]);
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
