namespace Instant.Load.Metrics;

/// <summary>
/// One process's state after interval <see cref="Index"/>: counters are cumulative, histograms
/// (flattened, microseconds) cover only this interval. Workers send these to the coordinator as JSON.
/// </summary>
internal sealed record IntervalSnapshot
{
    public int Index { get; init; }
    public double Seconds { get; init; }
    public long ConnectAttempts { get; init; }
    public long Connected { get; init; }
    public long ConnectFailed { get; init; }
    public long Open { get; init; }
    public long Disconnects { get; init; }
    public long Closed { get; init; }
    public long Sent { get; init; }
    public long Echoed { get; init; }
    public long Delivered { get; init; }
    public long Duplicates { get; init; }
    public long Gaps { get; init; }
    public long JoinedSeen { get; init; }
    public long LeftSeen { get; init; }
    public long Pongs { get; init; }
    public long ServerErrors { get; init; }
    public long HistoryDone { get; init; }
    public long HistoryPosts { get; init; }
    public Dictionary<string, long> Errors { get; init; } = new();
    public long[] ConnectUs { get; init; } = [];
    public long[] DeliveryUs { get; init; } = [];
    public long[] FanoutUs { get; init; } = [];
    public long[] HistoryUs { get; init; } = [];
}

/// <summary>What one process knows at the end that the totals need: posts sent and receivers, per room.</summary>
internal sealed record WorkerFinal
{
    public long[] SentPerRoom { get; init; } = [];
    public long[] ReceiversPerRoom { get; init; } = [];
    public long[] DeliveredPerRoom { get; init; } = [];
    public long ExpectedHistoryPosts { get; init; }
    public double ConnectPhaseSeconds { get; init; }
    public long FanoutIncomplete { get; init; }
    public long FirstDeliveryTicks { get; init; }
    public long LastDeliveryTicks { get; init; }
    public string? Fatal { get; init; }
}
