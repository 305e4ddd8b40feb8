using System.Diagnostics;
using Instant.Load.Cli;
using Instant.Load.Metrics;
using Instant.Load.Output;
using Xunit;

namespace Instant.Load.Tests;

/// <summary>The PNG plots: every one a run has data for, however short, and a reason for each one it has not.</summary>
public sealed class PlotSpecs
{
    private const long T0 = 1_000_000_000;
    private static long At(double seconds) => T0 + (long)(seconds * Stopwatch.Frequency);

    /// <summary>A run of 0.6 s: a single interval.</summary>
    private static RunResult ShortRun(ScenarioKind kind, long delivered)
    {
        var o = new LoadOptions { Scenario = kind, Servers = [new Uri("ws://127.0.0.1:1/"), new Uri("ws://127.0.0.1:2/")], Reconnect = true };
        var agg = new Aggregator(o, 1, T0);
        agg.Add(0, new IntervalSnapshot
        {
            Index = 0,
            Ticks = At(0.6),
            Connected = 4,
            Open = 4,
            Delivered = delivered,
            FirstDeliveryTicks = delivered > 0 ? At(0.2) : 0,
            LastDeliveryTicks = delivered > 0 ? At(0.5) : 0,
            ConnectUs = [800, 4],
            DeliveryUs = delivered > 0 ? [1500, delivered] : [],
            Nodes = [new NodeSnapshot { Open = 2, Connected = 2, Delivered = delivered / 2 }, new NodeSnapshot { Open = 2, Connected = 2, Delivered = delivered / 2 }],
        });
        return agg.Build(DateTimeOffset.UnixEpoch, 0.6, 1, null);
    }

    [Fact]
    public void A_run_shorter_than_two_seconds_gets_every_plot()
    {
        var r = ShortRun(ScenarioKind.Chat, 3000);
        var dir = Directory.CreateTempSubdirectory("instant-load-plots").FullName;
        try
        {
            var plots = PngCharts.Write(r, dir);
            Assert.Equal(["latency-percentiles.png", "throughput.png", "latency-over-time.png", "connections.png", "connections-per-node.png"], plots.Written);
            // No client reconnected in this run, and the report says so.
            Assert.Equal([("reconnects-per-node.png", "no client reconnected")], plots.Skipped);
            foreach (var file in plots.Written) Assert.True(new FileInfo(Path.Combine(dir, file)).Length > 1000, file);
            Assert.Equal("latency-percentiles.png, throughput.png, latency-over-time.png, connections.png, connections-per-node.png; not drawn: reconnects-per-node.png (no client reconnected)",
                Reports.PlotsLine(plots));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_run_without_deliveries_says_why_it_has_no_throughput_plot()
    {
        var r = ShortRun(ScenarioKind.Idle, 0);
        var skipped = PngCharts.Plots(r).Select(p => (p.File, Why: p.Build().Item2)).Where(p => p.Why != null).ToList();
        Assert.Contains(("throughput.png", "no posts were delivered"), skipped);
        Assert.Contains(("latency-over-time.png", "no posts were delivered"), skipped);
        Assert.DoesNotContain(skipped, s => s.File is "connections.png" or "latency-percentiles.png");
    }

    [Fact]
    public void Rates_and_counts_are_plotted_from_zero()
    {
        var r = ShortRun(ScenarioKind.Chat, 3000);
        // 3,000 deliveries in the 0.3 s they took: 10,000/s.
        Assert.Equal(10_000, r.Timeline[0].DeliveriesPerSecond);
        foreach (var plot in new[] { PngCharts.Throughput(r).Item1!, PngCharts.Connections(r).Item1!, PngCharts.ConnectionsPerNode(r).Item1! })
        {
            var limits = plot.Axes.GetLimits();
            Assert.Equal(0, limits.Bottom);
            Assert.True(limits.Top > 0);
        }
        Assert.True(PngCharts.Throughput(r).Item1!.Axes.GetLimits().Top >= 10_000);
    }
}
