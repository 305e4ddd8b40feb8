using Instant.Load.Cli;
using Instant.Load.Output;
using Instant.Load.Workers;
using Xunit;

namespace Instant.Load.Tests;

/// <summary>Every scenario, run small against our server in process: the numbers must add up.</summary>
public sealed class ScenarioSpecs(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static int _roomCounter;

    private LoadOptions Options(ScenarioKind kind) => new()
    {
        Scenario = kind,
        Servers = [server.SocketBase],
        // A fresh room per run so runs do not see each other's members.
        RoomPrefix = "spec" + Interlocked.Increment(ref _roomCounter) + "r",
        Quiet = true,
        DrainSeconds = 5,
        PingIntervalSeconds = 1,
    };

    private static async Task<RunResult> RunAsync(LoadOptions o)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await new Coordinator(o).RunAsync(cts.Token);
        Assert.False(cts.IsCancellationRequested, "the run hit the test's time limit");
        Assert.Null(result.Fatal);
        Assert.Empty(result.Errors);
        return result;
    }

    private static void Ordered(Percentiles p, long count)
    {
        Assert.Equal(count, p.Count);
        Assert.True(p.Min <= p.P50 && p.P50 <= p.P90 && p.P90 <= p.P99 && p.P99 <= p.P999 && p.P999 <= p.Max,
            $"percentiles out of order: {p}");
        Assert.True(p.P50 > 0, "latencies must be positive");
    }

    [Fact]
    public async Task Chat_closed_loop_delivers_every_post_to_every_client_once()
    {
        var r = await RunAsync(Options(ScenarioKind.Chat) with { Clients = 10, Posts = 200, InFlight = 8 });
        Assert.Equal(10, r.Connected);
        Assert.Equal(200, r.PostsSent);
        Assert.Equal(200 * 10, r.ExpectedDeliveries);
        Assert.Equal(200 * 10, r.Delivered);
        Assert.True(r.Consistent, $"lost {r.Lost}, duplicates {r.Duplicates}, gaps {r.Gaps}");
        Ordered(r.DeliveryMs, r.Delivered);
        Ordered(r.FanoutMs, 200);
        Ordered(r.ConnectMs, 10);
        Assert.True(r.DeliveriesPerSecond > 0);
        Assert.Equal(r.Delivered, r.Timeline[^1].Delivered);
        // One definition of deliveries/s: the summary's figure is the timeline's, weighted by the
        // time each interval spent delivering.
        // Each figure is rounded to the millisecond, so the sum may differ by half a millisecond a row.
        Assert.InRange(r.Timeline.Sum(t => t.DeliveringSeconds) - r.DeliveringSeconds, -0.0005 * (r.Timeline.Count + 1), 0.0005 * (r.Timeline.Count + 1));
        double weighted = r.Timeline.Sum(t => t.DeliveriesPerSecond * t.DeliveringSeconds) / r.Timeline.Sum(t => t.DeliveringSeconds);
        Assert.InRange(weighted, r.DeliveriesPerSecond * 0.98, r.DeliveriesPerSecond * 1.02);
        Assert.All(r.Nodes, n => Assert.Equal(r.Delivered, n.Delivered));
    }

    [Fact]
    public async Task Chat_open_loop_over_rooms_with_browser_behaviour_adds_up()
    {
        var r = await RunAsync(Options(ScenarioKind.Chat) with { Clients = 9, Rooms = 3, Rate = 60, DurationSeconds = 1, Browser = true });
        Assert.Equal(60, r.PostsSent);
        // Each room has 3 members, so each post reaches 3 clients.
        Assert.Equal(r.PostsSent * 3, r.ExpectedDeliveries);
        Assert.Equal(r.ExpectedDeliveries, r.Delivered);
        Assert.True(r.Consistent);
        Ordered(r.DeliveryMs, r.Delivered);
        Assert.True(r.Pongs > 0, "clients ping and the server answers");
    }

    [Fact]
    public async Task Fanout_counts_posts_times_receivers_per_room()
    {
        var r = await RunAsync(Options(ScenarioKind.Fanout) with { Clients = 20, Rooms = 2, Senders = 2, Posts = 100, InFlight = 4 });
        Assert.Equal(100, r.PostsSent);
        Assert.Equal(100 * 10, r.Delivered);
        Assert.True(r.Consistent);
        Ordered(r.DeliveryMs, 1000);
        Ordered(r.FanoutMs, 100);
    }

    [Fact]
    public async Task Idle_holds_every_connection_and_sees_every_join()
    {
        var r = await RunAsync(Options(ScenarioKind.Idle) with { Clients = 30, Rooms = 3, DurationSeconds = 1.5, RampUpSeconds = 0.3 });
        Assert.Equal(30, r.Connected);
        Assert.Equal(0, r.Disconnects);
        // The k-th member of a room receives its own joined and those of every later member: 1+2+...+10 per room.
        Assert.Equal(3 * 55, r.JoinedSeen);
        Assert.Equal(30, r.Timeline.Max(t => t.Open));
        Ordered(r.ConnectMs, 30);
    }

    [Fact]
    public async Task Join_storm_connects_everyone_into_one_room()
    {
        var r = await RunAsync(Options(ScenarioKind.JoinStorm) with { Clients = 60 });
        Assert.Equal(60, r.Connected);
        Assert.Equal(60 * 61 / 2, r.JoinedSeen);
        Assert.True(r.ConnectPhaseSeconds > 0);
        Assert.True(r.ConnectsPerSecond > 0);
    }

    [Fact]
    public async Task Churn_opens_and_closes_connections_at_the_rate()
    {
        var r = await RunAsync(Options(ScenarioKind.Churn) with { Rate = 20, LifetimeSeconds = 0.2, DurationSeconds = 1, Rooms = 2 });
        Assert.Equal(20, r.ConnectAttempts);
        Assert.Equal(r.ConnectAttempts, r.Connected);
        Assert.Equal(0, r.Disconnects);
        Assert.Equal(0, r.Timeline[^1].Open);
        // The connect phase of churn is the churn itself: first connect started to last one done.
        Assert.InRange(r.ConnectPhaseSeconds, 0.9, 30);
        Assert.Equal(Math.Round(r.Connected / r.ConnectPhaseSeconds, 1), r.ConnectsPerSecond, 1);
        Assert.Contains(Reports.SummaryRows(r), row => row.Name == "churn" && row.Value.StartsWith("20 connections opened in ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task History_joiners_pull_every_seeded_post()
    {
        var r = await RunAsync(Options(ScenarioKind.History) with { Clients = 5, Posts = 30, LogWaitSeconds = 2 });
        Assert.Equal(30, r.PostsSent);
        Assert.Equal(5, r.HistoryPulls);
        Assert.Equal(5 * 30, r.HistoryPosts);
        Ordered(r.HistoryMs, 5);
        Ordered(r.HistoryInfoMs, 5);
        // The joiner's own 2 s wait for more log-info answers is not the server's time.
        Assert.True(r.HistoryMs.Max < 2000 && r.HistoryInfoMs.Max < 2000, $"log transfer {r.HistoryMs}, log-info {r.HistoryInfoMs}");
    }
}
