using System.Net;
using System.Net.Sockets;
using Instant.Web.Tests.Cluster;
using Instant.Web.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Instant.Web.Tests.ClusterProcesses;

/// <summary>
/// A node's cluster port is its own: a second node started on it by mistake (a copied
/// configuration, a node started twice) must not share it, or the kernel would hand it some of
/// the other nodes' connections.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterPortSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task A_second_node_on_a_held_cluster_port_exits_with_status_1_and_the_holder_goes_on()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        using var cluster = await ProcessCluster.StartAsync(1, limit.Token);
        var holder = cluster[0];
        try
        {
            var (code, _, stderr) = await InstantProcess.RunAsync(TimeSpan.FromSeconds(60),
                "-h", "127.0.0.1", FreePort().ToString(),
                "-o", $"instant.cluster.seeds=127.0.0.1:{holder.ClusterPort}", "-o", $"instant.cluster.port={holder.ClusterPort}");

            Assert.Equal(1, code);
            Assert.Contains("instant: cannot listen on instant.cluster.port: Address already in use", stderr, StringComparison.Ordinal);
            await using var client = await holder.JoinAsync("still-mine", limit.Token);
            await client.SendJsonAsync(new { type = "broadcast", seq = 1, data = "still here" }, limit.Token);
            Assert.Equal("still here", (await client.NextAsync("broadcast", limit.Token)).Data.GetString());
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
