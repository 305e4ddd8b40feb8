using System.Globalization;
using Instant.Load.Cli;
using Spectre.Console;

namespace Instant.Load.Output;

/// <summary>
/// The live view while a run goes: a Spectre.Console table redrawn in place on a terminal,
/// one plain line per interval when stdout is redirected (or with --plain), nothing with --quiet.
/// Both show <see cref="Aggregator.Live"/>: the latest interval every worker has reported, with
/// the same figures the timeline will hold for it.
/// </summary>
internal abstract class Progress
{
    public static Progress For(LoadOptions o) =>
        o.Quiet ? new Silent() : o.Plain || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive ? new Plain(o, Console.Out) : new Live(o);

    public virtual void Start(int workers, int sourceAddresses) { }
    public virtual void Stop() { }
    public abstract void Tick(Aggregator agg);

    private static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The rows of the live table.</summary>
    public static IEnumerable<(string Name, string Value)> Rows(LiveView v, LoadOptions o, int workers, int sourceAddresses)
    {
        var s = v.Totals;
        yield return (o.Servers.Count == 1 ? "server" : "servers", o.ServerList);
        yield return ("elapsed", $"{F(v.Seconds, "0")} s ({workers} process(es), {sourceAddresses} source address(es))");
        yield return ("connections", $"{s.Open} open, {s.Connected} connected, {s.ConnectFailed} failed, {s.Disconnects} dropped");
        yield return ("posts", $"{s.Sent} sent, {s.Delivered} delivered, {v.DeliveriesPerSecond}/s");
        yield return ("delivery latency", v.DeliveryP50Ms is double p50 ? $"p50 {F(p50, "0.00")} ms, p99 {F(v.DeliveryP99Ms ?? 0, "0.00")} ms" : "-");
        if (o.Reconnect)
            yield return ("reconnect", $"{s.ClientsLost} clients lost, {s.ClientsLost - s.Reconnecting} back, {s.Reconnecting} reconnecting; {s.Reconnects} reconnects, {s.ReconnectFailed} refused");
        if (o.Servers.Count > 1)
        {
            for (int i = 0; i < o.Servers.Count && i < s.Nodes.Length; i++)
            {
                var n = s.Nodes[i];
                yield return ($"node {i}", $"{o.Servers[i]}: {n.Open} open, {n.Connected} connected, {n.ConnectFailed} failed, {n.Delivered} delivered, {n.Disconnects} dropped"
                    + (o.Reconnect ? $", {n.Reconnects} reconnected" : ""));
            }
        }
        if (v.ServerRssMb is double rss)
            yield return ("server process", $"RSS {F(rss, "0")} MB, CPU {F(v.ServerCpuSeconds ?? 0, "0.00")} s during the run");
        yield return ("errors", string.Join(", ", s.Errors.Select(e => $"{e.Key}: {e.Value}")) is { Length: > 0 } t ? t : "none");
    }

    /// <summary>One line of plain progress.</summary>
    public static string PlainLine(LiveView v, LoadOptions o)
    {
        var s = v.Totals;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"t={v.Seconds:F0}s open={s.Open} connected={s.Connected} failed={s.ConnectFailed} sent={s.Sent} delivered={s.Delivered} deliveries/s={v.DeliveriesPerSecond} p50={Ms(v.DeliveryP50Ms)} p99={Ms(v.DeliveryP99Ms)} errors={s.Errors.Values.Sum()}");
        if (o.Reconnect) line += string.Create(CultureInfo.InvariantCulture, $" lost={s.ClientsLost} reconnecting={s.Reconnecting} reconnected={s.Reconnects}");
        if (o.Servers.Count > 1) line += " open_per_node=" + string.Join('/', s.Nodes.Select(n => n.Open));
        if (v.ServerRssMb is double rss) line += string.Create(CultureInfo.InvariantCulture, $" server_rss={rss:F0}MB server_cpu={v.ServerCpuSeconds ?? 0:F2}s");
        return line;
    }

    private static string Ms(double? ms) => ms is double v ? v.ToString("F2", CultureInfo.InvariantCulture) + "ms" : "-";

    private sealed class Silent : Progress
    {
        public override void Tick(Aggregator agg) { }
    }

    /// <summary>A line per interval, each once; nothing until the first interval is in.</summary>
    internal sealed class Plain(LoadOptions o, TextWriter output) : Progress
    {
        private int _printed = -1;

        public override void Start(int workers, int sourceAddresses) =>
            output.WriteLine($"instant-load: {Aggregator.ScenarioName(o.Scenario)} against {o.ServerList}; {workers} process(es), {sourceAddresses} source address(es)");

        public override void Tick(Aggregator agg)
        {
            // Ticks and snapshots keep their own clocks: a tick may find no new interval, or two.
            for (int k = agg.CompleteIndex(), next = _printed + 1; next <= k; next++)
            {
                if (agg.Live(next) is { } v) output.WriteLine(PlainLine(v, o));
                _printed = next;
            }
        }
    }

    private sealed class Live(LoadOptions o) : Progress
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _task = Task.CompletedTask;
        private Aggregator? _agg;

        public override void Start(int workers, int sourceAddresses)
        {
            var table = new Table().AddColumn("instant-load " + Aggregator.ScenarioName(o.Scenario)).AddColumn("");
            table.AddRow("status", "starting...");
            _task = AnsiConsole.Live(table).StartAsync(async ctx =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    if (Volatile.Read(ref _agg)?.Live() is { } v)
                    {
                        table.Rows.Clear();
                        foreach (var (name, value) in Rows(v, o, workers, sourceAddresses)) table.AddRow(Markup.Escape(name), Markup.Escape(value));
                    }
                    ctx.Refresh();
                    try { await Task.Delay(500, _stop.Token); } catch (OperationCanceledException) { }
                }
            });
        }

        public override void Stop()
        {
            _stop.Cancel();
            _task.GetAwaiter().GetResult();
        }

        public override void Tick(Aggregator agg) => Volatile.Write(ref _agg, agg);
    }
}
