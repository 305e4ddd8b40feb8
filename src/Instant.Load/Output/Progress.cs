using System.Globalization;
using Instant.Load.Cli;
using Spectre.Console;

namespace Instant.Load.Output;

/// <summary>
/// The live view while a run goes: a Spectre.Console table redrawn in place on a terminal,
/// one plain line per second when stdout is redirected (or with --plain), nothing with --quiet.
/// </summary>
internal abstract class Progress
{
    public static Progress For(LoadOptions o) =>
        o.Quiet ? new Silent() : o.Plain || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive ? new Plain() : new Live(o);

    public virtual void Start(int workers, int sourceAddresses) { }
    public virtual void Stop() { }
    public abstract void Tick(Aggregator agg);

    protected static string Line(Aggregator agg, ref long prevDelivered, ref double prevT)
    {
        var s = agg.Latest();
        if (s == null) return "starting...";
        double dt = Math.Max(1e-3, s.Seconds - prevT);
        long dps = (long)((s.Delivered - prevDelivered) / dt);
        prevDelivered = s.Delivered;
        prevT = s.Seconds;
        var server = agg.LatestServer()?.Server;
        string srv = server is { } r ? string.Create(CultureInfo.InvariantCulture, $" server_rss={r.RssBytes / 1048576.0:F0}MB") : "";
        long errors = s.Errors.Values.Sum();
        return string.Create(CultureInfo.InvariantCulture,
            $"t={s.Seconds:F0}s open={s.Open} connected={s.Connected} failed={s.ConnectFailed} sent={s.Sent} delivered={s.Delivered} deliveries/s={dps} p50={Ms(agg, 50)} p99={Ms(agg, 99)} errors={errors}{srv}");
    }

    private static string Ms(Aggregator agg, double p) =>
        agg.DeliveryPercentileMs(p) is double ms ? ms.ToString("F2", CultureInfo.InvariantCulture) + "ms" : "-";

    private sealed class Silent : Progress
    {
        public override void Tick(Aggregator agg) { }
    }

    private sealed class Plain : Progress
    {
        private long _prevDelivered;
        private double _prevT;
        public override void Start(int workers, int sourceAddresses) =>
            Console.Out.WriteLine($"instant-load: {workers} process(es), {sourceAddresses} source address(es)");
        public override void Tick(Aggregator agg) => Console.Out.WriteLine(Line(agg, ref _prevDelivered, ref _prevT));
    }

    private sealed class Live(LoadOptions o) : Progress
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _task = Task.CompletedTask;
        private Aggregator? _agg;
        private long _prevDelivered;
        private double _prevT;

        public override void Start(int workers, int sourceAddresses)
        {
            var table = new Table().AddColumn("instant-load " + Aggregator.ScenarioName(o.Scenario)).AddColumn("");
            _task = AnsiConsole.Live(table).StartAsync(async ctx =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var agg = Volatile.Read(ref _agg);
                    var s = agg?.Latest();
                    if (agg != null && s != null)
                    {
                        double dt = Math.Max(1e-3, s.Seconds - _prevT);
                        long dps = s.Seconds > _prevT ? (long)((s.Delivered - _prevDelivered) / dt) : 0;
                        if (s.Seconds > _prevT) { _prevDelivered = s.Delivered; _prevT = s.Seconds; }
                        table.Rows.Clear();
                        table.AddRow("server", Markup.Escape(o.Server.ToString()));
                        table.AddRow("elapsed", $"{s.Seconds:F0} s ({workers} process(es), {sourceAddresses} source address(es))");
                        table.AddRow("connections", $"{s.Open} open, {s.Connected} connected, {s.ConnectFailed} failed, {s.Disconnects} dropped");
                        table.AddRow("posts", $"{s.Sent} sent, {s.Delivered} delivered, {dps}/s");
                        table.AddRow("delivery latency", agg.DeliveryPercentileMs(50) is double p50
                            ? $"p50 {p50:F2} ms, p99 {agg.DeliveryPercentileMs(99):F2} ms" : "-");
                        if (agg.LatestServer()?.Server is { } r) table.AddRow("server", $"RSS {r.RssBytes / 1048576.0:F0} MB, CPU {r.CpuSeconds:F1} s");
                        table.AddRow("errors", Markup.Escape(string.Join(", ", s.Errors.Select(e => $"{e.Key}: {e.Value}")) is { Length: > 0 } t ? t : "none"));
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
