using HdrHistogram;
using Instant.Load.Cli;

namespace Instant.Load.Output;

/// <summary>Percentiles of one histogram, in milliseconds.</summary>
internal sealed record Percentiles(long Count, double Min, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    public static Percentiles Of(HistogramBase h)
    {
        if (h.TotalCount == 0) return new Percentiles(0, 0, 0, 0, 0, 0, 0, 0);
        static double Ms(long us) => Math.Round(us / 1000.0, 3);
        return new Percentiles(h.TotalCount, Ms(h.LowestEquivalentValue(h.RecordedValues().First().ValueIteratedTo)),
            Ms(h.GetValueAtPercentile(50)), Ms(h.GetValueAtPercentile(90)), Ms(h.GetValueAtPercentile(99)),
            Ms(h.GetValueAtPercentile(99.9)), Ms(h.GetMaxValue()), Math.Round(h.GetMean() / 1000.0, 3));
    }
}

/// <summary>One interval (about a second) of the run, summed over all workers. Counters are cumulative unless named per second.</summary>
internal sealed record TimelineRow
{
    /// <summary>End of the interval, seconds since the run started.</summary>
    public double Seconds { get; init; }
    public long Open { get; init; }
    public long Connected { get; init; }
    public long ConnectFailed { get; init; }
    public long Disconnects { get; init; }
    public long Sent { get; init; }
    public long Delivered { get; init; }
    /// <summary>The part of the interval during which deliveries were being received (between the run's first and latest delivery).</summary>
    public double DeliveringSeconds { get; init; }
    /// <summary>Deliveries in the interval divided by <see cref="DeliveringSeconds"/>: see <see cref="Rates"/>.</summary>
    public long DeliveriesPerSecond { get; init; }
    public double DeliveryP50Ms { get; init; }
    public double DeliveryP99Ms { get; init; }
    public double DeliveryMaxMs { get; init; }
    public long Errors { get; init; }
    public double? ServerCpuPercent { get; init; }
    public double? ServerRssMb { get; init; }
    public double LoadCpuPercent { get; init; }
    /// <summary>Clients lost and not back yet (--reconnect).</summary>
    public long Reconnecting { get; init; }
    public long Reconnects { get; init; }
    public List<NodeTimelineRow> Nodes { get; init; } = new();
}

/// <summary>One node's counters at the end of one interval; <see cref="ReconnectsPerSecond"/> is the interval's accept rate.</summary>
internal sealed record NodeTimelineRow(int Node, long Open, long Connected, long ConnectFailed, long Reconnects, double ReconnectsPerSecond,
    long Delivered, long Disconnects, long Errors);

/// <summary>What one server node (one --server URL) saw of the run.</summary>
internal sealed record NodeResult
{
    public required string Url { get; init; }
    /// <summary>Connections opened in the connect phase(s) and connects that failed.</summary>
    public long Connected { get; init; }
    public long ConnectFailed { get; init; }
    /// <summary>Connections lost to this node that came back to it (--reconnect), and attempts it refused.</summary>
    public long Reconnects { get; init; }
    public long ReconnectFailed { get; init; }
    public long Delivered { get; init; }
    public long Disconnects { get; init; }
    /// <summary>Other errors of its clients: error frames, failed sends, bad frames, failed history pulls.</summary>
    public long Errors { get; init; }
    /// <summary>Reconnects it accepted per second over the storm (first loss to last comeback), and in its busiest second.</summary>
    public double? ReconnectsPerSecond { get; init; }
    public double? ReconnectsPerSecondPeak { get; init; }
}

/// <summary>The reconnect storm (--reconnect): who lost the connection, who came back, how fast.</summary>
internal sealed record ReconnectResult
{
    /// <summary>Clients that lost their connection at least once.</summary>
    public long ClientsLost { get; init; }
    /// <summary>Of those, connected again when the run ended.</summary>
    public long ClientsBack { get; init; }
    public long StillDown { get; init; }
    /// <summary>Connections lost (a client may lose more than one).</summary>
    public long Losses { get; init; }
    public long Attempts { get; init; }
    public long Reconnects { get; init; }
    public long Refused { get; init; }
    /// <summary>From the first loss to the last comeback, when everyone came back.</summary>
    public double? AllBackSeconds { get; init; }
    /// <summary>Per reconnect: from losing the connection to identity on the new one.</summary>
    public required Percentiles RecoveryMs { get; init; }
    /// <summary>Posts outstanding when their sender lost its connection, and posts not sent because the sender was down.</summary>
    public long PostsAbandoned { get; init; }
    public long PostsUnsent { get; init; }
}

/// <summary>Everything a run measured: what the summary, JSON, CSV and HTML report show.</summary>
internal sealed record RunResult
{
    public required string Scenario { get; init; }
    public string? Label { get; init; }
    /// <summary>The first server URL (the only one unless the run spread over several nodes).</summary>
    public required string Server { get; init; }
    public required DateTimeOffset Started { get; init; }
    public double WallSeconds { get; init; }
    public required LoadOptions Options { get; init; }
    public int Workers { get; init; }
    public int SourceAddresses { get; init; }
    public string? Fatal { get; init; }
    public long ConnectAttempts { get; init; }
    public long Connected { get; init; }
    public long ConnectFailed { get; init; }
    public long Disconnects { get; init; }
    public double ConnectPhaseSeconds { get; init; }
    public double ConnectsPerSecond { get; init; }
    public long PostsSent { get; init; }
    public long Delivered { get; init; }
    public long ExpectedDeliveries { get; init; }
    public long Duplicates { get; init; }
    public long Gaps { get; init; }
    public long Lost { get; init; }
    /// <summary>From the first delivery to the last one.</summary>
    public double DeliveringSeconds { get; init; }
    /// <summary><see cref="Delivered"/> / <see cref="DeliveringSeconds"/>: see <see cref="Rates"/>.</summary>
    public double DeliveriesPerSecond { get; init; }
    public long JoinedSeen { get; init; }
    public long LeftSeen { get; init; }
    public long Pongs { get; init; }
    public long ServerErrors { get; init; }
    public long HistoryPulls { get; init; }
    public long HistoryPosts { get; init; }
    public long FanoutIncomplete { get; init; }
    public required Percentiles ConnectMs { get; init; }
    public required Percentiles DeliveryMs { get; init; }
    public required Percentiles FanoutMs { get; init; }
    /// <summary>History: log-request sent to log received.</summary>
    public required Percentiles HistoryMs { get; init; }
    /// <summary>History: log-query sent to the first log-info answer.</summary>
    public required Percentiles HistoryInfoMs { get; init; }
    public Dictionary<string, long> Errors { get; init; } = new();
    public List<NodeResult> Nodes { get; init; } = new();
    public ReconnectResult? Reconnect { get; init; }
    public double? ServerRssStartMb { get; init; }
    public double? ServerRssPeakMb { get; init; }
    public double? ServerRssEndMb { get; init; }
    public double? ServerRssPerConnectionKb { get; init; }
    /// <summary>Server CPU time used during the run (last sample minus first), not since the server started.</summary>
    public double? ServerCpuSeconds { get; init; }
    /// <summary>Server CPU time of the connect phase: from releasing the clients to connect until all of them are connected.</summary>
    public double? ServerCpuConnectSeconds { get; init; }
    /// <summary><see cref="ServerCpuConnectSeconds"/> per connection made, in milliseconds.</summary>
    public double? ServerCpuPerConnectionMs { get; init; }
    /// <summary>Server CPU time of the delivering phase (chat, fanout): from the start of posting until the deliveries stop; no connecting, no closing.</summary>
    public double? ServerCpuDeliveringSeconds { get; init; }
    /// <summary><see cref="ServerCpuDeliveringSeconds"/> per delivery, in microseconds.</summary>
    public double? ServerCpuPerDeliveryUs { get; init; }
    public double LoadCpuSeconds { get; init; }
    public List<TimelineRow> Timeline { get; init; } = new();
    /// <summary>Latency distributions for the report: (percentile, ms) points.</summary>
    public Dictionary<string, List<double[]>> Distributions { get; init; } = new();

    /// <summary>Posts whose numbers do not add up: missing, duplicated, or out of order.</summary>
    public bool Consistent => Lost == 0 && Duplicates == 0 && Gaps == 0;

    /// <summary>
    /// Errors that make the exit status 1. With --reconnect, lost connections and refused reconnect
    /// attempts are what the run measures: they count only if some client did not come back.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> CountedErrors => Errors.Keys.Where(k => !(Reconnect is { StillDown: 0 }
        && (k.StartsWith("disconnect: ", StringComparison.Ordinal) || k.StartsWith("reconnect: ", StringComparison.Ordinal))));
}
