namespace Instant.Load.Metrics;

/// <summary>
/// One process's state after interval <see cref="Index"/>: counters are cumulative, histograms
/// (flattened, microseconds) cover only this interval. Workers send these to the coordinator as JSON.
/// Times in ticks are <see cref="System.Diagnostics.Stopwatch"/> timestamps: the machine's
/// monotonic clock, the same in every process, so the coordinator can put them on one time axis.
/// </summary>
internal sealed record IntervalSnapshot
{
    public int Index { get; init; }
    /// <summary>Seconds since this process started measuring.</summary>
    public double Seconds { get; init; }
    /// <summary>When the snapshot was taken.</summary>
    public long Ticks { get; init; }
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
    /// <summary>First and latest delivery so far (0: none yet).</summary>
    public long FirstDeliveryTicks { get; init; }
    public long LastDeliveryTicks { get; init; }
    public long ClientsLost { get; init; }
    public long Reconnecting { get; init; }
    public long ReconnectAttempts { get; init; }
    public long Reconnects { get; init; }
    public long ReconnectFailed { get; init; }
    /// <summary>First connection lost and latest reconnect so far (0: none yet).</summary>
    public long FirstLossTicks { get; init; }
    public long LastReconnectTicks { get; init; }
    public long Abandoned { get; init; }
    public long Unsent { get; init; }
    public NodeSnapshot[] Nodes { get; init; } = [];
    public Dictionary<string, long> Errors { get; init; } = new();
    public long[] ConnectUs { get; init; } = [];
    public long[] DeliveryUs { get; init; } = [];
    public long[] FanoutUs { get; init; } = [];
    public long[] HistoryUs { get; init; } = [];
    public long[] HistoryInfoUs { get; init; } = [];
    public long[] RecoveryUs { get; init; } = [];
}

/// <summary>One process's cumulative counters for one server node.</summary>
internal sealed record NodeSnapshot
{
    public long Open { get; init; }
    public long Connected { get; init; }
    public long ConnectFailed { get; init; }
    public long Reconnects { get; init; }
    public long ReconnectFailed { get; init; }
    public long Delivered { get; init; }
    public long Disconnects { get; init; }
    public long Errors { get; init; }
}

/// <summary>What one process knows at the end that the totals need: posts sent and receivers, per room.</summary>
internal sealed record WorkerFinal
{
    public long[] SentPerRoom { get; init; } = [];
    public long[] ReceiversPerRoom { get; init; } = [];
    public long[] DeliveredPerRoom { get; init; } = [];
    public long ExpectedHistoryPosts { get; init; }
    /// <summary>From the first connect started to the last one finished, in the scenario's connect phase(s).</summary>
    public double ConnectPhaseSeconds { get; init; }
    public long FanoutIncomplete { get; init; }
    public string? Fatal { get; init; }
}
