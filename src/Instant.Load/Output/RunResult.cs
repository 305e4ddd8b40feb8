using System.Diagnostics;
using HdrHistogram;
using Instant.Load.Cli;
using Instant.Load.Metrics;

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

/// <summary>One second of the run, summed over all workers.</summary>
internal sealed record TimelineRow(
    double Seconds, long Open, long Connected, long ConnectFailed, long Disconnects, long Sent, long Delivered,
    long DeliveriesPerSecond, double DeliveryP50Ms, double DeliveryP99Ms, double DeliveryMaxMs, long Errors,
    double? ServerCpuPercent, double? ServerRssMb, double LoadCpuPercent);

/// <summary>Everything a run measured: what the summary, JSON, CSV and HTML report show.</summary>
internal sealed record RunResult
{
    public required string Scenario { get; init; }
    public string? Label { get; init; }
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
    public required Percentiles HistoryMs { get; init; }
    public Dictionary<string, long> Errors { get; init; } = new();
    public double? ServerRssStartMb { get; init; }
    public double? ServerRssPeakMb { get; init; }
    public double? ServerRssEndMb { get; init; }
    public double? ServerRssPerConnectionKb { get; init; }
    public double? ServerCpuSeconds { get; init; }
    public double LoadCpuSeconds { get; init; }
    public List<TimelineRow> Timeline { get; init; } = new();
    /// <summary>Latency distributions for the report: (percentile, ms) points.</summary>
    public Dictionary<string, List<double[]>> Distributions { get; init; } = new();

    /// <summary>Posts whose numbers do not add up: missing, duplicated, or out of order.</summary>
    public bool Consistent => Lost == 0 && Duplicates == 0 && Gaps == 0;
}
