using Instant.Load.Cli;
using Instant.Load.Output;
using Instant.Load.Workers;
using Xunit;

namespace Instant.Load.Tests;

/// <summary>
/// --reconnect against real servers: one node is stopped mid-run, its clients come back on the
/// others, and the report counts who was lost, who came back, how fast, and where.
/// </summary>
public sealed class ReconnectSpecs
{
    private static int _roomCounter;

    /// <summary>
    /// Runs idle over the servers with --reconnect, kills <paramref name="kill"/> once every client is
    /// connected, and interrupts the run once the lost clients are all back.
    /// </summary>
    private static async Task<RunResult> StormAsync(TestServers servers, int clients, int kill, bool spread, CancellationToken limit)
    {
        var options = new LoadOptions
        {
            Scenario = ScenarioKind.Idle,
            Servers = servers.Uris,
            Clients = clients,
            Rooms = 2,
            RoomPrefix = "storm" + Interlocked.Increment(ref _roomCounter) + "r",
            DurationSeconds = 120,
            Reconnect = true,
            ReconnectSpread = spread,
            Quiet = true,
        };
        int lost = clients / servers.Uris.Count;
        var allOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(limit);
        var run = new Coordinator(options, agg =>
        {
            var v = agg.Live();
            if (v?.Totals.Open == clients) allOpen.TrySetResult();
            if (v?.Totals.Reconnects == lost && v.Totals.Open == clients) allBack.TrySetResult();
        }).RunAsync(stop.Token);
        await allOpen.Task.WaitAsync(limit);
        await servers.KillAsync(kill);
        await allBack.Task.WaitAsync(limit);
        await stop.CancelAsync();
        var r = await run.WaitAsync(limit);
        Assert.False(limit.IsCancellationRequested, "the run hit the test's time limit");
        return r;
    }

    [Fact]
    public async Task The_clients_of_a_killed_node_come_back_on_the_next_node_and_the_report_counts_them()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var servers = await TestServers.StartAsync(3, limit.Token);
        var r = await StormAsync(servers, clients: 30, kill: 1, spread: false, limit.Token);

        Assert.Equal("interrupted", r.Fatal);
        Assert.Equal(30, r.Connected);
        Assert.Equal(3, r.Nodes.Count);
        Assert.All(r.Nodes, n => Assert.Equal(10, n.Connected));
        // Clients 1, 4, 7, ... were on node 1; all of them went to the next node, 2.
        Assert.Equal(10, r.Nodes[1].Disconnects);
        Assert.Equal([0L, 0L, 10L], r.Nodes.Select(n => n.Reconnects));
        Assert.Equal(0, r.Nodes[0].Disconnects + r.Nodes[2].Disconnects);
        Assert.True(r.Nodes[2].ReconnectsPerSecond > 0 && r.Nodes[2].ReconnectsPerSecondPeak >= r.Nodes[2].ReconnectsPerSecond,
            $"accept rate of node 2: {r.Nodes[2].ReconnectsPerSecond}/s, peak {r.Nodes[2].ReconnectsPerSecondPeak}/s");
        Assert.Equal(0, r.Nodes[0].ReconnectsPerSecond);
        Assert.Contains(r.Timeline, t => t.Nodes[2].Open == 20 && t.Nodes[1].Open == 0);

        var rc = r.Reconnect!;
        Assert.Equal(10, rc.ClientsLost);
        Assert.Equal(10, rc.ClientsBack);
        Assert.Equal(0, rc.StillDown);
        Assert.Equal(10, rc.Losses);
        Assert.Equal(10, rc.Reconnects);
        Assert.Equal(10, rc.RecoveryMs.Count);
        // The first pause is at least 0.1 s; everyone back takes at least as long as the slowest one.
        Assert.True(rc.RecoveryMs.Min >= 100, $"recovery {rc.RecoveryMs}");
        Assert.True(rc.AllBackSeconds * 1000 >= rc.RecoveryMs.Max * 0.99, $"all back after {rc.AllBackSeconds} s, slowest {rc.RecoveryMs.Max} ms");
        // Losses that all came back are what this run measures, not errors for the exit status.
        Assert.Contains(r.Errors.Keys, k => k.StartsWith("disconnect: ", StringComparison.Ordinal));
        Assert.Empty(r.CountedErrors);

        var rows = Reports.SummaryRows(r).ToDictionary(x => x.Name, x => x.Value);
        Assert.StartsWith("10 clients lost their connection (10 losses), 10 came back, 0 still down", rows["reconnect"]);
        Assert.Contains("10 reconnects accepted", rows["node 2"]);
    }

    [Fact]
    public async Task With_spread_the_clients_of_a_killed_node_share_the_other_nodes()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var servers = await TestServers.StartAsync(3, limit.Token);
        var r = await StormAsync(servers, clients: 30, kill: 0, spread: true, limit.Token);
        Assert.Equal([0L, 5L, 5L], r.Nodes.Select(n => n.Reconnects));
        Assert.Equal(10, r.Reconnect!.ClientsBack);
    }

    [Fact]
    public async Task A_closed_loop_chat_loses_a_node_mid_run_and_still_sends_every_post_without_stalling()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var servers = await TestServers.StartAsync(2, limit.Token);
        // One post in flight at a time: the run lasts seconds, so the node dies mid-run; a post
        // its senders had in flight is abandoned instead of holding the window until --drain.
        var options = new LoadOptions
        {
            Scenario = ScenarioKind.Chat,
            Servers = servers.Uris,
            Clients = 6,
            Rooms = 2,
            Posts = 10_000,
            InFlight = 1,
            RoomPrefix = "closed",
            Reconnect = true,
            Quiet = true,
            DrainSeconds = 20,
        };
        var posting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new Coordinator(options, agg => { if (agg.Live()?.Totals.Sent > 100) posting.TrySetResult(); }).RunAsync(limit.Token);
        await posting.Task.WaitAsync(limit.Token);
        await servers.KillAsync(1);
        var r = await run.WaitAsync(limit.Token);
        Assert.Null(r.Fatal);
        Assert.Equal(10_000, r.PostsSent);
        Assert.Equal(3, r.Reconnect!.ClientsLost);
        Assert.Equal(3, r.Reconnect.ClientsBack);
        // One post is in flight at a time, but each of the 3 lost senders can take one: when the
        // first loss frees the window, the next post may go to another sender on the dead node
        // whose loss the client has not noticed yet.
        Assert.InRange(r.Reconnect.PostsAbandoned, 0, 3);
        Assert.DoesNotContain(r.Errors.Keys, k => k.StartsWith("stalled", StringComparison.Ordinal));
        Assert.Empty(r.CountedErrors);
        Assert.True(r.WallSeconds < 60, $"took {r.WallSeconds} s");
    }
}
