using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Instant.Load.Output;

/// <summary>Writes summary.json, timeline.csv, latency.csv and report.html, and prints the summary table.</summary>
internal static class Reports
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    public static void WriteAll(RunResult r, string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "summary.json"), JsonSerializer.Serialize(r, Json));
        var csv = new StringBuilder("seconds,open,connected,connect_failed,disconnects,sent,delivered,deliveries_per_s,delivery_p50_ms,delivery_p99_ms,delivery_max_ms,errors,server_cpu_percent,server_rss_mb,load_cpu_percent\n");
        foreach (var t in r.Timeline)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{F(t.Seconds)},{t.Open},{t.Connected},{t.ConnectFailed},{t.Disconnects},{t.Sent},{t.Delivered},{t.DeliveriesPerSecond},{F(t.DeliveryP50Ms)},{F(t.DeliveryP99Ms)},{F(t.DeliveryMaxMs)},{t.Errors},");
            csv.Append(CultureInfo.InvariantCulture, $"{(t.ServerCpuPercent is double c ? F(c) : "")},{(t.ServerRssMb is double m ? F(m) : "")},{F(t.LoadCpuPercent)}\n");
        }
        File.WriteAllText(Path.Combine(dir, "timeline.csv"), csv.ToString());
        var lat = new StringBuilder("metric,percentile,ms\n");
        foreach (var (metric, points) in r.Distributions)
            foreach (var p in points) lat.Append(CultureInfo.InvariantCulture, $"{metric},{F(p[0])},{F(p[1])}\n");
        File.WriteAllText(Path.Combine(dir, "latency.csv"), lat.ToString());
        File.WriteAllText(Path.Combine(dir, "report.html"), HtmlReport.Render(r));
        if (PngCharts.TryWrite(r, dir) is string why) Console.Error.WriteLine("instant-load: " + why);
    }

    public static IEnumerable<(string Name, string Value)> SummaryRows(RunResult r)
    {
        yield return ("scenario", r.Scenario + (r.Label != null ? $" ({r.Label})" : ""));
        yield return ("server", r.Server);
        yield return ("wall time", $"{F(r.WallSeconds)} s, {r.Workers} process(es), {r.SourceAddresses} source address(es)");
        yield return ("connections", $"{r.Connected} connected of {r.ConnectAttempts} attempts, {r.ConnectFailed} failed, {r.Disconnects} dropped by the server");
        yield return ("connect phase", $"{F(r.ConnectPhaseSeconds)} s, {F(r.ConnectsPerSecond)} connections/s");
        yield return ("connect time", Pct(r.ConnectMs));
        if (r.PostsSent > 0 || r.Delivered > 0)
        {
            yield return ("posts", $"{r.PostsSent} sent, {r.Delivered} delivered of {r.ExpectedDeliveries} expected; {r.Lost} lost, {r.Duplicates} duplicated, {r.Gaps} gaps");
            yield return ("throughput", $"{r.DeliveriesPerSecond:N0} deliveries/s");
            yield return ("delivery latency", Pct(r.DeliveryMs));
            yield return ("fan-out latency", Pct(r.FanoutMs) + (r.FanoutIncomplete > 0 ? $" ({r.FanoutIncomplete} posts incomplete)" : ""));
        }
        if (r.HistoryPulls > 0 || r.Scenario == "history")
        {
            yield return ("history pulls", $"{r.HistoryPulls} done, {r.HistoryPosts} posts received");
            yield return ("history latency", Pct(r.HistoryMs));
        }
        yield return ("protocol", $"{r.JoinedSeen} joined, {r.LeftSeen} left, {r.Pongs} pongs, {r.ServerErrors} error frames");
        if (r.ServerRssPeakMb != null)
            yield return ("server", $"RSS {r.ServerRssStartMb} -> peak {r.ServerRssPeakMb} MB" +
                (r.ServerRssPerConnectionKb is double k ? $" ({F(k)} KB per connection)" : "") + $", CPU {r.ServerCpuSeconds} s");
        yield return ("load tool CPU", $"{F(r.LoadCpuSeconds)} s");
        yield return ("errors", r.Errors.Count == 0 ? "none" : string.Join("; ", r.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key}: {e.Value}")));
        if (r.Fatal != null) yield return ("STOPPED", r.Fatal);
    }

    private static string Pct(Percentiles p) => p.Count == 0 ? "-" :
        $"p50 {F(p.P50)} ms, p90 {F(p.P90)}, p99 {F(p.P99)}, p99.9 {F(p.P999)}, max {F(p.Max)} (n={p.Count})";

    public static void PrintSummary(RunResult r, string dir)
    {
        if (Console.IsOutputRedirected || r.Options.Plain)
        {
            foreach (var (n, v) in SummaryRows(r)) Console.Out.WriteLine($"{n,-18} {v}");
            Console.Out.WriteLine($"{"results",-18} {dir}");
            return;
        }
        var table = new Table().Title("instant-load summary").AddColumn("measure").AddColumn("value");
        foreach (var (n, v) in SummaryRows(r)) table.AddRow(Markup.Escape(n), Markup.Escape(v));
        table.AddRow("results", Markup.Escape(dir));
        AnsiConsole.Write(table);
    }
}
