using ScottPlot;

namespace Instant.Load.Output;

/// <summary>Which PNG plots a run got, and which it did not and why.</summary>
internal sealed record PlotReport(List<string> Written, List<(string File, string Reason)> Skipped);

/// <summary>
/// PNG plots for papers, drawn with ScottPlot (SkiaSharp): latency by percentile, deliveries
/// per second and latency over time, connections over time, and per node for several servers.
/// Every plot is drawn when the run has its data, however short the run (an interval is drawn
/// as a point); a plot without data is skipped with the reason. Where SkiaSharp's native library
/// cannot load, all are skipped with a note; report.html has the same plots as SVG.
/// </summary>
internal static class PngCharts
{
    private const int Width = 900, Height = 450;

    /// <summary>Writes the PNGs into <paramref name="dir"/>.</summary>
    public static PlotReport Write(RunResult r, string dir)
    {
        var report = new PlotReport(new(), new());
        foreach (var (file, build) in Plots(r))
        {
            try
            {
                var (plot, whyNot) = build();
                if (plot == null)
                {
                    report.Skipped.Add((file, whyNot!));
                    continue;
                }
                plot.SavePng(Path.Combine(dir, file), Width, Height);
                report.Written.Add(file);
            }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException)
            {
                report.Skipped.Add((file, "SkiaSharp's native library is unavailable (" + e.GetBaseException().Message + "); report.html has the plots"));
            }
        }
        return report;
    }

    /// <summary>Every plot by file name: the plot, or null and why there is none.</summary>
    public static IEnumerable<(string File, Func<(Plot?, string?)> Build)> Plots(RunResult r)
    {
        yield return ("latency-percentiles.png", () => LatencyPercentiles(r));
        yield return ("throughput.png", () => Throughput(r));
        yield return ("latency-over-time.png", () => LatencyOverTime(r));
        yield return ("connections.png", () => Connections(r));
        if (r.Nodes.Count > 1) yield return ("connections-per-node.png", () => ConnectionsPerNode(r));
        if (r.Reconnect != null) yield return ("reconnects-per-node.png", () => ReconnectsPerNode(r));
    }

    private const string NoTimeline = "no interval was recorded";

    public static (Plot?, string?) LatencyPercentiles(RunResult r)
    {
        var dists = r.Distributions.Where(d => d.Value.Count > 0).ToList();
        if (dists.Count == 0) return (null, "no latency was measured");
        var plot = new Plot();
        foreach (var (name, points) in dists)
        {
            var pts = points.Where(p => p[0] < 100).ToList();
            var line = plot.Add.Scatter(pts.Select(p => Math.Log10(100 / (100 - p[0]))).ToArray(), pts.Select(p => p[1]).ToArray());
            line.LegendText = name;
            line.LineWidth = 2;
            line.MarkerSize = pts.Count == 1 ? 6 : 0;
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var (pos, label) in new[] { (0.0, "0%"), (1, "90%"), (2, "99%"), (3, "99.9%"), (4, "99.99%"), (5, "99.999%") })
            ticks.AddMajor(pos, label);
        plot.Axes.Bottom.TickGenerator = ticks;
        Label(plot, "Latency by percentile", "percentile", "latency (ms)");
        return (plot, null);
    }

    public static (Plot?, string?) Throughput(RunResult r)
    {
        var t = r.Timeline;
        if (t.Count == 0) return (null, NoTimeline);
        if (r.Delivered == 0) return (null, "no posts were delivered");
        // Only intervals during which deliveries arrived: the rate is per second of delivering, so
        // an interval outside that span has no rate (it is not 0/s).
        var rows = t.Where(x => x.DeliveringSeconds > 0).ToList();
        if (rows.Count == 0) return (null, "all deliveries arrived in the same instant, so there is no rate");
        var plot = new Plot();
        Line(plot, rows.Select(x => x.Seconds), rows.Select(x => (double)x.DeliveriesPerSecond), null);
        Label(plot, "Deliveries per second", "time (s)", "deliveries/s");
        FromZero(plot);
        return (plot, null);
    }

    public static (Plot?, string?) LatencyOverTime(RunResult r)
    {
        var withData = r.Timeline.Where(x => x.DeliveryP50Ms > 0).ToList();
        if (r.Timeline.Count == 0) return (null, NoTimeline);
        if (withData.Count == 0) return (null, "no posts were delivered");
        var plot = new Plot();
        var s = withData.Select(x => x.Seconds).ToList();
        Line(plot, s, withData.Select(x => x.DeliveryP50Ms), "p50");
        Line(plot, s, withData.Select(x => x.DeliveryP99Ms), "p99");
        Line(plot, s, withData.Select(x => x.DeliveryMaxMs), "max");
        Label(plot, "Delivery latency over time (per interval)", "time (s)", "latency (ms)");
        FromZero(plot);
        return (plot, null);
    }

    public static (Plot?, string?) Connections(RunResult r)
    {
        var t = r.Timeline;
        if (t.Count == 0) return (null, NoTimeline);
        var plot = new Plot();
        var secs = t.Select(x => x.Seconds).ToList();
        Line(plot, secs, t.Select(x => (double)x.Open), "open connections");
        Line(plot, secs, t.Select(x => (double)x.ConnectFailed), "failed connects (total)");
        Line(plot, secs, t.Select(x => (double)x.Disconnects), "dropped (total)");
        Label(plot, "Connections over time", "time (s)", "connections");
        FromZero(plot);
        return (plot, null);
    }

    public static (Plot?, string?) ConnectionsPerNode(RunResult r)
    {
        var t = r.Timeline;
        if (t.Count == 0) return (null, NoTimeline);
        var plot = new Plot();
        var secs = t.Select(x => x.Seconds).ToList();
        for (int i = 0; i < r.Nodes.Count; i++)
            Line(plot, secs, t.Select(x => (double)(x.Nodes.ElementAtOrDefault(i)?.Open ?? 0)), $"node {i} ({r.Nodes[i].Url})");
        Label(plot, "Open connections per node", "time (s)", "connections");
        FromZero(plot);
        return (plot, null);
    }

    public static (Plot?, string?) ReconnectsPerNode(RunResult r)
    {
        var rows = StormRows(r);
        if (r.Reconnect is not { Reconnects: > 0 }) return (null, "no client reconnected");
        if (rows.Count == 0) return (null, "all reconnects happened in the same instant, so there is no rate");
        var plot = new Plot();
        var secs = rows.Select(x => x.Seconds).ToList();
        for (int i = 0; i < r.Nodes.Count; i++)
            Line(plot, secs, rows.Select(x => x.Nodes.ElementAtOrDefault(i)?.ReconnectsPerSecond ?? 0), $"node {i} ({r.Nodes[i].Url})");
        Label(plot, "Reconnects accepted per second, per node", "time (s)", "reconnects/s");
        FromZero(plot);
        return (plot, null);
    }

    /// <summary>The intervals from the first to the last in which some node accepted reconnects.</summary>
    public static List<TimelineRow> StormRows(RunResult r)
    {
        int first = r.Timeline.FindIndex(x => x.Nodes.Any(n => n.ReconnectsPerSecond > 0));
        int last = r.Timeline.FindLastIndex(x => x.Nodes.Any(n => n.ReconnectsPerSecond > 0));
        return first < 0 ? new() : r.Timeline.GetRange(first, last - first + 1);
    }

    /// <summary>A line; a short one shows its points as markers (a single interval is only a marker).</summary>
    private static void Line(Plot plot, IEnumerable<double> xs, IEnumerable<double> ys, string? legend)
    {
        var x = xs.ToArray();
        var line = plot.Add.Scatter(x, ys.ToArray());
        line.LineWidth = 2;
        line.MarkerSize = x.Length == 1 ? 8 : x.Length <= 12 ? 5 : 0;
        if (legend != null) line.LegendText = legend;
    }

    /// <summary>Counts and rates read wrongly from a y axis that does not start at 0.</summary>
    private static void FromZero(Plot plot)
    {
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        // Headroom above the highest point: a single interval's point would sit on the frame.
        plot.Axes.SetLimitsY(0, limits.Top > 0 ? limits.Top * 1.08 : 1);
    }

    private static void Label(Plot plot, string title, string x, string y)
    {
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        plot.Axes.Margins(bottom: 0);
        if (plot.GetPlottables().Any(p => p is ScottPlot.Plottables.Scatter { LegendText.Length: > 0 })) plot.ShowLegend(Alignment.UpperLeft);
    }
}
