using System.Diagnostics;
using Instant.Web.Tests.Cluster;
using Xunit;
using Xunit.Abstractions;

namespace Instant.Web.Tests.ClusterProcesses;

/// <summary>
/// A node the cluster downs stops by itself. It must say so in its exit status, so that a
/// supervisor (instant-run's restart-delay, systemd's Restart=on-failure) starts it again.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DownedNodeSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task The_node_left_alone_in_a_two_node_cluster_downs_itself_and_exits_with_status_3()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        using var cluster = await ProcessCluster.StartAsync(2, limit.Token);
        try
        {
            // Keep-majority: of two equal halves, the one with the lowest address stays. Lose that
            // one, and the other is the side that goes.
            var kept = cluster.Nodes.MinBy(n => n.ClusterPort)!;
            var downed = cluster.Nodes.Single(n => n != kept);
            var sinceKill = Stopwatch.StartNew();
            kept.Crash();

            Assert.Equal(3, await downed.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            output.WriteLine($"exited {sinceKill.Elapsed.TotalSeconds:0.0} s after the kill");
            Assert.Contains("Node has been marked as DOWN", downed.Log, StringComparison.Ordinal);
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }
}
