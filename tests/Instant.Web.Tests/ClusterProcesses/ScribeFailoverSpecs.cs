using System.Diagnostics;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Instant.Web.Tests.Cluster;
using Instant.Web.Tests.Support;
using Scribe.Actors.Journal;
using Scribe.Actors.Tests.Journal;
using Xunit;
using Xunit.Abstractions;

namespace Instant.Web.Tests.ClusterProcesses;

/// <summary>
/// The in-cluster Scribe survives kill -9 of its node: three real <c>instant</c> processes with
/// <c>instant.scribe.rooms</c>, a client on every node flooding the room with posts, and the node
/// that runs the room's Scribe killed. The Scribe starts again on a survivor, recovers from the
/// journal, fills its gap from the surviving clients (log-query/log-request), and in the end
/// every post a surviving client received is in the journal once, in id order. On a SQLite
/// journal shared by the nodes, and on a PostgreSQL server the test starts.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ScribeFailoverSpecs(ITestOutputHelper output) : IDisposable
{
    private const string Room = "logged";

    /// <summary>The whole spec, the cluster's start included, on a busy two-core machine.</summary>
    private static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(240);

    /// <summary>
    /// From the kill until the new Scribe stores posts: failure detection, the split-brain
    /// resolver, the removal margin, the coordinator's restart and the journal's recovery took
    /// 11 to 12 s on a busy two-core machine (docs/ARCHITECTURE.md has the steps); the bound leaves room for a
    /// two-core machine busy with other builds, where recovering even an empty journal once took 30 s.
    /// </summary>
    private static readonly TimeSpan BackWithin = TimeSpan.FromSeconds(40);

    /// <summary>How long after the Scribe is back every received post must be stored.</summary>
    private static readonly TimeSpan StoredWithin = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan FloodPause = TimeSpan.FromMilliseconds(40);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public Task Killing_the_Scribes_node_loses_no_post_on_a_shared_SQLite_journal()
        => KillTheScribesNodeAsync($"sqlite:{_dir.PathOf("journal.sqlite")}");

    [Fact]
    public async Task Killing_the_Scribes_node_loses_no_post_on_PostgreSQL()
    {
        await using var postgres = await PostgreSqlServer.StartAsync();
        await KillTheScribesNodeAsync(await postgres.CreateDatabaseAsync("scribe_failover"));
    }

    private async Task KillTheScribesNodeAsync(string journalSpec)
    {
        using var limit = new CancellationTokenSource(TestLimit);
        var journal = ScribeJournalConfig.Parse(journalSpec, _dir.Path);
        using var cluster = await ProcessCluster.StartAsync(3, limit.Token,
            ["-o", $"instant.scribe.rooms={Room}", "-o", $"instant.scribe.journal={journalSpec}", "-o", $"instant.scribe.directory={_dir.Path}"]);
        using var reader = new JournalReader(journal);
        var peers = new List<LogPeer>();
        using var stopFlood = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
        Task flood = Task.CompletedTask;
        try
        {
            int host = await ScribeHostAsync(cluster, except: -1, limit.Token);
            output.WriteLine($"the Scribe runs on node {host}");
            foreach (var node in cluster.Nodes)
            {
                peers.Add(await LogPeer.JoinAsync(node, Room, limit.Token));
            }

            var survivors = peers.Where((_, i) => i != host).ToArray();
            flood = FloodAsync(peers, stopFlood.Token);
            await Eventually.SucceedsAsync(async ct => Assert.True((await reader.PostIdsAsync(ct)).Count >= 20, "the Scribe stores posts"), TimeSpan.FromSeconds(60));

            int storedAtKill = (await reader.PostIdsAsync(limit.Token)).Count;
            var killedAt = DateTime.Now;
            var sinceKill = Stopwatch.StartNew();
            cluster[host].Crash();
            using (var backWithin = CancellationTokenSource.CreateLinkedTokenSource(limit.Token))
            {
                backWithin.CancelAfter(BackWithin);
                int newHost = await ScribeHostAsync(cluster, except: host, backWithin.Token);
                var started = sinceKill.Elapsed;
                // Back means storing again: the first post written by the new Scribe.
                await Eventually.SucceedsAsync(async ct => Assert.True((await reader.PostIdsAsync(ct)).Count > storedAtKill, "the new Scribe stores posts"),
                    TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, (BackWithin - sinceKill.Elapsed).Ticks)));
                var storing = sinceKill.Elapsed;
                output.WriteLine($"the Scribe runs again on node {newHost} {started.TotalSeconds:0.0} s after the kill, and stores posts {storing.TotalSeconds:0.0} s after it");
                output.WriteLine($"killed at {killedAt:HH:mm:ss.fff}; what the survivors logged of it:");
                foreach (var line in cluster.Nodes.Where(n => n.Index != host).SelectMany(n => FailoverLines(n, killedAt).Select(l => $"node {n.Index}: {l}")))
                {
                    output.WriteLine(line);
                }

                Assert.True(storing < BackWithin, $"the Scribe was back after {storing.TotalSeconds:0.0} s, the bound is {BackWithin.TotalSeconds} s");
            }

            // Posts go on for a while with the Scribe back, then only pings keep the connections busy.
            await Task.Delay(TimeSpan.FromSeconds(3), limit.Token);
            await stopFlood.CancelAsync();
            await flood;
            Assert.All(survivors, peer => Assert.False(peer.Closed, "a survivor's client stays connected"));
            var received = survivors.SelectMany(peer => peer.ReceivedIds()).Distinct().Order(StringComparer.Ordinal).ToList();
            output.WriteLine($"{received.Count} posts received by the survivors' clients");

            using var keepBusy = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
            var pings = PingAsync(survivors, keepBusy.Token);
            List<long> stored = [];
            try
            {
                await Eventually.SucceedsAsync(async ct =>
                {
                    stored = await reader.PostIdsAsync(ct);
                    var missing = received.Select(ParseId).Except(stored).ToList();
                    Assert.True(missing.Count == 0, $"{missing.Count} received posts not stored yet");
                }, StoredWithin);
            }
            finally
            {
                await keepBusy.CancelAsync();
                await pings;
            }

            output.WriteLine($"{stored.Count} posts stored; the gap was filled with {survivors.Sum(p => p.LogRequestsAnswered)} log replies");
            Assert.Equal(stored.Count, stored.Distinct().Count());
            Assert.True(survivors.Sum(p => p.LogRequestsAnswered) > 0, "the Scribe asked the survivors for its gap");

            // The log as the Scribe serves it: every post once, ascending by id.
            cluster.Dispose();
            var served = await reader.ServedIdsAsync(limit.Token);
            Assert.Equal(stored.Order(), served);
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
        finally
        {
            await stopFlood.CancelAsync();
            await flood;
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The lines a node logged at or after <paramref name="since"/> (local time, as the log) that
    /// mark the steps of a failover: unreachable, downed, removed, singletons moved, the Scribe.
    /// </summary>
    private static IEnumerable<string> FailoverLines(ClusterNode node, DateTime since)
        => node.Log.Split('\n').Where(line => FailoverMarks.Any(mark => line.Contains(mark, StringComparison.Ordinal))
            && line.Length > 24 && DateTime.TryParseExact(line.AsSpan(1, 23), "yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var at) && at >= since);

    private static readonly string[] FailoverMarks =
        ["UNREACHABLE", "SBR took decision", "Leader is removing", "left the cluster", "OldestChanged", "Member removed", "Singleton manager started", "Scribe of room"];

    private static long ParseId(string id) => long.Parse(id, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The node whose log says it runs the room's Scribe (other than <paramref name="except"/>).</summary>
    private static async Task<int> ScribeHostAsync(ProcessCluster cluster, int except, CancellationToken cancellation)
    {
        string line = $"Scribe of room {Room} runs on this node";
        while (true)
        {
            foreach (var node in cluster.Nodes)
            {
                if (node.Index != except && node.Log.Contains(line, StringComparison.Ordinal))
                {
                    return node.Index;
                }
            }

            await Task.Delay(100, cancellation);
        }
    }

    /// <summary>Every client posts in turn until stopped; a client whose node died drops out.</summary>
    private static async Task FloodAsync(IReadOnlyList<LogPeer> peers, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var peer in peers.Where(p => !p.Closed))
                {
                    try
                    {
                        await peer.PostAsync(stop);
                    }
                    catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or TimeoutException or ObjectDisposedException)
                    {
                        // its node was killed
                    }
                }

                await Task.Delay(FloodPause, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task PingAsync(IReadOnlyList<LogPeer> peers, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var peer in peers)
                {
                    await peer.PingAsync(stop);
                }

                await Task.Delay(TimeSpan.FromSeconds(2), stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reads the room's journal from this test process, as the Scribe's own reader does.</summary>
    private sealed class JournalReader : IDisposable
    {
        private readonly ScribeJournalConfig _journal;
        private readonly ActorSystem _system;
        private readonly SqlTableEventReader _reader;

        public JournalReader(ScribeJournalConfig journal)
        {
            _journal = journal;
            _system = ActorSystem.Create("journal-reader", journal.ToConfig());
            _reader = new SqlTableEventReader(_system, journal);
        }

        /// <summary>The id of every <see cref="PostStored"/> event, in journal order (empty before the journal's tables exist).</summary>
        public async Task<List<long>> PostIdsAsync(CancellationToken cancellation)
        {
            var events = await _reader.Events(ScribeLogActor.PersistenceIdOf(Room), 1, long.MaxValue)
                .RunWith(Sink.Seq<StoredEvent>(), _system.Materializer()).WaitAsync(cancellation);
            return events.Select(e => e.Event).OfType<PostStored>().Select(e => e.Post.Id).ToList();
        }

        /// <summary>The ids of the posts the room's log serves, as its Scribe recovers it; only once no node runs it.</summary>
        public async Task<List<long>> ServedIdsAsync(CancellationToken cancellation)
        {
            var log = JournalScribeLog.Start(_system, _system, Room, _journal);
            var posts = await log.RangeAsync(null, null, null, cancellation);
            return posts.Select(p => p.Id).ToList();
        }

        public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(30));
    }
}
