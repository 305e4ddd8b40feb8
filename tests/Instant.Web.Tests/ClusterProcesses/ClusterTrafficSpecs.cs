using Instant.Actors.Identity;
using Instant.Web.Tests.Cluster;
using Instant.Web.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Instant.Web.Tests.ClusterProcesses.ClusterRooms;

namespace Instant.Web.Tests.ClusterProcesses;

/// <summary>
/// Three real <c>instant</c> processes in one cluster, one client on each node in one room:
/// posts and unicasts cross the processes. The specs share the cluster, each in its own room.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTrafficSpecs(ThreeNodeCluster fixture, ITestOutputHelper output) : IClassFixture<ThreeNodeCluster>
{
    private static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(90);

    private ProcessCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Posts_from_every_node_reach_every_client_once_in_per_sender_order_and_who_lists_everyone()
    {
        using var limit = new CancellationTokenSource(TestLimit);
        var clients = await OnePerNodeAsync(Cluster.Nodes, "procs-posts", limit.Token);
        try
        {
            const int posts = 30;
            var receiving = clients.Select(client => ReceivePostsAsync(client, clients.Length, posts, limit.Token)).ToArray();
            await Task.WhenAll(clients.Select((client, n) => SendPostsAsync(client, n, posts, limit.Token)));
            await Task.WhenAll(receiving);

            var everyone = IdsOf(clients);
            foreach (var client in clients)
            {
                Assert.Equal(everyone, await WhoAsync(client, limit.Token));
            }

            Assert.Equal(3, clients.Select(c => IdGenerator.SlotOf(Convert.ToInt64(c.ParticipantId, 16))).Distinct().Count());
        }
        catch
        {
            output.WriteLine(Cluster.Logs());
            throw;
        }
        finally
        {
            await DisposeAllAsync(clients);
        }
    }

    [Fact]
    public async Task Unicasts_cross_nodes_from_a_room_and_from_the_api_socket()
    {
        using var limit = new CancellationTokenSource(TestLimit);
        var clients = await OnePerNodeAsync(Cluster.Nodes, "procs-unicast", limit.Token);
        await using var api = await Cluster[1].ApiAsync(limit.Token);
        try
        {
            await clients[0].SendJsonAsync(new { type = "unicast", seq = 1, to = clients[2].ParticipantId, data = "from the first node" }, limit.Token);
            Assert.Equal("response", (await clients[0].NextAsync(f => f.SeqText == "1", limit.Token)).Type);
            var fromRoom = await clients[2].NextAsync("unicast", limit.Token);
            Assert.Equal("from the first node", fromRoom.Data.GetString());
            Assert.Equal(clients[0].ParticipantId, fromRoom.From);

            await api.SendJsonAsync(new { type = "unicast", seq = 2, to = clients[0].ParticipantId, data = "from the second node's API" }, limit.Token);
            Assert.Equal("response", (await api.NextAsync(f => f.SeqText == "2", limit.Token)).Type);
            var fromApi = await clients[0].NextAsync("unicast", limit.Token);
            Assert.Equal("from the second node's API", fromApi.Data.GetString());
            Assert.Equal(api.ParticipantId, fromApi.From);

            // From a room, only the room's participants are reachable, wherever the others are.
            await clients[0].SendJsonAsync(new { type = "unicast", seq = 3, to = api.ParticipantId, data = 0 }, limit.Token);
            Assert.Equal("NO_PARTICIPANT", (await clients[0].NextAsync(f => f.SeqText == "3", limit.Token)).ErrorCode);
        }
        catch
        {
            output.WriteLine(Cluster.Logs());
            throw;
        }
        finally
        {
            await DisposeAllAsync(clients);
        }
    }

    /// <summary>Posts numbered 0 to <paramref name="posts"/> − 1, then an end mark.</summary>
    private static async Task SendPostsAsync(TestSocket client, int sender, int posts, CancellationToken cancellation)
    {
        for (int i = 0; i < posts; i++)
        {
            await client.SendJsonAsync(new { type = "broadcast", seq = i, data = new { sender, i } }, cancellation);
        }

        await client.SendJsonAsync(new { type = "broadcast", seq = "end", data = new { sender, end = true } }, cancellation);
    }

    /// <summary>Reads posts until every sender's end mark: each sender's posts once, in order, all before its mark.</summary>
    private static async Task ReceivePostsAsync(TestSocket client, int senders, int posts, CancellationToken cancellation)
    {
        var next = new int[senders];
        var ended = new bool[senders];
        while (ended.Contains(false))
        {
            var frame = await client.NextAsync("broadcast", cancellation);
            int sender = frame.Data.GetProperty("sender").GetInt32();
            Assert.False(ended[sender], $"a post from {sender} after its end mark: {frame.Raw}");
            if (frame.Data.TryGetProperty("end", out _))
            {
                Assert.Equal(posts, next[sender]);
                ended[sender] = true;
            }
            else
            {
                Assert.Equal(next[sender]++, frame.Data.GetProperty("i").GetInt32());
            }
        }
    }
}
