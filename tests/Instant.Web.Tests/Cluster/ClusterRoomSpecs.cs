using Instant.Actors.Identity;
using Instant.Web.Tests.Support;
using Xunit;
using Instant.Protocol;

namespace Instant.Web.Tests.Cluster;

/// <summary>
/// The protocol across three nodes in one process: one room with a member on every node.
/// Rooms are Cluster Sharding entities; connections stay on the node that accepted them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterRoomSpecs
{
    private static async Task<TestSocket[]> OnePerNodeAsync(TestCluster cluster, string room)
    {
        var clients = new List<TestSocket>();
        foreach (var node in cluster.Nodes)
        {
            clients.Add(await node.JoinAsync(room));
        }

        // Everyone has seen everyone join: each later client's `joined` reached the earlier ones.
        for (int i = 0; i < clients.Count; i++)
        {
            for (int j = i + 1; j < clients.Count; j++)
            {
                string id = clients[j].ParticipantId;
                await clients[i].NextAsync(f => f.Type == "joined" && f.Data.GetProperty("id").GetString() == id);
            }
        }

        return clients.ToArray();
    }

    [Fact]
    public async Task Posts_reach_everyone_once_in_per_sender_order_with_increasing_ids_and_who_lists_everyone()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var clients = await OnePerNodeAsync(cluster, "spread");
        const int posts = 25;

        foreach (var (client, n) in clients.Select((c, n) => (c, n)))
        {
            for (int i = 0; i < posts; i++)
            {
                await client.SendJsonAsync(new { type = "broadcast", seq = i, data = new { n, i } });
            }
        }

        foreach (var client in clients)
        {
            var next = new int[clients.Length];
            string? lastId = null;
            for (int k = 0; k < posts * clients.Length; k++)
            {
                var frame = await client.NextAsync("broadcast");
                int from = frame.Data.GetProperty("n").GetInt32();
                Assert.Equal(next[from]++, frame.Data.GetProperty("i").GetInt32());
                Assert.True(lastId is null || string.CompareOrdinal(frame.Id, lastId) > 0, $"id {frame.Id} after {lastId}");
                lastId = frame.Id;
            }

            Assert.All(next, count => Assert.Equal(posts, count));
        }

        await clients[0].SendJsonAsync(new { type = "who", seq = "w" });
        var who = await clients[0].NextAsync("who");
        Assert.Equal(clients.Select(c => c.ParticipantId).Order(), who.Data.EnumerateObject().Select(p => p.Name).Order());
        await DisposeAll(clients);
    }

    [Fact]
    public async Task A_broadcast_crosses_once_to_each_other_node_with_members_whatever_the_number_of_recipients()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var clients = new List<TestSocket>();
        foreach (var node in cluster.Nodes)
        {
            for (int i = 0; i < 4; i++)
            {
                clients.Add(await node.JoinAsync("fanout"));
            }
        }

        // Let the join storm settle: the last joiner has been announced to everyone.
        string last = clients[^1].ParticipantId;
        foreach (var client in clients.Take(clients.Count - 1))
        {
            await client.NextAsync(f => f.Type == "joined" && f.Data.GetProperty("id").GetString() == last);
        }

        long before = cluster.CrossNodeMessages;
        const int posts = 10;
        for (int i = 0; i < posts; i++)
        {
            await clients[0].SendJsonAsync(new { type = "broadcast", seq = i, data = i });
        }

        foreach (var client in clients)
        {
            for (int i = 0; i < posts; i++)
            {
                await client.NextAsync("broadcast");
            }
        }

        // 12 recipients on 3 nodes: the room's node relays locally, the two others get one message each.
        Assert.Equal(2 * posts, cluster.CrossNodeMessages - before);
        await DisposeAll(clients);
    }

    [Fact]
    public async Task Unicasts_cross_nodes_from_a_room_and_from_the_api_socket_and_ids_are_unique_per_node()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var clients = await OnePerNodeAsync(cluster, "private");
        var slots = clients.Select(c => IdGenerator.SlotOf(Convert.ToInt64(c.ParticipantId, 16))).ToArray();
        Assert.Equal(3, slots.Distinct().Count());

        await clients[0].SendJsonAsync(new { type = "unicast", seq = 1, to = clients[2].ParticipantId, data = "room psst" });
        Assert.Equal("response", (await clients[0].NextAsync(f => f.SeqText == "1")).Type);
        var got = await clients[2].NextAsync("unicast");
        Assert.Equal("room psst", got.Data.GetString());
        Assert.Equal(clients[0].ParticipantId, got.From);

        await using var api = await cluster[1].ApiAsync();
        await api.SendJsonAsync(new { type = "unicast", seq = 2, to = clients[0].ParticipantId, data = "api psst" });
        Assert.Equal("response", (await api.NextAsync(f => f.SeqText == "2")).Type);
        var fromApi = await clients[0].NextAsync("unicast");
        Assert.Equal("api psst", fromApi.Data.GetString());
        Assert.Equal(api.ParticipantId, fromApi.From);

        string nobody = IdFormat.ToHex(Convert.ToInt64(clients[0].ParticipantId, 16) + 32); // node 0's slot, nobody's id
        await api.SendJsonAsync(new { type = "unicast", seq = 3, to = nobody, data = 0 });
        Assert.Equal("NO_PARTICIPANT", (await api.NextAsync(f => f.SeqText == "3")).ErrorCode);
        await DisposeAll(clients);
    }

    [Fact]
    public async Task A_node_that_leaves_gracefully_takes_its_participants_out_and_the_room_goes_on()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var clients = await OnePerNodeAsync(cluster, "moving");
        string leaving = clients[2].ParticipantId;

        var closed = clients[2].ExpectClosedAsync(); // reading, so the close handshake completes
        await cluster.StopAsync(2);

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, await closed);
        using var within = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        foreach (var client in clients.Take(2))
        {
            await client.NextAsync(f => f.Type == "left" && f.Data.GetProperty("id").GetString() == leaving, within.Token);
        }

        await clients[1].SendJsonAsync(new { type = "broadcast", seq = 1, data = "still here" });
        Assert.Equal("still here", (await clients[0].NextAsync("broadcast")).Data.GetString());
        await clients[0].SendJsonAsync(new { type = "who", seq = "w" });
        var who = await clients[0].NextAsync("who");
        Assert.Equal(clients.Take(2).Select(c => c.ParticipantId).Order(), who.Data.EnumerateObject().Select(p => p.Name).Order());
        await DisposeAll(clients);
    }

    private static async Task DisposeAll(IEnumerable<TestSocket> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}

/// <summary>Cluster specs run one at a time: each starts three nodes on a two-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}
