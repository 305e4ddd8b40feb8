using System.Diagnostics;
using HdrHistogram;
using Instant.Load.Cli;
using Instant.Load.Metrics;

namespace Instant.Load.Output;

/// <summary>What the live display shows: the latest interval every worker has reported.</summary>
internal sealed record LiveView
{
    public required double Seconds { get; init; }
    /// <summary>Counters summed over the workers at that interval.</summary>
    public required IntervalSnapshot Totals { get; init; }
    /// <summary>The interval's deliveries/s, by the same definition as the timeline and summary (<see cref="Rates"/>).</summary>
    public required long DeliveriesPerSecond { get; init; }
    public double? DeliveryP50Ms { get; init; }
    public double? DeliveryP99Ms { get; init; }
    public double? ServerRssMb { get; init; }
    /// <summary>Server CPU time used since the run started (not since the server started).</summary>
    public double? ServerCpuSeconds { get; init; }
}

/// <summary>
/// Merges the per-second snapshots of all workers (histograms added, counters summed) and the
/// coordinator's /proc samples into the timeline and totals of a <see cref="RunResult"/>, and
/// into the <see cref="LiveView"/> of the progress display: both from the same interval rows.
/// </summary>
internal sealed class Aggregator(LoadOptions options, int workers, long startTicks)
{
    private readonly object _gate = new();
    private readonly List<IntervalSnapshot>[] _snaps = Enumerable.Range(0, workers).Select(_ => new List<IntervalSnapshot>()).ToArray();
    private readonly WorkerFinal?[] _finals = new WorkerFinal?[workers];
    private readonly List<(double Seconds, ProcessReading? Server, double LoadCpu)> _samples = new();
    /// <summary>The server's CPU time read when each phase was released to the workers, in order.</summary>
    private readonly List<(string Phase, double CpuSeconds)> _phaseCpu = new();
    public readonly LongHistogram Connect = HistogramCodec.NewTotal(), Delivery = HistogramCodec.NewTotal(),
        Fanout = HistogramCodec.NewTotal(), History = HistogramCodec.NewTotal(), HistoryInfo = HistogramCodec.NewTotal(),
        Recovery = HistogramCodec.NewTotal();
    private readonly int _nodes = options.Servers.Count;

    public void Add(int worker, IntervalSnapshot s)
    {
        lock (_gate)
        {
            _snaps[worker].Add(s);
            HistogramCodec.AddInto(Connect, s.ConnectUs);
            HistogramCodec.AddInto(Delivery, s.DeliveryUs);
            HistogramCodec.AddInto(Fanout, s.FanoutUs);
            HistogramCodec.AddInto(History, s.HistoryUs);
            HistogramCodec.AddInto(HistoryInfo, s.HistoryInfoUs);
            HistogramCodec.AddInto(Recovery, s.RecoveryUs);
        }
    }

    public void Finish(int worker, WorkerFinal f)
    {
        lock (_gate) _finals[worker] = f;
    }

    public void Sample(double seconds, ProcessReading? server, double loadCpuSeconds)
    {
        lock (_gate) _samples.Add((seconds, server, loadCpuSeconds));
    }

    /// <summary>
    /// The server's CPU time at the moment every worker was released into <paramref name="phase"/>
    /// (see <see cref="Scenarios.ScenarioRunner"/>): what splits the run's CPU into the connect
    /// phase and the delivering phase. A null reading (no --server-pid, or the server is gone) is
    /// not kept.
    /// </summary>
    public void MarkPhase(string phase, ProcessReading? server)
    {
        if (server is not { } r) return;
        lock (_gate) _phaseCpu.Add((phase, r.CpuSeconds));
    }

    /// <summary>Phases whose start ends the connect phase ("connect" starts it), by scenario.</summary>
    private static string? ConnectPhaseEnd(ScenarioKind k) => k switch
    {
        ScenarioKind.Idle => "hold",
        ScenarioKind.JoinStorm => "connected",
        ScenarioKind.Chat or ScenarioKind.Fanout => "post",
        _ => null,
    };

    private double? PhaseCpu(string? phase) => phase == null ? null : _phaseCpu.Where(m => m.Phase == phase).Select(m => (double?)m.CpuSeconds).FirstOrDefault();

    /// <summary>
    /// Server CPU seconds of the connect phase (released into "connect" to released into the next
    /// phase, when every client has connected) and of the delivering phase (released into "post"
    /// to released into "drained", when the deliveries have stopped, or else the run's last
    /// sample): each excludes the other and the closing of the connections at the end.
    /// </summary>
    private (double? Connect, double? Delivering) PhaseCpuSeconds()
    {
        double? connectStart = PhaseCpu("connect"), connectEnd = PhaseCpu(ConnectPhaseEnd(options.Scenario));
        double? postStart = options.Scenario is ScenarioKind.Chat or ScenarioKind.Fanout ? PhaseCpu("post") : null;
        double? postEnd = PhaseCpu("drained") ?? _samples.Select(s => s.Server).LastOrDefault(s => s != null)?.CpuSeconds;
        return (connectEnd - connectStart, postStart != null && postEnd >= postStart ? postEnd - postStart : null);
    }

    /// <summary>The newest interval all workers have reported, or -1 before the first.</summary>
    public int CompleteIndex()
    {
        lock (_gate) return _snaps.Any(l => l.Count == 0) ? -1 : _snaps.Min(l => l[^1].Index);
    }

    /// <summary>Interval <paramref name="index"/> (default: the newest all workers have reported), or null before the first.</summary>
    public LiveView? Live(int? index = null)
    {
        lock (_gate)
        {
            int complete = CompleteIndex();
            if (complete < 0) return null;
            int k = Math.Min(index ?? complete, complete);
            var row = Row(k);
            var server = _samples.Count > 0 ? _samples[^1].Server : null;
            var baseline = _samples.Select(x => x.Server).FirstOrDefault(x => x != null);
            return new LiveView
            {
                Seconds = row.Seconds,
                Totals = row.Sum,
                DeliveriesPerSecond = (long)Math.Round(row.DeliveriesPerSecond),
                DeliveryP50Ms = Delivery.TotalCount == 0 ? null : Delivery.GetValueAtPercentile(50) / 1000.0,
                DeliveryP99Ms = Delivery.TotalCount == 0 ? null : Delivery.GetValueAtPercentile(99) / 1000.0,
                ServerRssMb = server is { } r ? r.RssBytes / 1048576.0 : null,
                ServerCpuSeconds = server is { } now && baseline is { } first ? now.CpuSeconds - first.CpuSeconds : null,
            };
        }
    }

    /// <summary>Interval <c>k</c>: from the end of interval k-1 (or the start of the run) to the latest of the workers' snapshots k.</summary>
    private sealed record IntervalRow(int Index, long StartTicks, long EndTicks, double Seconds, IntervalSnapshot Sum, IntervalSnapshot? Previous,
        double DeliveringSeconds, double DeliveriesPerSecond);

    /// <param name="span">
    /// The run's first and last delivery, once the run is over: every row then cuts its share out of
    /// that one span, so the rows add up to the summary's delivering time exactly. Without it (the
    /// live view) a row uses what the snapshots had seen by then; a delivery stamped just before a
    /// snapshot but counted just after it would otherwise fall between two rows.
    /// </param>
    private IntervalRow Row(int k, (long First, long Last)? span = null)
    {
        var sum = SumAt(k);
        var prev = k > 0 ? SumAt(k - 1) : null;
        long start = prev?.Ticks ?? startTicks;
        long end = Math.Max(start, sum.Ticks);
        var (first, last) = span ?? (sum.FirstDeliveryTicks, sum.LastDeliveryTicks);
        double delivering = Rates.ActiveSeconds(start, end, first, last);
        long delivered = sum.Delivered - (prev?.Delivered ?? 0);
        return new IntervalRow(k, start, end, (end - startTicks) / (double)Stopwatch.Frequency, sum, prev, delivering, Rates.PerSecond(delivered, delivering));
    }

    private IntervalSnapshot SumAt(int k) => Sum(_snaps.Select(l => At(l, k)), k);

    /// <summary>A worker's snapshot for interval k, or its latest before k (snapshots arrive in order).</summary>
    private static IntervalSnapshot? At(List<IntervalSnapshot> list, int k)
    {
        if (k < 0) return null;
        if (k < list.Count && list[k].Index == k) return list[k];
        for (int i = Math.Min(k, list.Count - 1); i >= 0; i--) if (list[i].Index <= k) return list[i];
        return null;
    }

    private IntervalSnapshot Sum(IEnumerable<IntervalSnapshot?> snaps, int index)
    {
        var list = snaps.Where(s => s != null).Select(s => s!).ToList();
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in list) foreach (var (k, v) in s.Errors) errors[k] = errors.GetValueOrDefault(k) + v;
        var nodes = new NodeSnapshot[_nodes];
        for (int n = 0; n < _nodes; n++)
        {
            var of = list.Select(s => s.Nodes.ElementAtOrDefault(n)).Where(x => x != null).Select(x => x!).ToList();
            nodes[n] = new NodeSnapshot
            {
                Open = of.Sum(x => x.Open),
                Connected = of.Sum(x => x.Connected),
                ConnectFailed = of.Sum(x => x.ConnectFailed),
                Reconnects = of.Sum(x => x.Reconnects),
                ReconnectFailed = of.Sum(x => x.ReconnectFailed),
                Delivered = of.Sum(x => x.Delivered),
                Disconnects = of.Sum(x => x.Disconnects),
                Errors = of.Sum(x => x.Errors),
            };
        }
        static long EarliestSet(IEnumerable<long> ticks) => ticks.Where(t => t != 0).DefaultIfEmpty(0).Min();
        return new IntervalSnapshot
        {
            Index = index,
            Seconds = list.Select(s => s.Seconds).DefaultIfEmpty(0).Max(),
            Ticks = list.Select(s => s.Ticks).DefaultIfEmpty(0).Max(),
            ConnectAttempts = list.Sum(s => s.ConnectAttempts),
            Connected = list.Sum(s => s.Connected),
            ConnectFailed = list.Sum(s => s.ConnectFailed),
            Open = list.Sum(s => s.Open),
            Disconnects = list.Sum(s => s.Disconnects),
            Closed = list.Sum(s => s.Closed),
            Sent = list.Sum(s => s.Sent),
            Echoed = list.Sum(s => s.Echoed),
            Delivered = list.Sum(s => s.Delivered),
            Duplicates = list.Sum(s => s.Duplicates),
            Gaps = list.Sum(s => s.Gaps),
            JoinedSeen = list.Sum(s => s.JoinedSeen),
            LeftSeen = list.Sum(s => s.LeftSeen),
            Pongs = list.Sum(s => s.Pongs),
            ServerErrors = list.Sum(s => s.ServerErrors),
            HistoryDone = list.Sum(s => s.HistoryDone),
            HistoryPosts = list.Sum(s => s.HistoryPosts),
            FirstDeliveryTicks = EarliestSet(list.Select(s => s.FirstDeliveryTicks)),
            LastDeliveryTicks = list.Select(s => s.LastDeliveryTicks).DefaultIfEmpty(0).Max(),
            ClientsLost = list.Sum(s => s.ClientsLost),
            Reconnecting = list.Sum(s => s.Reconnecting),
            ReconnectAttempts = list.Sum(s => s.ReconnectAttempts),
            Reconnects = list.Sum(s => s.Reconnects),
            ReconnectFailed = list.Sum(s => s.ReconnectFailed),
            FirstLossTicks = EarliestSet(list.Select(s => s.FirstLossTicks)),
            LastReconnectTicks = list.Select(s => s.LastReconnectTicks).DefaultIfEmpty(0).Max(),
            Abandoned = list.Sum(s => s.Abandoned),
            Unsent = list.Sum(s => s.Unsent),
            Nodes = nodes,
            Errors = errors,
        };
    }

    public RunResult Build(DateTimeOffset started, double wallSeconds, int sourceAddresses, string? fatal)
    {
        lock (_gate)
        {
            int maxIndex = _snaps.Max(l => l.Count == 0 ? -1 : l.Max(s => s.Index));
            var total = SumAt(maxIndex);
            // The last row reaches to the last delivery, even one stamped after the final snapshot's clock read.
            var rows = Enumerable.Range(0, maxIndex + 1)
                .Select(k => Row(k, (total.FirstDeliveryTicks, total.LastDeliveryTicks)))
                .ToList();
            if (rows.Count > 0 && rows[^1].EndTicks < total.LastDeliveryTicks)
            {
                var lastRow = rows[^1];
                double tail = Rates.ActiveSeconds(lastRow.StartTicks, total.LastDeliveryTicks, total.FirstDeliveryTicks, total.LastDeliveryTicks);
                long delivered = lastRow.Sum.Delivered - (lastRow.Previous?.Delivered ?? 0);
                rows[^1] = lastRow with { EndTicks = total.LastDeliveryTicks, DeliveringSeconds = tail, DeliveriesPerSecond = Rates.PerSecond(delivered, tail) };
            }
            var timeline = new List<TimelineRow>();
            double prevLoadCpu = 0, prevServerCpu = _samples.FirstOrDefault().Server?.CpuSeconds ?? 0, prevT = 0;
            foreach (var row in rows)
            {
                var sum = row.Sum;
                var interval = HistogramCodec.NewTotal();
                foreach (var l in _snaps) foreach (var s in l.Where(s => s.Index == row.Index)) HistogramCodec.AddInto(interval, s.DeliveryUs);
                var sample = _samples.Where(x => x.Seconds <= row.Seconds + 0.5).Select(x => ((double, ProcessReading?, double)?)x).LastOrDefault();
                double dt = Math.Max(1e-3, row.Seconds - prevT);
                double? serverCpu = null, rss = null;
                double loadCpu = 0;
                if (sample is var (_, srv, lc))
                {
                    if (srv is ProcessReading r)
                    {
                        serverCpu = Math.Round(100 * (r.CpuSeconds - prevServerCpu) / dt, 1);
                        prevServerCpu = r.CpuSeconds;
                        rss = Math.Round(r.RssBytes / 1048576.0, 1);
                    }
                    loadCpu = Math.Round(100 * (lc - prevLoadCpu) / dt, 1);
                    prevLoadCpu = lc;
                }
                double storming = Rates.ActiveSeconds(row.StartTicks, row.EndTicks, total.FirstLossTicks, total.LastReconnectTicks);
                timeline.Add(new TimelineRow
                {
                    Seconds = Math.Round(row.Seconds, 2),
                    Open = sum.Open,
                    Connected = sum.Connected,
                    ConnectFailed = sum.ConnectFailed,
                    Disconnects = sum.Disconnects,
                    Sent = sum.Sent,
                    Delivered = sum.Delivered,
                    DeliveringSeconds = Math.Round(row.DeliveringSeconds, 3),
                    DeliveriesPerSecond = (long)Math.Round(row.DeliveriesPerSecond),
                    DeliveryP50Ms = Math.Round(interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(50) / 1000.0, 3),
                    DeliveryP99Ms = Math.Round(interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(99) / 1000.0, 3),
                    DeliveryMaxMs = Math.Round(interval.TotalCount == 0 ? 0 : interval.GetMaxValue() / 1000.0, 3),
                    Errors = sum.Errors.Values.Sum(),
                    ServerCpuPercent = serverCpu,
                    ServerRssMb = rss,
                    LoadCpuPercent = loadCpu,
                    Reconnecting = sum.Reconnecting,
                    Reconnects = sum.Reconnects,
                    Nodes = sum.Nodes.Select((n, i) => new NodeTimelineRow(i, n.Open, n.Connected, n.ConnectFailed, n.Reconnects,
                        Math.Round(Rates.PerSecond(n.Reconnects - (row.Previous?.Nodes.ElementAtOrDefault(i)?.Reconnects ?? 0), storming), 1),
                        n.Delivered, n.Disconnects, n.Errors)).ToList(),
                });
                prevT = row.Seconds;
            }
            var finals = _finals.Where(f => f != null).Select(f => f!).ToList();
            long expected = 0;
            for (int r = 0; r < options.Rooms; r++)
                expected += finals.Sum(f => f.SentPerRoom.ElementAtOrDefault(r)) * finals.Sum(f => f.ReceiversPerRoom.ElementAtOrDefault(r));
            double delivering = Rates.ActiveSeconds(long.MinValue, long.MaxValue, total.FirstDeliveryTicks, total.LastDeliveryTicks);
            // Rounded once, so the rate below is the one a reader gets from the reported phase.
            double connectPhase = Math.Round(finals.Select(f => f.ConnectPhaseSeconds).DefaultIfEmpty(0).Max(), 3);
            var rssValues = _samples.Where(s => s.Server != null).Select(s => s.Server!.Value.RssBytes / 1048576.0).ToList();
            var cpuValues = _samples.Where(s => s.Server != null).Select(s => s.Server!.Value.CpuSeconds).ToList();
            bool posting = options.Scenario is ScenarioKind.Chat or ScenarioKind.Fanout;
            var (connectCpu, deliveringCpu) = PhaseCpuSeconds();
            double storm = Rates.ActiveSeconds(long.MinValue, long.MaxValue, total.FirstLossTicks, total.LastReconnectTicks);
            return new RunResult
            {
                Scenario = ScenarioName(options.Scenario),
                Label = options.Label,
                Server = options.Servers[0].ToString(),
                Started = started,
                WallSeconds = Math.Round(wallSeconds, 2),
                Options = options,
                Workers = _snaps.Length,
                SourceAddresses = sourceAddresses,
                Fatal = fatal ?? finals.Select(f => f.Fatal).FirstOrDefault(f => f != null),
                ConnectAttempts = total.ConnectAttempts,
                Connected = total.Connected,
                ConnectFailed = total.ConnectFailed,
                Disconnects = total.Disconnects,
                ConnectPhaseSeconds = connectPhase,
                ConnectsPerSecond = connectPhase > 0 ? Math.Round(total.Connected / connectPhase, 1) : 0,
                PostsSent = total.Sent,
                Delivered = total.Delivered,
                ExpectedDeliveries = posting ? expected : total.Delivered,
                Duplicates = total.Duplicates,
                Gaps = total.Gaps,
                Lost = posting ? Math.Max(0, expected - (total.Delivered - total.Duplicates)) : 0,
                DeliveringSeconds = Math.Round(delivering, 3),
                DeliveriesPerSecond = Math.Round(Rates.PerSecond(total.Delivered, delivering)),
                JoinedSeen = total.JoinedSeen,
                LeftSeen = total.LeftSeen,
                Pongs = total.Pongs,
                ServerErrors = total.ServerErrors,
                HistoryPulls = total.HistoryDone,
                HistoryPosts = total.HistoryPosts,
                FanoutIncomplete = finals.Sum(f => f.FanoutIncomplete),
                ConnectMs = Percentiles.Of(Connect),
                DeliveryMs = Percentiles.Of(Delivery),
                FanoutMs = Percentiles.Of(Fanout),
                HistoryMs = Percentiles.Of(History),
                HistoryInfoMs = Percentiles.Of(HistoryInfo),
                Errors = total.Errors,
                Nodes = options.Servers.Select((url, i) => new NodeResult
                {
                    Url = url.ToString(),
                    Connected = total.Nodes[i].Connected,
                    ConnectFailed = total.Nodes[i].ConnectFailed,
                    Reconnects = total.Nodes[i].Reconnects,
                    ReconnectFailed = total.Nodes[i].ReconnectFailed,
                    Delivered = total.Nodes[i].Delivered,
                    Disconnects = total.Nodes[i].Disconnects,
                    Errors = total.Nodes[i].Errors,
                    ReconnectsPerSecond = options.Reconnect ? Math.Round(Rates.PerSecond(total.Nodes[i].Reconnects, storm), 1) : null,
                    ReconnectsPerSecondPeak = options.Reconnect ? timeline.Select(t => t.Nodes[i].ReconnectsPerSecond).DefaultIfEmpty(0).Max() : null,
                }).ToList(),
                Reconnect = options.Reconnect ? new ReconnectResult
                {
                    ClientsLost = total.ClientsLost,
                    ClientsBack = total.ClientsLost - total.Reconnecting,
                    StillDown = total.Reconnecting,
                    Losses = total.Disconnects,
                    Attempts = total.ReconnectAttempts,
                    Reconnects = total.Reconnects,
                    Refused = total.ReconnectFailed,
                    AllBackSeconds = total.ClientsLost > 0 && total.Reconnecting == 0 ? Math.Round(storm, 3) : null,
                    RecoveryMs = Percentiles.Of(Recovery),
                    PostsAbandoned = total.Abandoned,
                    PostsUnsent = total.Unsent,
                } : null,
                ServerRssStartMb = rssValues.Count > 0 ? Math.Round(rssValues[0], 1) : null,
                ServerRssPeakMb = rssValues.Count > 0 ? Math.Round(rssValues.Max(), 1) : null,
                ServerRssEndMb = rssValues.Count > 0 ? Math.Round(rssValues[^1], 1) : null,
                ServerRssPerConnectionKb = rssValues.Count > 1 && total.Connected > 0 && options.Scenario is ScenarioKind.Idle or ScenarioKind.JoinStorm ? Math.Round((rssValues.Max() - rssValues[0]) * 1024 / total.Connected, 1) : null,
                ServerCpuSeconds = cpuValues.Count > 1 ? Math.Round(cpuValues[^1] - cpuValues[0], 2) : null,
                ServerCpuConnectSeconds = connectCpu is double cc ? Math.Round(cc, 2) : null,
                ServerCpuPerConnectionMs = connectCpu is double c && total.Connected > 0 ? Math.Round(c * 1000 / total.Connected, 4) : null,
                ServerCpuDeliveringSeconds = deliveringCpu is double dc ? Math.Round(dc, 2) : null,
                ServerCpuPerDeliveryUs = deliveringCpu is double d && total.Delivered > 0 ? Math.Round(d * 1e6 / total.Delivered, 3) : null,
                LoadCpuSeconds = _samples.Count > 0 ? Math.Round(_samples[^1].LoadCpu, 2) : 0,
                Timeline = timeline,
                Distributions = new()
                {
                    ["delivery"] = Distribution(Delivery),
                    ["fanout"] = Distribution(Fanout),
                    ["connect"] = Distribution(Connect),
                    ["history"] = Distribution(History),
                    ["log-info"] = Distribution(HistoryInfo),
                    ["recovery"] = Distribution(Recovery),
                },
            };
        }
    }

    private static List<double[]> Distribution(HistogramBase h)
    {
        var points = new List<double[]>();
        if (h.TotalCount == 0) return points;
        foreach (var v in h.Percentiles(5)) points.Add([Math.Round(v.Percentile, 4), Math.Round(v.ValueIteratedTo / 1000.0, 3)]);
        return points;
    }

    public static string ScenarioName(ScenarioKind k) => k switch
    {
        ScenarioKind.JoinStorm => "join-storm",
        _ => k.ToString().ToLowerInvariant(),
    };
}
