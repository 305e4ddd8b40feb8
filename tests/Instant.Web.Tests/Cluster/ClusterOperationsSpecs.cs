using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Cluster;

/// <summary>Metrics and readiness in a cluster (docs/SERVER.md, Scraping a cluster): every node serves its own.</summary>
public sealed class ClusterOperationsSpecs
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Each_node_is_ready_once_up_and_counts_the_members_it_sees()
    {
        await using var cluster = await TestCluster.StartAsync(2, "-o", "instant.metrics.enabled=yes");
        foreach (var node in cluster.Nodes)
        {
            await Eventually.SucceedsAsync(async ct =>
            {
                string ready = await Http.GetStringAsync(node.Http("/readyz"), ct);
                Assert.Contains("cluster: Healthy (Up)", ready, StringComparison.Ordinal);
                string metrics = await Http.GetStringAsync(node.Http("/metrics"), ct);
                Assert.Equal(2, PrometheusText.Sum(metrics, "instant_cluster_members", "status=\"up\""));
                Assert.Equal(0, PrometheusText.Sum(metrics, "instant_cluster_unreachable"));
            }, TimeSpan.FromSeconds(60));
        }

        // A node's own connections only: a client of node 0 shows in node 0's count, not in node 1's.
        await using var client = await cluster[0].JoinAsync("cluster-ops");
        string first = await Http.GetStringAsync(cluster[0].Http("/metrics"));
        string second = await Http.GetStringAsync(cluster[1].Http("/metrics"));
        Assert.Equal(1, PrometheusText.Sum(first, "instant_connections_open"));
        Assert.Equal(0, PrometheusText.Sum(second, "instant_connections_open"));
    }
}
