using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace Instant.Load.Metrics;

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
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private HistogramBase? _recycleConnect, _recycleDelivery, _recycleFanout, _recycleHistory;

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

    public IntervalSnapshot TakeInterval(int index, double seconds)
    {
        return new IntervalSnapshot
        {
            Index = index,
            Seconds = seconds,
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
            Errors = new Dictionary<string, long>(_errors, StringComparer.Ordinal),
            ConnectUs = Take(Connect, ref _recycleConnect),
            DeliveryUs = Take(Delivery, ref _recycleDelivery),
            FanoutUs = Take(Fanout, ref _recycleFanout),
            HistoryUs = Take(History, ref _recycleHistory),
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
