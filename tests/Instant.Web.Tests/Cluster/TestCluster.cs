using System.Net;
using System.Net.Sockets;
using Instant.Actors.Cluster;
using Instant.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Instant.Web.Tests.Cluster;

/// <summary>
/// Several real <c>instant</c> servers in this test process, joined into one Akka.Cluster on
/// 127.0.0.1 through the production wiring (the <c>instant.cluster.*</c> keys). Messages between
/// nodes really cross Akka.Remote, where one without a cluster form is refused (cluster.hocon),
/// so it fails the test. The first node is the seed.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<InstantTestServer> _nodes;

    private TestCluster(List<InstantTestServer> nodes) => _nodes = nodes;

    public IReadOnlyList<InstantTestServer> Nodes => _nodes;

    public InstantTestServer this[int index] => _nodes[index];

    public static async Task<TestCluster> StartAsync(int nodes, params string[] extra)
    {
        var ports = Enumerable.Range(0, nodes).Select(_ => FreePort()).ToArray();
        string seeds = $"127.0.0.1:{ports[0]}";
        var started = new List<InstantTestServer>();
        try
        {
            // Started together: the seed forms the cluster, the others join it; each opens its
            // port only once it is Up and holds an id slot.
            started.AddRange(await Task.WhenAll(ports.Select(port => InstantTestServer.StartAsync(
                [.. extra, "-o", $"instant.cluster.seeds={seeds}", "-o", $"instant.cluster.port={port}", "-o", "instant.cluster.host=127.0.0.1"]))));
            return new TestCluster(started);
        }
        catch
        {
            foreach (var node in started)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Messages rooms of all nodes have sent to relays on other nodes so far.</summary>
    public long CrossNodeMessages => _nodes.Sum(n => n.Server.Services.GetRequiredService<CrossNodeTraffic>().Messages);

    /// <summary>Stops one node gracefully (its shards are handed off first) and forgets it.</summary>
    public async Task StopAsync(int index)
    {
        var node = _nodes[index];
        _nodes.RemoveAt(index);
        await node.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Younger nodes first: the seed would otherwise wait out its peers' shutdown.
        for (int i = _nodes.Count - 1; i >= 0; i--)
        {
            await _nodes[i].DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
