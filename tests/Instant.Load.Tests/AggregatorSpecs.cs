using System.Diagnostics;
using Instant.Load.Cli;
using Instant.Load.Metrics;
using Instant.Load.Output;
using Xunit;

namespace Instant.Load.Tests;

/// <summary>
/// The figures the live view, the timeline and the summary show, from snapshots made up here so
/// the expected numbers are exact.
/// </summary>
public sealed class AggregatorSpecs
{
    private const long T0 = 1_000_000_000;
    private static readonly long Hz = Stopwatch.Frequency;
    private static long At(double seconds) => T0 + (long)(seconds * Hz);

    private static readonly LoadOptions Chat = new() { Scenario = ScenarioKind.Chat, Servers = [new Uri("ws://127.0.0.1:1/")], Posts = 100 };

    private static IntervalSnapshot Snap(int index, double at, long delivered, double first = 0, double last = 0) => new()
    {
        Index = index,
        Seconds = at,
        Ticks = At(at),
        Connected = 20,
        Open = 20,
        Delivered = delivered,
        FirstDeliveryTicks = first > 0 ? At(first) : 0,
        LastDeliveryTicks = last > 0 ? At(last) : 0,
        DeliveryUs = delivered > 0 ? [1000, 1, 5000, 1] : [],
        Nodes = [new NodeSnapshot { Open = 20, Connected = 20, Delivered = delivered }],
    };

    /// <summary>Connects in the first second, delivers at 10,000/s from 1.5 s to 3.1 s, and stops at 3.3 s.</summary>
    private static Aggregator SteadyRun()
    {
        var agg = new Aggregator(Chat, 1, T0);
        agg.Add(0, Snap(0, 1.0, 0));
        agg.Add(0, Snap(1, 2.0, 5_000, 1.5, 2.0));
        agg.Add(0, Snap(2, 3.0, 15_000, 1.5, 3.0));
        agg.Add(0, Snap(3, 3.3, 16_000, 1.5, 3.1));
        return agg;
    }

    [Fact]
    public void Deliveries_per_second_have_one_definition_in_the_timeline_the_summary_and_the_live_view()
    {
        var agg = SteadyRun();
        var r = agg.Build(DateTimeOffset.UnixEpoch, 3.3, 1, null);
        // Summary: all deliveries over first-to-last delivery, 16,000 in 1.6 s.
        Assert.Equal(1.6, r.DeliveringSeconds, 3);
        Assert.Equal(10_000, r.DeliveriesPerSecond);
        // Timeline: each interval's deliveries over its part of that span; the connect second has none.
        Assert.Equal([0L, 10_000, 10_000, 10_000], r.Timeline.Select(t => t.DeliveriesPerSecond));
        Assert.Equal([0, 0.5, 1.0, 0.1], r.Timeline.Select(t => t.DeliveringSeconds));
        Assert.Equal(r.DeliveringSeconds, r.Timeline.Sum(t => t.DeliveringSeconds), 3);
        // The live view shows the latest interval with the timeline's figure.
        Assert.Equal(10_000, agg.Live()!.DeliveriesPerSecond);
    }

    [Fact]
    public void The_last_partial_interval_does_not_drag_the_rate_down()
    {
        var r = SteadyRun().Build(DateTimeOffset.UnixEpoch, 3.3, 1, null);
        // 1,000 deliveries in a 0.3 s interval whose deliveries stopped after 0.1 s: 10,000/s, not 3,333/s.
        Assert.Equal(10_000, r.Timeline[^1].DeliveriesPerSecond);
    }

    [Fact]
    public void The_live_rate_holds_between_snapshots_instead_of_dropping_to_zero()
    {
        var agg = new Aggregator(Chat, 1, T0);
        agg.Add(0, Snap(0, 1.0, 0));
        agg.Add(0, Snap(1, 2.0, 5_000, 1.5, 2.0));
        // The display refreshes twice a second, snapshots come once a second.
        Assert.Equal(10_000, agg.Live()!.DeliveriesPerSecond);
        Assert.Equal(10_000, agg.Live()!.DeliveriesPerSecond);
        agg.Add(0, Snap(2, 3.0, 13_000, 1.5, 3.0));
        Assert.Equal(8_000, agg.Live()!.DeliveriesPerSecond);
        Assert.Equal(8_000, agg.Live()!.DeliveriesPerSecond);
    }

    [Fact]
    public void The_live_view_waits_for_every_worker_and_sums_them()
    {
        var agg = new Aggregator(Chat, 2, T0);
        agg.Add(0, Snap(0, 1.0, 0));
        Assert.Null(agg.Live());
        agg.Add(1, Snap(0, 1.0, 0));
        agg.Add(0, Snap(1, 2.0, 5_000, 1.5, 2.0));
        Assert.Equal(0, agg.Live()!.Totals.Index);
        agg.Add(1, Snap(1, 2.0, 5_000, 1.5, 2.0));
        var v = agg.Live()!;
        Assert.Equal((1, 10_000L, 40L), (v.Totals.Index, v.Totals.Delivered, v.Totals.Open));
        Assert.Equal(20_000, v.DeliveriesPerSecond);
    }

    [Fact]
    public void Server_CPU_is_what_the_run_used_live_and_in_the_summary()
    {
        var agg = SteadyRun();
        // The server had used 14.2 s of CPU before the run started.
        agg.Sample(0, new ProcessReading(14.2, 100 << 20), 0);
        agg.Sample(1, new ProcessReading(14.5, 110 << 20), 0.1);
        agg.Sample(2, new ProcessReading(14.85, 120 << 20), 0.2);
        var v = agg.Live()!;
        Assert.Equal(0.65, v.ServerCpuSeconds!.Value, 6);
        var live = Progress.Rows(v, Chat, 1, 1).ToDictionary(x => x.Name, x => x.Value);
        Assert.Equal("RSS 120 MB, CPU 0.65 s during the run", live["server process"]);
        Assert.Contains("server_cpu=0.65s", Progress.PlainLine(v, Chat));
        var r = agg.Build(DateTimeOffset.UnixEpoch, 3.3, 1, null);
        Assert.Equal(0.65, r.ServerCpuSeconds);
        Assert.Contains("CPU 0.65 s during the run", Reports.SummaryRows(r).Single(x => x.Name == "server process").Value);
    }

    [Fact]
    public void Server_CPU_per_connection_and_per_delivery_come_from_their_own_phases()
    {
        var agg = SteadyRun();
        agg.Sample(0, new ProcessReading(10.0, 100 << 20), 0);
        agg.MarkPhase("connect", new ProcessReading(10.0, 100 << 20));
        // Connecting the 20 clients took 0.5 s of server CPU, delivering 16,000 posts 0.8 s,
        // and closing the connections afterwards 0.3 s more.
        agg.MarkPhase("post", new ProcessReading(10.5, 110 << 20));
        agg.MarkPhase("drain", new ProcessReading(11.2, 110 << 20));
        agg.MarkPhase("drained", new ProcessReading(11.3, 110 << 20));
        agg.Sample(3.3, new ProcessReading(11.6, 110 << 20), 0.2);
        var r = agg.Build(DateTimeOffset.UnixEpoch, 3.3, 1, null);
        Assert.Equal(1.6, r.ServerCpuSeconds);
        Assert.Equal(0.5, r.ServerCpuConnectSeconds);
        Assert.Equal(25, r.ServerCpuPerConnectionMs);
        Assert.Equal(0.8, r.ServerCpuDeliveringSeconds);
        Assert.Equal(50, r.ServerCpuPerDeliveryUs);
        var rows = Reports.SummaryRows(r).ToDictionary(x => x.Name, x => x.Value);
        Assert.StartsWith("25 ms (0.5 s over the connect phase, 20 connections)", rows["server CPU per connection"]);
        Assert.StartsWith("50 µs (0.8 s ", rows["server CPU per delivery"]);
    }

    [Fact]
    public void A_run_stopped_before_the_deliveries_stopped_counts_its_delivering_CPU_up_to_the_last_sample()
    {
        var agg = SteadyRun();
        agg.MarkPhase("connect", new ProcessReading(10.0, 0));
        agg.MarkPhase("post", new ProcessReading(10.5, 0));
        agg.Sample(3.3, new ProcessReading(11.5, 0), 0.2);
        var r = agg.Build(DateTimeOffset.UnixEpoch, 3.3, 1, "interrupted");
        Assert.Equal(1.0, r.ServerCpuDeliveringSeconds);
    }

    [Fact]
    public void Without_the_server_s_pid_there_are_no_CPU_figures()
    {
        var agg = SteadyRun();
        agg.MarkPhase("connect", null);
        agg.MarkPhase("post", null);
        var r = agg.Build(DateTimeOffset.UnixEpoch, 3.3, 1, null);
        Assert.Null(r.ServerCpuPerConnectionMs);
        Assert.Null(r.ServerCpuPerDeliveryUs);
        Assert.DoesNotContain(Reports.SummaryRows(r), x => x.Name.StartsWith("server CPU", StringComparison.Ordinal));
    }

    [Fact]
    public void Plain_progress_prints_one_line_per_interval_and_nothing_before_the_first()
    {
        var output = new StringWriter();
        var plain = new Progress.Plain(Chat with { Plain = true }, output);
        var agg = new Aggregator(Chat, 1, T0);
        plain.Tick(agg);
        plain.Tick(agg);
        Assert.Equal("", output.ToString());
        agg.Add(0, Snap(0, 1.0, 0));
        plain.Tick(agg);
        plain.Tick(agg);
        agg.Add(0, Snap(1, 2.0, 5_000, 1.5, 2.0));
        // Two intervals arrive between ticks: both get their line.
        agg.Add(0, Snap(2, 3.0, 13_000, 1.5, 3.0));
        plain.Tick(agg);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("t=1s ", lines[0]);
        Assert.StartsWith("t=2s ", lines[1]);
        Assert.Contains("deliveries/s=10000", lines[1]);
        Assert.StartsWith("t=3s ", lines[2]);
        Assert.Contains("deliveries/s=8000", lines[2]);
        Assert.DoesNotContain("starting", output.ToString());
    }
}
