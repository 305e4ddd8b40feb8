using Instant.Actors.Rooms;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.ClusterProcesses;

/// <summary>Rooms with a participant on every node of a <see cref="ProcessCluster"/>, and what tests ask of them.</summary>
public static class ClusterRooms
{
    /// <summary>
    /// One participant per node, joined in node order; returns once <c>who</c> lists everyone for
    /// every one of them, so the room has seen every join. (Which of two joins on different nodes
    /// the room sees first is not the order of the identities: an earlier client may see a later
    /// one in <c>who</c> rather than by <c>joined</c>.)
    /// </summary>
    public static async Task<TestSocket[]> OnePerNodeAsync(IEnumerable<ClusterNode> nodes, string room, CancellationToken cancellation)
    {
        var clients = new List<TestSocket>();
        try
        {
            foreach (var node in nodes)
            {
                clients.Add(await node.JoinAsync(room, cancellation));
            }

            var everyone = IdsOf(clients);
            foreach (var client in clients)
            {
                var listed = await WhoAsync(client, cancellation);
                while (!listed.SequenceEqual(everyone))
                {
                    Assert.Subset(everyone.ToHashSet(), listed.ToHashSet());
                    await Task.Delay(50, cancellation); // the room has not seen every join yet
                    listed = await WhoAsync(client, cancellation);
                }
            }

            return clients.ToArray();
        }
        catch
        {
            await DisposeAllAsync(clients);
            throw;
        }
    }

    /// <summary>
    /// <paramref name="count"/> room names whose rooms fall into different shards. Sharding gives a
    /// new shard to the node with the fewest, so with one such room per node every node hosts one:
    /// losing any node loses a room's host.
    /// </summary>
    public static string[] InDistinctShards(string prefix, int count)
    {
        var extractor = new RoomMessageExtractor();
        var rooms = new List<string>();
        var shards = new HashSet<string>();
        for (int i = 0; rooms.Count < count; i++)
        {
            string room = $"{prefix}{i}";
            if (shards.Add(extractor.ShardId(room, new LeaveRoom(room, 0))))
            {
                rooms.Add(room);
            }
        }

        return rooms.ToArray();
    }

    /// <summary>The ids <c>who</c> lists, sorted.</summary>
    public static async Task<string[]> WhoAsync(TestSocket client, CancellationToken cancellation)
    {
        string seq = $"\"who-{Guid.NewGuid():N}\"";
        await client.SendAsync($$"""{"type":"who","seq":{{seq}}}""", cancellation);
        var who = await client.NextAsync(f => f.Type == "who" && f.SeqText == seq, cancellation);
        return who.Data.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Asks <c>who</c> every half second until the answer lists exactly <paramref name="expected"/>.
    /// A room that lost its node answers nobody until sharding has started it again on another
    /// node and the relays have brought their participants back (a request before that is lost).
    /// </summary>
    public static async Task AwaitWhoAsync(TestSocket client, string[] expected, string what, CancellationToken cancellation)
    {
        var answered = AwaitFrameAsync(client, f => f.Type == "who" && f.Data.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).SequenceEqual(expected),
            $"`who` listing {string.Join(", ", expected)} in {what}", cancellation);
        while (!answered.IsCompleted)
        {
            await client.SendAsync("""{"type":"who","seq":"again"}""", cancellation);
            await Task.WhenAny(answered, Task.Delay(500, cancellation));
        }

        await answered;
    }

    /// <summary>
    /// The room goes on among <paramref name="clients"/>: each posts once and every one of them gets
    /// every post, and <c>who</c> lists exactly them.
    /// </summary>
    public static async Task AssertTheyTalkAsync(IReadOnlyList<TestSocket> clients, string room, CancellationToken cancellation)
    {
        var receiving = clients.Select(async client =>
        {
            var from = new List<string>();
            while (from.Count < clients.Count)
            {
                var post = await AwaitFrameAsync(client, f => f.Type == "broadcast", $"{room}: post {from.Count + 1} of {clients.Count} (got from [{string.Join(", ", from)}])", cancellation);
                from.Add(post.From!);
                Assert.Equal($"still here in {room}", post.Data.GetString());
            }

            return from.Order(StringComparer.Ordinal).ToArray();
        }).ToArray();
        foreach (var client in clients)
        {
            await client.SendJsonAsync(new { type = "broadcast", seq = "still", data = $"still here in {room}" }, cancellation);
        }

        var everyone = IdsOf(clients);
        foreach (var from in await Task.WhenAll(receiving))
        {
            Assert.Equal(everyone, from);
        }

        foreach (var client in clients)
        {
            Assert.Equal(everyone, await WhoAsync(client, cancellation));
        }
    }

    public static string[] IdsOf(IEnumerable<TestSocket> clients) => clients.Select(c => c.ParticipantId).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Like <see cref="TestSocket.NextAsync(Func{Frame, bool}, CancellationToken)"/>, but a timeout names what was awaited and what came instead.</summary>
    public static async Task<Frame> AwaitFrameAsync(TestSocket client, Func<Frame, bool> match, string what, CancellationToken cancellation)
    {
        var skipped = new List<string>();
        try
        {
            while (true)
            {
                var frame = await client.ReceiveAsync(cancellation);
                if (match(frame))
                {
                    return frame;
                }

                skipped.Add(frame.Raw);
            }
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            throw new TimeoutException($"no {what} ({client.ParticipantId}); came instead: [{string.Join(", ", skipped)}]", e);
        }
    }

    public static Func<Frame, bool> JoinedOrLeft(string type, string id)
        => f => f.Type == type && f.Data.GetProperty("id").GetString() == id;

    public static async Task DisposeAllAsync(IEnumerable<TestSocket> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
