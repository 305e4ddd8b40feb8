using System.Globalization;
using System.Net;
using System.Text;

namespace Instant.Load.Output;

/// <summary>
/// A self-contained HTML report: the summary table and line charts drawn as inline SVG
/// (no scripts, no external files), so it can be archived or printed straight into a paper.
/// </summary>
internal static class HtmlReport
{
    private sealed record Series(string Name, string Color, IReadOnlyList<(double X, double Y)> Points);

    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Render(RunResult r)
    {
        var sb = new StringBuilder();
        string title = $"instant-load {r.Scenario}" + (r.Label != null ? $": {r.Label}" : "");
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
          .Append("body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}")
          .Append("svg{display:block;margin:1.5em 0}h1{font-size:1.4em}.axis{font-size:11px}</style></head><body>");
        sb.Append("<h1>").Append(E(title)).Append("</h1><p>Started ").Append(E(r.Started.ToString("u", CultureInfo.InvariantCulture))).Append("</p><table>");
        foreach (var (n, v) in Reports.SummaryRows(r)) sb.Append("<tr><th>").Append(E(n)).Append("</th><td>").Append(E(v)).Append("</td></tr>");
        sb.Append("</table>");

        // Latency distribution: x is the percentile on the usual 1/(1-p) log axis.
        var dist = new List<Series>();
        int ci = 0;
        foreach (var (name, points) in r.Distributions)
        {
            if (points.Count == 0) { ci++; continue; }
            dist.Add(new Series(name, Colors[ci++ % Colors.Length], points.Where(p => p[0] < 100).Select(p => (Math.Log10(100 / (100 - p[0])), p[1])).ToList()));
        }
        if (dist.Count > 0)
            sb.Append(Chart("Latency by percentile", "percentile", "ms", dist, x => F(100 - 100 / Math.Pow(10, x)) + "%", decadeTicks: true));
        var t = r.Timeline;
        if (t.Count > 0)
        {
            if (r.Delivered > 0)
            {
                // Only the intervals during which deliveries arrived have a rate (see docs/LOAD.md).
                sb.Append(Chart("Deliveries per second", "seconds", "deliveries/s",
                    [new Series("deliveries/s", Colors[0], t.Where(x => x.DeliveringSeconds > 0).Select(x => (x.Seconds, (double)x.DeliveriesPerSecond)).ToList())], F));
                sb.Append(Chart("Delivery latency over time", "seconds", "ms",
                    [new Series("p50", Colors[0], t.Where(x => x.DeliveryP50Ms > 0).Select(x => (x.Seconds, x.DeliveryP50Ms)).ToList()),
                     new Series("p99", Colors[1], t.Where(x => x.DeliveryP99Ms > 0).Select(x => (x.Seconds, x.DeliveryP99Ms)).ToList()),
                     new Series("max", Colors[3], t.Where(x => x.DeliveryMaxMs > 0).Select(x => (x.Seconds, x.DeliveryMaxMs)).ToList())], F));
            }
            sb.Append(Chart("Connections over time", "seconds", "connections",
                [new Series("open", Colors[0], t.Select(x => (x.Seconds, (double)x.Open)).ToList()),
                 new Series("failed (total)", Colors[1], t.Select(x => (x.Seconds, (double)x.ConnectFailed)).ToList()),
                 new Series("dropped (total)", Colors[3], t.Select(x => (x.Seconds, (double)x.Disconnects)).ToList())], F));
            if (r.Nodes.Count > 1)
            {
                sb.Append(Chart("Open connections per node", "seconds", "connections",
                    r.Nodes.Select((n, i) => new Series($"node {i}", Colors[i % Colors.Length], t.Select(x => (x.Seconds, (double)(x.Nodes.ElementAtOrDefault(i)?.Open ?? 0))).ToList())).ToList(), F));
            }
            if (r.Reconnect is { Reconnects: > 0 })
            {
                var storm = PngCharts.StormRows(r);
                sb.Append(Chart("Reconnects accepted per second, per node", "seconds", "reconnects/s",
                    r.Nodes.Select((n, i) => new Series($"node {i}", Colors[i % Colors.Length], storm.Select(x => (x.Seconds, x.Nodes.ElementAtOrDefault(i)?.ReconnectsPerSecond ?? 0)).ToList())).ToList(), F));
            }
            if (t.Any(x => x.ServerRssMb != null))
            {
                sb.Append(Chart("Server resident memory", "seconds", "MB",
                    [new Series("RSS", Colors[2], t.Where(x => x.ServerRssMb != null).Select(x => (x.Seconds, x.ServerRssMb!.Value)).ToList())], F));
            }
            sb.Append(Chart("CPU", "seconds", "% of one core",
                [new Series("server", Colors[1], t.Where(x => x.ServerCpuPercent != null).Select(x => (x.Seconds, x.ServerCpuPercent!.Value)).ToList()),
                 new Series("load tool", Colors[0], t.Select(x => (x.Seconds, x.LoadCpuPercent)).ToList())], F));
        }
        sb.Append("<p>Generated by instant-load. Latencies are from the send time embedded in each post to its receipt on the same machine's monotonic clock. ")
          .Append("Deliveries/s are deliveries divided by the time during which deliveries arrived (from the first to the last, within each interval for the timeline).</p></body></html>");
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Chart(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, Func<double, string> xTick, bool decadeTicks = false)
    {
        const int W = 900, H = 320, L = 70, R = 20, T = 30, B = 50;
        var all = series.SelectMany(s => s.Points).ToList();
        if (all.Count == 0) return "";
        double x0 = all.Min(p => p.X), x1 = all.Max(p => p.X), y1 = all.Max(p => p.Y);
        if (x1 <= x0) x1 = x0 + 1;
        y1 = NiceCeiling(y1 <= 0 ? 1 : y1);
        double Sx(double x) => L + (x - x0) / (x1 - x0) * (W - L - R);
        double Sy(double y) => H - B - y / y1 * (H - T - B);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{E(title)}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{W / 2}\" y=\"18\" text-anchor=\"middle\" font-weight=\"bold\" font-size=\"14\">{E(title)}</text>");
        for (int i = 0; i <= 5; i++)
        {
            double y = y1 * i / 5, sy = Sy(y);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{F(sy)}\" y2=\"{F(sy)}\" stroke=\"#eee\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{L - 6}\" y=\"{F(sy + 4)}\" text-anchor=\"end\">{E(F(y))}</text>");
            if (decadeTicks) continue;
            double x = x0 + (x1 - x0) * i / 5, sx = Sx(x);
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{F(sx)}\" y=\"{H - B + 16}\" text-anchor=\"middle\">{E(xTick(x))}</text>");
        }
        // The percentile axis reads best at 0 %, 90 %, 99 %, 99.9 %, ...: whole decades of 1/(1-p).
        for (double x = Math.Ceiling(x0); decadeTicks && x <= x1; x++)
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{F(Sx(x))}\" y=\"{H - B + 16}\" text-anchor=\"middle\">{E(xTick(x))}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{H - B}\" y2=\"{H - B}\" stroke=\"#333\"/><line x1=\"{L}\" x2=\"{L}\" y1=\"{T}\" y2=\"{H - B}\" stroke=\"#333\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{(W + L) / 2}\" y=\"{H - 12}\" text-anchor=\"middle\">{E(xLabel)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" transform=\"translate(14,{(H - B + T) / 2}) rotate(-90)\" text-anchor=\"middle\">{E(yLabel)}</text>");
        int li = 0;
        foreach (var s in series)
        {
            if (s.Points.Count == 0) continue;
            sb.Append("<polyline fill=\"none\" stroke-width=\"1.8\" stroke=\"").Append(s.Color).Append("\" points=\"");
            foreach (var (x, y) in s.Points) sb.Append(F(Sx(x))).Append(',').Append(F(Sy(y))).Append(' ');
            sb.Append("\"/>");
            // A single interval is a point, which a polyline does not draw.
            if (s.Points.Count == 1)
                sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(Sx(s.Points[0].X))}\" cy=\"{F(Sy(s.Points[0].Y))}\" r=\"3\" fill=\"{s.Color}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{L + 10 + li * 150}\" y=\"{T}\" width=\"12\" height=\"3\" fill=\"{s.Color}\"/><text class=\"axis\" x=\"{L + 26 + li * 150}\" y=\"{T + 5}\">{E(s.Name)}</text>");
            li++;
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static double NiceCeiling(double v)
    {
        double p = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (double m in new[] { 1, 2, 2.5, 5, 10 }) if (m * p >= v) return m * p;
        return 10 * p;
    }
}
