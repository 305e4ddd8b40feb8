using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Instant.Load.Cli;
using Spectre.Console;

namespace Instant.Load.Output;

/// <summary>Writes summary.json, timeline.csv, nodes.csv, latency.csv, report.html and the PNG plots, and prints the summary table.</summary>
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

    public static PlotReport WriteAll(RunResult r, string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "summary.json"), JsonSerializer.Serialize(r, Json));
        var csv = new StringBuilder("seconds,open,connected,connect_failed,disconnects,sent,delivered,delivering_s,deliveries_per_s,delivery_p50_ms,delivery_p99_ms,delivery_max_ms,errors,server_cpu_percent,server_rss_mb,load_cpu_percent,reconnecting,reconnects\n");
        foreach (var t in r.Timeline)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{F(t.Seconds)},{t.Open},{t.Connected},{t.ConnectFailed},{t.Disconnects},{t.Sent},{t.Delivered},{F(t.DeliveringSeconds)},{t.DeliveriesPerSecond},{F(t.DeliveryP50Ms)},{F(t.DeliveryP99Ms)},{F(t.DeliveryMaxMs)},{t.Errors},");
            csv.Append(CultureInfo.InvariantCulture, $"{(t.ServerCpuPercent is double c ? F(c) : "")},{(t.ServerRssMb is double m ? F(m) : "")},{F(t.LoadCpuPercent)},{t.Reconnecting},{t.Reconnects}\n");
        }
        File.WriteAllText(Path.Combine(dir, "timeline.csv"), csv.ToString());
        var nodes = new StringBuilder("seconds,node,url,open,connected,connect_failed,reconnects,reconnects_per_s,delivered,disconnects,errors\n");
        foreach (var t in r.Timeline)
            foreach (var n in t.Nodes)
                nodes.Append(CultureInfo.InvariantCulture, $"{F(t.Seconds)},{n.Node},{r.Nodes[n.Node].Url},{n.Open},{n.Connected},{n.ConnectFailed},{n.Reconnects},{F(n.ReconnectsPerSecond)},{n.Delivered},{n.Disconnects},{n.Errors}\n");
        File.WriteAllText(Path.Combine(dir, "nodes.csv"), nodes.ToString());
        var lat = new StringBuilder("metric,percentile,ms\n");
        foreach (var (metric, points) in r.Distributions)
            foreach (var p in points) lat.Append(CultureInfo.InvariantCulture, $"{metric},{F(p[0])},{F(p[1])}\n");
        File.WriteAllText(Path.Combine(dir, "latency.csv"), lat.ToString());
        File.WriteAllText(Path.Combine(dir, "report.html"), HtmlReport.Render(r));
        return PngCharts.Write(r, dir);
    }

    public static IEnumerable<(string Name, string Value)> SummaryRows(RunResult r)
    {
        var o = r.Options;
        yield return ("scenario", r.Scenario + (r.Label != null ? $" ({r.Label})" : ""));
        yield return (r.Nodes.Count > 1 ? "servers" : "server", r.Nodes.Count > 1 ? string.Join(", ", r.Nodes.Select(n => n.Url)) : r.Server);
        yield return ("wall time", $"{F(r.WallSeconds)} s, {r.Workers} process(es), {r.SourceAddresses} source address(es)");
        yield return ("connections", $"{r.Connected} connected of {r.ConnectAttempts} attempts, {r.ConnectFailed} failed, {r.Disconnects} dropped by the server");
        if (o.Scenario == ScenarioKind.Churn)
            yield return ("churn", $"{r.Connected} connections opened in {F(r.ConnectPhaseSeconds)} s (first connect started to last one done): {F(r.ConnectsPerSecond)} connections/s, asked {F(o.Rate)}/s, each held {F(o.LifetimeSeconds)} s");
        else
            yield return ("connect phase", $"{F(r.ConnectPhaseSeconds)} s (first connect started to last one done), {F(r.ConnectsPerSecond)} connections/s");
        yield return ("connect time", Pct(r.ConnectMs));
        if (r.PostsSent > 0 || r.Delivered > 0)
        {
            yield return ("posts", $"{r.PostsSent} sent, {r.Delivered} delivered of {r.ExpectedDeliveries} expected; {r.Lost} lost, {r.Duplicates} duplicated, {r.Gaps} gaps");
            yield return ("throughput", $"{r.DeliveriesPerSecond:N0} deliveries/s ({r.Delivered} deliveries in the {F(r.DeliveringSeconds)} s from the first to the last)");
            yield return ("delivery latency", Pct(r.DeliveryMs));
            yield return ("fan-out latency", Pct(r.FanoutMs) + (r.FanoutIncomplete > 0 ? $" ({r.FanoutIncomplete} posts incomplete)" : ""));
        }
        if (r.HistoryPulls > 0 || o.Scenario == ScenarioKind.History)
        {
            yield return ("history pulls", $"{r.HistoryPulls} done, {r.HistoryPosts} posts received");
            yield return ("log-info answer", Pct(r.HistoryInfoMs) + " (log-query to the first log-info)");
            yield return ("log transfer", Pct(r.HistoryMs) + $" (log-request to log; the {F(o.LogWaitSeconds)} s --log-wait between the two is not counted)");
        }
        if (r.Reconnect is { } rc)
        {
            yield return ("reconnect", $"{rc.ClientsLost} clients lost their connection ({rc.Losses} losses), {rc.ClientsBack} came back, {rc.StillDown} still down; " +
                $"{rc.Reconnects} reconnects in {rc.Attempts} attempts ({rc.Refused} refused)");
            yield return ("recovery time", Pct(rc.RecoveryMs) + " (loss to identity on the new connection)");
            yield return ("all back", rc.AllBackSeconds is double all ? $"{F(all)} s after the first loss" : rc.ClientsLost == 0 ? "-" : $"no: {rc.StillDown} still down when the run ended");
            if (rc.PostsAbandoned > 0 || rc.PostsUnsent > 0)
                yield return ("posts during losses", $"{rc.PostsAbandoned} in flight when their sender lost its connection, {rc.PostsUnsent} not sent while the sender was down");
        }
        if (r.Nodes.Count > 1 || r.Reconnect != null)
        {
            for (int i = 0; i < r.Nodes.Count; i++)
            {
                var n = r.Nodes[i];
                string storm = n.ReconnectsPerSecond is double mean
                    ? $"{n.Reconnects} reconnects accepted ({F(mean)}/s over the storm, {F(n.ReconnectsPerSecondPeak ?? 0)}/s at peak), {n.ReconnectFailed} refused, "
                    : "";
                yield return ($"node {i}", $"{n.Url}: {n.Connected} connected, {n.ConnectFailed} failed, {storm}{n.Delivered} deliveries, {n.Disconnects} dropped, {n.Errors} other errors");
            }
        }
        yield return ("protocol", $"{r.JoinedSeen} joined, {r.LeftSeen} left, {r.Pongs} pongs, {r.ServerErrors} error frames");
        if (r.ServerRssPeakMb != null)
            yield return ("server process", $"RSS {r.ServerRssStartMb} -> peak {r.ServerRssPeakMb} MB" +
                (r.ServerRssPerConnectionKb is double k ? $" ({F(k)} KB per connection)" : "") + (r.ServerCpuSeconds is double cpu ? $", CPU {F(cpu)} s during the run" : ""));
        if (r.ServerCpuPerConnectionMs is double perConnection)
            yield return ("server CPU per connection", $"{F(perConnection)} ms ({F(r.ServerCpuConnectSeconds ?? 0)} s over the connect phase, {r.Connected} connections)");
        if (r.ServerCpuPerDeliveryUs is double perDelivery)
            yield return ("server CPU per delivery", $"{F(perDelivery)} µs ({F(r.ServerCpuDeliveringSeconds ?? 0)} s from the first post until the deliveries stopped, {r.Delivered} deliveries; connecting not counted)");
        yield return ("load tool CPU", $"{F(r.LoadCpuSeconds)} s");
        yield return ("errors", r.Errors.Count == 0 ? "none" : string.Join("; ", r.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key}: {e.Value}")));
        if (r.Fatal != null) yield return ("STOPPED", r.Fatal);
    }

    /// <summary>The plots row: what was written, and what not and why.</summary>
    public static string PlotsLine(PlotReport plots)
    {
        string written = plots.Written.Count == 0 ? "none written" : string.Join(", ", plots.Written);
        if (plots.Skipped.Count == 0) return written;
        var why = plots.Skipped.GroupBy(s => s.Reason).Select(g => $"{string.Join(", ", g.Select(s => s.File))} ({g.Key})");
        return written + "; not drawn: " + string.Join("; ", why);
    }

    private static string Pct(Percentiles p) => p.Count == 0 ? "-" :
        $"p50 {F(p.P50)} ms, p90 {F(p.P90)}, p99 {F(p.P99)}, p99.9 {F(p.P999)}, max {F(p.Max)} (n={p.Count})";

    public static void PrintSummary(RunResult r, string dir, PlotReport plots)
    {
        var rows = SummaryRows(r).Append(("results", dir)).Append(("plots", PlotsLine(plots))).ToList();
        if (Console.IsOutputRedirected || r.Options.Plain)
        {
            foreach (var (n, v) in rows) Console.Out.WriteLine($"{n,-18} {v}");
            return;
        }
        var table = new Table().Title("instant-load summary").AddColumn("measure").AddColumn("value");
        foreach (var (n, v) in rows) table.AddRow(Markup.Escape(n), Markup.Escape(v));
        AnsiConsole.Write(table);
    }
}
