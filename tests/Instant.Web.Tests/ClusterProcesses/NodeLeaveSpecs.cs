using System.Diagnostics;
using System.Net.WebSockets;
using Instant.Web.Tests.Cluster;
using Instant.Web.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Instant.Web.Tests.ClusterProcesses.ClusterRooms;

namespace Instant.Web.Tests.ClusterProcesses;

/// <summary>
/// SIGTERM to one of three real <c>instant</c> processes: a graceful leave. Three rooms, each in a
/// shard of its own, so the leaving node hands one of them over.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeLeaveSpecs(ITestOutputHelper output)
{
    /// <summary>The whole spec, the cluster's start included (about 25 to 65 s on a busy two-core machine).</summary>
    private static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(100);
    /// <summary>Shards handed off, sockets closed: 3.5 to 4 s measured on a busy two-core machine, 9 s while it also built the solution.</summary>
    private static readonly TimeSpan LeftWithin = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_seed_node_leaves_on_sigterm_closing_its_sockets_with_1001_and_exiting_0_while_the_rooms_go_on()
    {
        using var limit = new CancellationTokenSource(TestLimit);
        using var cluster = await ProcessCluster.StartAsync(3, limit.Token);
        const int leaving = 0; // the seed and oldest node: the shard coordinator and the id-slot allocator move too
        var rooms = InDistinctShards("leave", 3);
        var clients = new List<TestSocket[]>();
        try
        {
            foreach (var room in rooms)
            {
                clients.Add(await OnePerNodeAsync(cluster.Nodes, room, limit.Token));
            }

            var others = clients.Select(inRoom => inRoom.Where((_, node) => node != leaving).ToArray()).ToArray();
            var closes = clients.Select(inRoom => inRoom[leaving].ExpectClosedAsync(limit.Token)).ToArray(); // reading, so the close handshake completes
            var sinceSignal = Stopwatch.StartNew();
            await cluster[leaving].TerminateAsync(limit.Token);

            using (var leftWithin = CancellationTokenSource.CreateLinkedTokenSource(limit.Token))
            {
                leftWithin.CancelAfter(LeftWithin);
                await Task.WhenAll(clients.SelectMany((inRoom, r) => others[r].Select(client => AwaitFrameAsync(
                    client, JoinedOrLeft("left", inRoom[leaving].ParticipantId), $"`left` for the leaving node's participant in {rooms[r]} within {LeftWithin.TotalSeconds} s", leftWithin.Token))));
            }

            output.WriteLine($"`left` seen by the others {sinceSignal.Elapsed.TotalSeconds:0.0} s after SIGTERM");
            Assert.All(await Task.WhenAll(closes), close => Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, close));
            Assert.Equal(0, await cluster[leaving].WaitForExitAsync(TimeSpan.FromSeconds(30)));
            output.WriteLine($"exited {sinceSignal.Elapsed.TotalSeconds:0.0} s after SIGTERM");

            await Task.WhenAll(rooms.SelectMany((room, r) => others[r].Select(client => AwaitWhoAsync(client, IdsOf(others[r]), room, limit.Token))));
            for (int r = 0; r < rooms.Length; r++)
            {
                await AssertTheyTalkAsync(others[r], rooms[r], limit.Token);
            }

            // The room the leaving node hosted was handed over: another node started it and the relays brought their participants back.
            Assert.Contains(cluster.Nodes.Where(n => n.Index != leaving), n => n.RebuiltRoomLines.Any());
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
        finally
        {
            await DisposeAllAsync(clients.SelectMany(c => c));
        }
    }
}
