using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace Instant.Load.Metrics;

/// <summary>What one process counts for one server node (one --server URL).</summary>
internal sealed class NodeCounters
{
    public long Open;
    public long Connected;
    public long ConnectFailed;
    public long Reconnects;
    public long ReconnectFailed;
    public long Delivered;
    public long Disconnects;
    public long Errors;

    public NodeSnapshot Take() => new()
    {
        Open = Interlocked.Read(ref Open),
        Connected = Interlocked.Read(ref Connected),
        ConnectFailed = Interlocked.Read(ref ConnectFailed),
        Reconnects = Interlocked.Read(ref Reconnects),
        ReconnectFailed = Interlocked.Read(ref ReconnectFailed),
        Delivered = Interlocked.Read(ref Delivered),
        Disconnects = Interlocked.Read(ref Disconnects),
        Errors = Interlocked.Read(ref Errors),
    };
}

/// <summary>
/// What one process measures: thread-safe counters and HdrHistogram recorders (microseconds).
/// A reporter takes an <see cref="IntervalSnapshot"/> every second; the histograms in it hold
/// only that interval, the counters are cumulative.
/// </summary>
internal sealed class LoadMetrics
{
    public const long MaxMicros = 3_600_000_000;
    private static readonly double TicksPerMicro = Stopwatch.Frequency / 1_000_000.0;

    public readonly Recorder Connect = NewRecorder();
    public readonly Recorder Delivery = NewRecorder();
    public readonly Recorder Fanout = NewRecorder();
    public readonly Recorder History = NewRecorder();
    public readonly Recorder HistoryInfo = NewRecorder();
    public readonly Recorder Recovery = NewRecorder();

    public LoadMetrics(int nodes = 1)
    {
        Nodes = Enumerable.Range(0, Math.Max(1, nodes)).Select(_ => new NodeCounters()).ToArray();
    }

    /// <summary>Per server node, in --server order.</summary>
    public NodeCounters[] Nodes { get; }

    public long ConnectAttempts;
    public long Connected;
    public long ConnectFailed;
    public long Open;
    public long Disconnects;
    public long Closed;
    public long Sent;
    public long Echoed;
    public long Delivered;
    public long Duplicates;
    public long Gaps;
    public long JoinedSeen;
    public long LeftSeen;
    public long Pongs;
    public long ServerErrors;
    public long HistoryDone;
    public long HistoryPosts;
    public long FirstDeliveryTicks;
    public long LastDeliveryTicks;
    /// <summary>Clients that lost their connection at least once (--reconnect).</summary>
    public long ClientsLost;
    /// <summary>Clients lost and not back yet (--reconnect): a gauge.</summary>
    public long Reconnecting;
    public long ReconnectAttempts;
    public long Reconnects;
    public long ReconnectFailed;
    public long FirstLossTicks;
    public long LastReconnectTicks;
    /// <summary>Posts outstanding when their sender lost its connection: their echo cannot come.</summary>
    public long Abandoned;
    /// <summary>Posts not sent because the chosen sender was reconnecting.</summary>
    public long Unsent;
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private HistogramBase? _recycleConnect, _recycleDelivery, _recycleFanout, _recycleHistory, _recycleHistoryInfo, _recycleRecovery;

    private static Recorder NewRecorder() => HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1).WithValuesUpTo(MaxMicros).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    /// <summary>Microseconds between two <see cref="Stopwatch.GetTimestamp"/> readings, clamped to the histogram range.</summary>
    public static long Micros(long fromTicks, long toTicks)
    {
        long us = (long)((toTicks - fromTicks) / TicksPerMicro);
        return us < 1 ? 1 : us > MaxMicros ? MaxMicros : us;
    }

    public void Error(string cause) => _errors.AddOrUpdate(cause, 1, static (_, n) => n + 1);

    /// <summary>Errors so far by cause (without taking an interval: the histograms stay for the reporter).</summary>
    public Dictionary<string, long> ErrorCounts() => new(_errors, StringComparer.Ordinal);

    /// <summary>Sets <paramref name="field"/> to <paramref name="ticks"/> if it is still 0.</summary>
    public static void First(ref long field, long ticks)
    {
        if (Volatile.Read(ref field) == 0) Interlocked.CompareExchange(ref field, ticks, 0);
    }

    /// <summary>Raises <paramref name="field"/> to <paramref name="ticks"/>.</summary>
    public static void Last(ref long field, long ticks)
    {
        long seen;
        while ((seen = Volatile.Read(ref field)) < ticks && Interlocked.CompareExchange(ref field, ticks, seen) != seen) { }
    }

    public IntervalSnapshot TakeInterval(int index, double seconds)
    {
        return new IntervalSnapshot
        {
            Index = index,
            Seconds = seconds,
            Ticks = Stopwatch.GetTimestamp(),
            ConnectAttempts = Interlocked.Read(ref ConnectAttempts),
            Connected = Interlocked.Read(ref Connected),
            ConnectFailed = Interlocked.Read(ref ConnectFailed),
            Open = Interlocked.Read(ref Open),
            Disconnects = Interlocked.Read(ref Disconnects),
            Closed = Interlocked.Read(ref Closed),
            Sent = Interlocked.Read(ref Sent),
            Echoed = Interlocked.Read(ref Echoed),
            Delivered = Interlocked.Read(ref Delivered),
            Duplicates = Interlocked.Read(ref Duplicates),
            Gaps = Interlocked.Read(ref Gaps),
            JoinedSeen = Interlocked.Read(ref JoinedSeen),
            LeftSeen = Interlocked.Read(ref LeftSeen),
            Pongs = Interlocked.Read(ref Pongs),
            ServerErrors = Interlocked.Read(ref ServerErrors),
            HistoryDone = Interlocked.Read(ref HistoryDone),
            HistoryPosts = Interlocked.Read(ref HistoryPosts),
            FirstDeliveryTicks = Interlocked.Read(ref FirstDeliveryTicks),
            LastDeliveryTicks = Interlocked.Read(ref LastDeliveryTicks),
            ClientsLost = Interlocked.Read(ref ClientsLost),
            Reconnecting = Interlocked.Read(ref Reconnecting),
            ReconnectAttempts = Interlocked.Read(ref ReconnectAttempts),
            Reconnects = Interlocked.Read(ref Reconnects),
            ReconnectFailed = Interlocked.Read(ref ReconnectFailed),
            FirstLossTicks = Interlocked.Read(ref FirstLossTicks),
            LastReconnectTicks = Interlocked.Read(ref LastReconnectTicks),
            Abandoned = Interlocked.Read(ref Abandoned),
            Unsent = Interlocked.Read(ref Unsent),
            Nodes = Nodes.Length == 1 ? [Nodes[0].Take() with { Delivered = Interlocked.Read(ref Delivered) }] : Nodes.Select(n => n.Take()).ToArray(),
            Errors = new Dictionary<string, long>(_errors, StringComparer.Ordinal),
            ConnectUs = Take(Connect, ref _recycleConnect),
            DeliveryUs = Take(Delivery, ref _recycleDelivery),
            FanoutUs = Take(Fanout, ref _recycleFanout),
            HistoryUs = Take(History, ref _recycleHistory),
            HistoryInfoUs = Take(HistoryInfo, ref _recycleHistoryInfo),
            RecoveryUs = Take(Recovery, ref _recycleRecovery),
        };
    }

    private static long[] Take(Recorder recorder, ref HistogramBase? recycle)
    {
        var h = recorder.GetIntervalHistogram(recycle);
        recycle = h;
        return HistogramCodec.Flatten(h);
    }
}

/// <summary>Histograms travel between processes as flat [value, count, value, count, ...] arrays.</summary>
internal static class HistogramCodec
{
    public static LongHistogram NewTotal() => new(1, LoadMetrics.MaxMicros, 3);

    public static long[] Flatten(HistogramBase h)
    {
        if (h.TotalCount == 0) return [];
        var list = new List<long>();
        foreach (var v in h.RecordedValues())
        {
            list.Add(v.ValueIteratedTo);
            list.Add(v.CountAtValueIteratedTo);
        }
        return list.ToArray();
    }

    public static void AddInto(HistogramBase target, long[]? flat)
    {
        if (flat == null) return;
        for (int i = 0; i + 1 < flat.Length; i += 2) target.RecordValueWithCount(flat[i], flat[i + 1]);
    }
}
