using ScottPlot;

namespace Instant.Load.Output;

/// <summary>
/// PNG plots for papers, drawn with ScottPlot (SkiaSharp): latency by percentile, deliveries
/// per second and latency over time, connections over time. Where SkiaSharp's native library
/// cannot load, the PNGs are skipped with a note; report.html has the same plots as SVG.
/// </summary>
internal static class PngCharts
{
    private const int Width = 900, Height = 450;

    /// <summary>Writes the PNGs into <paramref name="dir"/>; returns why not, or null.</summary>
    public static string? TryWrite(RunResult r, string dir)
    {
        try
        {
            Write(r, dir);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            return "PNG plots skipped (SkiaSharp native library unavailable: " + e.GetBaseException().Message + "); see report.html";
        }
    }

    private static void Write(RunResult r, string dir)
    {
        var dists = r.Distributions.Where(d => d.Value.Count > 0).ToList();
        if (dists.Count > 0)
        {
            var plot = new Plot();
            foreach (var (name, points) in dists)
            {
                var pts = points.Where(p => p[0] < 100).ToList();
                var line = plot.Add.ScatterLine(pts.Select(p => Math.Log10(100 / (100 - p[0]))).ToArray(), pts.Select(p => p[1]).ToArray());
                line.LegendText = name;
                line.LineWidth = 2;
            }
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            foreach (var (pos, label) in new[] { (0.0, "0%"), (1, "90%"), (2, "99%"), (3, "99.9%"), (4, "99.99%"), (5, "99.999%") })
                ticks.AddMajor(pos, label);
            plot.Axes.Bottom.TickGenerator = ticks;
            Label(plot, "Latency by percentile", "percentile", "latency (ms)");
            plot.SavePng(Path.Combine(dir, "latency-percentiles.png"), Width, Height);
        }
        var t = r.Timeline;
        if (t.Count < 2) return;
        double[] secs = t.Select(x => x.Seconds).ToArray();
        if (t.Any(x => x.DeliveriesPerSecond > 0))
        {
            var plot = new Plot();
            plot.Add.ScatterLine(secs, t.Select(x => (double)x.DeliveriesPerSecond).ToArray()).LineWidth = 2;
            Label(plot, "Deliveries per second", "time (s)", "deliveries/s");
            plot.SavePng(Path.Combine(dir, "throughput.png"), Width, Height);

            plot = new Plot();
            var withData = t.Where(x => x.DeliveryP50Ms > 0).ToList();
            var s = withData.Select(x => x.Seconds).ToArray();
            var p50 = plot.Add.ScatterLine(s, withData.Select(x => x.DeliveryP50Ms).ToArray());
            p50.LegendText = "p50";
            var p99 = plot.Add.ScatterLine(s, withData.Select(x => x.DeliveryP99Ms).ToArray());
            p99.LegendText = "p99";
            var max = plot.Add.ScatterLine(s, withData.Select(x => x.DeliveryMaxMs).ToArray());
            max.LegendText = "max";
            foreach (var l in new[] { p50, p99, max }) l.LineWidth = 2;
            Label(plot, "Delivery latency over time (per second)", "time (s)", "latency (ms)");
            plot.SavePng(Path.Combine(dir, "latency-over-time.png"), Width, Height);
        }
        {
            var plot = new Plot();
            var open = plot.Add.ScatterLine(secs, t.Select(x => (double)x.Open).ToArray());
            open.LegendText = "open connections";
            var failed = plot.Add.ScatterLine(secs, t.Select(x => (double)x.ConnectFailed).ToArray());
            failed.LegendText = "failed connects (total)";
            Label(plot, "Connections over time", "time (s)", "connections");
            plot.SavePng(Path.Combine(dir, "connections.png"), Width, Height);
        }
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
