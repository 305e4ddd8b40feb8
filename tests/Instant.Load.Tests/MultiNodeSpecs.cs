using Instant.Load.Cli;
using Instant.Load.Workers;
using Xunit;

namespace Instant.Load.Tests;

/// <summary>One scenario spread over several server URLs: round robin, and counted per node.</summary>
public sealed class MultiNodeSpecs
{
    [Fact]
    public async Task Chat_over_two_nodes_spreads_the_clients_round_robin_and_counts_each_node()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var servers = await TestServers.StartAsync(2, limit.Token);
        // Two rooms over two nodes that are not a cluster: client i is in room i mod 2 on node
        // i mod 2, so each room lives on one node and every post still reaches all its members.
        var options = new LoadOptions
        {
            Scenario = ScenarioKind.Chat,
            Servers = servers.Uris,
            Clients = 10,
            Rooms = 2,
            Posts = 100,
            InFlight = 4,
            RoomPrefix = "multi",
            Quiet = true,
            DrainSeconds = 5,
        };
        var r = await new Coordinator(options).RunAsync(limit.Token);
        Assert.False(limit.IsCancellationRequested);
        Assert.Null(r.Fatal);
        Assert.Empty(r.Errors);
        Assert.True(r.Consistent, $"lost {r.Lost}, duplicates {r.Duplicates}, gaps {r.Gaps}");
        Assert.Equal(servers.Uris.Select(u => u.ToString()), r.Nodes.Select(n => n.Url));
        Assert.All(r.Nodes, n => Assert.Equal(5, n.Connected));
        Assert.All(r.Nodes, n => Assert.Equal(0, n.ConnectFailed + n.Disconnects + n.Errors));
        Assert.Equal(100 * 5, r.Delivered);
        Assert.Equal(r.Delivered, r.Nodes.Sum(n => n.Delivered));
        Assert.All(r.Nodes, n => Assert.True(n.Delivered > 0, $"{n.Url} delivered nothing"));
        Assert.Null(r.Reconnect);
        Assert.Equal(r.Nodes.Sum(n => n.Delivered), r.Timeline[^1].Nodes.Sum(n => n.Delivered));
    }
}
