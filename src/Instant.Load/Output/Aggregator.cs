using System.Diagnostics;
using HdrHistogram;
using Instant.Load.Cli;
using Instant.Load.Metrics;

namespace Instant.Load.Output;

/// <summary>
/// Merges the per-second snapshots of all workers (histograms added, counters summed) and the
/// coordinator's /proc samples into the timeline and totals of a <see cref="RunResult"/>.
/// </summary>
internal sealed class Aggregator(LoadOptions options, int workers)
{
    private readonly object _gate = new();
    private readonly List<IntervalSnapshot>[] _snaps = Enumerable.Range(0, workers).Select(_ => new List<IntervalSnapshot>()).ToArray();
    private readonly WorkerFinal?[] _finals = new WorkerFinal?[workers];
    private readonly List<(double Seconds, ProcessReading? Server, double LoadCpu)> _samples = new();
    public readonly LongHistogram Connect = HistogramCodec.NewTotal(), Delivery = HistogramCodec.NewTotal(),
        Fanout = HistogramCodec.NewTotal(), History = HistogramCodec.NewTotal();

    public void Add(int worker, IntervalSnapshot s)
    {
        lock (_gate)
        {
            _snaps[worker].Add(s);
            HistogramCodec.AddInto(Connect, s.ConnectUs);
            HistogramCodec.AddInto(Delivery, s.DeliveryUs);
            HistogramCodec.AddInto(Fanout, s.FanoutUs);
            HistogramCodec.AddInto(History, s.HistoryUs);
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

    public double? DeliveryPercentileMs(double p)
    {
        lock (_gate) return Delivery.TotalCount == 0 ? null : Delivery.GetValueAtPercentile(p) / 1000.0;
    }

    /// <summary>The newest counters summed over workers, for the live display.</summary>
    public IntervalSnapshot? Latest()
    {
        lock (_gate)
        {
            var last = _snaps.Select(l => l.Count > 0 ? l[^1] : null).Where(s => s != null).ToList();
            if (last.Count == 0) return null;
            return Sum(last!, last.Max(s => s!.Index), last.Max(s => s!.Seconds));
        }
    }

    public (double Seconds, ProcessReading? Server)? LatestServer()
    {
        lock (_gate) return _samples.Count == 0 ? null : (_samples[^1].Seconds, _samples[^1].Server);
    }

    private static IntervalSnapshot Sum(IEnumerable<IntervalSnapshot?> snaps, int index, double seconds)
    {
        var list = snaps.Where(s => s != null).Select(s => s!).ToList();
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in list) foreach (var (k, v) in s.Errors) errors[k] = errors.GetValueOrDefault(k) + v;
        return new IntervalSnapshot
        {
            Index = index,
            Seconds = seconds,
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
            Errors = errors,
        };
    }

    public RunResult Build(DateTimeOffset started, double wallSeconds, int sourceAddresses, string? fatal, Uri server)
    {
        lock (_gate)
        {
            int maxIndex = _snaps.Max(l => l.Count == 0 ? -1 : l.Max(s => s.Index));
            var timeline = new List<TimelineRow>();
            long prevDelivered = 0;
            double prevLoadCpu = 0, prevServerCpu = _samples.FirstOrDefault().Server?.CpuSeconds ?? 0, prevT = 0;
            for (int k = 0; k <= maxIndex; k++)
            {
                var at = _snaps.Select(l => l.LastOrDefault(s => s.Index <= k)).ToList();
                var sum = Sum(at, k, at.Where(s => s != null).Select(s => s!.Seconds).DefaultIfEmpty(k + 1).Max());
                var interval = HistogramCodec.NewTotal();
                foreach (var l in _snaps) foreach (var s in l.Where(s => s.Index == k)) HistogramCodec.AddInto(interval, s.DeliveryUs);
                var sample = _samples.Where(x => x.Seconds <= sum.Seconds + 0.5).Select(x => ((double, ProcessReading?, double)?)x).LastOrDefault();
                double dt = Math.Max(1e-3, sum.Seconds - prevT);
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
                timeline.Add(new TimelineRow(Math.Round(sum.Seconds, 2), sum.Open, sum.Connected, sum.ConnectFailed, sum.Disconnects, sum.Sent, sum.Delivered,
                    (long)Math.Round((sum.Delivered - prevDelivered) / dt), Math.Round(interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(50) / 1000.0, 3),
                    Math.Round(interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(99) / 1000.0, 3), Math.Round(interval.TotalCount == 0 ? 0 : interval.GetMaxValue() / 1000.0, 3),
                    sum.Errors.Values.Sum(), serverCpu, rss, loadCpu));
                prevDelivered = sum.Delivered;
                prevT = sum.Seconds;
            }
            var total = Sum(_snaps.Select(l => l.LastOrDefault()), maxIndex, wallSeconds);
            var finals = _finals.Where(f => f != null).Select(f => f!).ToList();
            long expected = 0;
            for (int r = 0; r < options.Rooms; r++)
                expected += finals.Sum(f => f.SentPerRoom.ElementAtOrDefault(r)) * finals.Sum(f => f.ReceiversPerRoom.ElementAtOrDefault(r));
            long first = finals.Where(f => f.FirstDeliveryTicks != 0).Select(f => f.FirstDeliveryTicks).DefaultIfEmpty(0).Min();
            long last = finals.Select(f => f.LastDeliveryTicks).DefaultIfEmpty(0).Max();
            double span = last > first && first != 0 ? (last - first) / (double)Stopwatch.Frequency : 0;
            double connectPhase = finals.Select(f => f.ConnectPhaseSeconds).DefaultIfEmpty(0).Max();
            var rssValues = _samples.Where(s => s.Server != null).Select(s => s.Server!.Value.RssBytes / 1048576.0).ToList();
            bool posting = options.Scenario is ScenarioKind.Chat or ScenarioKind.Fanout;
            return new RunResult
            {
                Scenario = ScenarioName(options.Scenario),
                Label = options.Label,
                Server = server.ToString(),
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
                ConnectPhaseSeconds = Math.Round(connectPhase, 3),
                ConnectsPerSecond = connectPhase > 0 ? Math.Round(total.Connected / connectPhase, 1) : 0,
                PostsSent = total.Sent,
                Delivered = total.Delivered,
                ExpectedDeliveries = posting ? expected : total.Delivered,
                Duplicates = total.Duplicates,
                Gaps = total.Gaps,
                Lost = posting ? Math.Max(0, expected - (total.Delivered - total.Duplicates)) : 0,
                DeliveriesPerSecond = span > 0 ? Math.Round(total.Delivered / span) : 0,
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
                Errors = total.Errors,
                ServerRssStartMb = rssValues.Count > 0 ? Math.Round(rssValues[0], 1) : null,
                ServerRssPeakMb = rssValues.Count > 0 ? Math.Round(rssValues.Max(), 1) : null,
                ServerRssEndMb = rssValues.Count > 0 ? Math.Round(rssValues[^1], 1) : null,
                ServerRssPerConnectionKb = rssValues.Count > 1 && total.Connected > 0 && options.Scenario is ScenarioKind.Idle or ScenarioKind.JoinStorm ? Math.Round((rssValues.Max() - rssValues[0]) * 1024 / total.Connected, 1) : null,
                ServerCpuSeconds = _samples.Count > 1 && _samples[^1].Server != null && _samples[0].Server != null
                    ? Math.Round(_samples[^1].Server!.Value.CpuSeconds - _samples[0].Server!.Value.CpuSeconds, 2) : null,
                LoadCpuSeconds = _samples.Count > 0 ? Math.Round(_samples[^1].LoadCpu, 2) : 0,
                Timeline = timeline,
                Distributions = new()
                {
                    ["delivery"] = Distribution(Delivery),
                    ["fanout"] = Distribution(Fanout),
                    ["connect"] = Distribution(Connect),
                    ["history"] = Distribution(History),
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
