using System.Diagnostics;
using System.Diagnostics.Metrics;
using Instant.Actors.Connections;
using Instant.Actors.Protocol;
using Instant.Protocol;

namespace Instant.Actors.Diagnostics;

/// <summary>
/// The meter <c>Instant.Connections</c>: connections, messages in and out by type, bytes out,
/// outbox overflows, rate-limited and oversized frames, and the relay latency. Counts are plain
/// interlocked longs read by observable instruments only when a listener (the /metrics exporter,
/// dotnet-counters) collects, so the relay path pays one atomic add per fan-out, not per
/// recipient, and nothing for tags. Labels are bounded: a message type, a close reason.
/// </summary>
public sealed class ConnectionMetrics : IDisposable
{
    public const string MeterName = "Instant.Connections";

    /// <summary>Relay latencies are sampled: one flush in this many per connection is timed.</summary>
    public const int LatencySampleEvery = 16;

    private static readonly string[] InTypes = ["ping", "broadcast", "who", "unicast", "other"];
    private static readonly string[] OutTypes = ["identity", "joined", "left", "pong", "who", "broadcast", "unicast", "response", "error", "other"];
    private static readonly string[] CloseReasons = ["client", "server_shutdown", "outbox_overflow", "ping_timeout", "internal_error", "disconnected"];

    private readonly Meter _meter;
    private readonly Histogram<double> _relayLatency;
    private readonly long[] _in = new long[InTypes.Length];
    private readonly long[] _out = new long[OutTypes.Length];
    private readonly long[] _closed = new long[CloseReasons.Length];
    private long _opened;
    private long _bytesOut;
    private long _overflows;
    private long _rateLimited;
    private long _tooLarge;

    public ConnectionMetrics()
    {
        _meter = new Meter(MeterName);
        _meter.CreateObservableUpDownCounter("instant.connections.open", () => Open, "{connection}", "Connections open now");
        _meter.CreateObservableCounter("instant.connections.opened", () => Interlocked.Read(ref _opened), "{connection}", "Connections opened");
        _meter.CreateObservableCounter("instant.connections.closed", () => Tagged(_closed, CloseReasons, "reason"), "{connection}", "Connections closed, by reason");
        _meter.CreateObservableCounter("instant.messages.in", () => Tagged(_in, InTypes, "type"), "{message}", "Client messages received, by type");
        _meter.CreateObservableCounter("instant.messages.out", () => Tagged(_out, OutTypes, "type"), "{message}", "Frames queued to clients, by type");
        _meter.CreateObservableCounter("instant.messages.out.bytes", () => Interlocked.Read(ref _bytesOut), "By", "Bytes of frames queued to clients (payload, without WebSocket headers)");
        _meter.CreateObservableCounter("instant.outbox.overflows", () => Interlocked.Read(ref _overflows), "{connection}", "Connections closed because their reader fell behind");
        _meter.CreateObservableCounter("instant.messages.rate_limited", () => Interlocked.Read(ref _rateLimited), "{message}", "Client messages refused by the rate limit");
        _meter.CreateObservableCounter("instant.frames.too_large", () => Interlocked.Read(ref _tooLarge), "{frame}", "Client frames refused as larger than instant.ws.maxFrameSize");
        _relayLatency = _meter.CreateHistogram(
            "instant.relay.latency", "s", "Time from a room's frame reaching this node's relay to its write to a client socket (sampled)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
    }

    /// <summary>The meter (a host's exporter reads its own meters only: several servers may share a process).</summary>
    public Meter Meter => _meter;

    /// <summary>Connections open now.</summary>
    public long Open => Interlocked.Read(ref _opened) - _closed.Sum(c => Interlocked.Read(ref c));

    public long Opened => Interlocked.Read(ref _opened);

    public long Overflows => Interlocked.Read(ref _overflows);

    /// <summary>Whether anyone collects the relay latency (so that a sink need not read the clock).</summary>
    public bool TimingRelays => _relayLatency.Enabled;

    public void ConnectionOpened() => Interlocked.Increment(ref _opened);

    public void ConnectionClosed(ConnectionEnd end)
    {
        Interlocked.Increment(ref _closed[(int)end]);
        if (end == ConnectionEnd.OutboxOverflow)
        {
            Interlocked.Increment(ref _overflows);
        }
    }

    public void MessageIn(string? type) => Interlocked.Increment(ref _in[type switch
    {
        MessageTypes.Ping => 0,
        MessageTypes.Broadcast => 1,
        MessageTypes.Who => 2,
        MessageTypes.Unicast => 3,
        _ => 4,
    }]);

    /// <summary>One encoded frame queued to <paramref name="recipients"/> clients.</summary>
    public void FramesOut(byte[] frame, int recipients = 1)
    {
        if (recipients <= 0)
        {
            return;
        }

        Interlocked.Add(ref _out[OutTypeOf(frame)], recipients);
        Interlocked.Add(ref _bytesOut, (long)frame.Length * recipients);
    }

    public void RateLimited() => Interlocked.Increment(ref _rateLimited);

    public void FrameTooLarge() => Interlocked.Increment(ref _tooLarge);

    /// <summary>Records one relay latency from a <see cref="Stopwatch.GetTimestamp"/> stamp.</summary>
    public void RelayWritten(long relayedAt) => _relayLatency.Record(Stopwatch.GetElapsedTime(relayedAt).TotalSeconds);

    /// <summary>
    /// Every server frame starts <c>{"type":"</c> (<see cref="ServerFrames"/>), and the types'
    /// first letters differ: one byte names the type without parsing.
    /// </summary>
    internal static int OutTypeOf(byte[] frame) => frame.Length < 10 ? 9 : frame[9] switch
    {
        (byte)'i' => 0,
        (byte)'j' => 1,
        (byte)'l' => 2,
        (byte)'p' => 3,
        (byte)'w' => 4,
        (byte)'b' => 5,
        (byte)'u' => 6,
        (byte)'r' => 7,
        (byte)'e' => 8,
        _ => 9,
    };

    /// <summary>The counts as <c>name{label}</c> and value, for the backend console's <c>counters</c>.</summary>
    public IEnumerable<(string Name, long Value)> Counts()
    {
        yield return ("instant.connections.open", Open);
        yield return ("instant.connections.opened", Opened);
        for (int i = 0; i < CloseReasons.Length; i++)
        {
            yield return ($"instant.connections.closed{{reason={CloseReasons[i]}}}", Interlocked.Read(ref _closed[i]));
        }

        for (int i = 0; i < InTypes.Length; i++)
        {
            yield return ($"instant.messages.in{{type={InTypes[i]}}}", Interlocked.Read(ref _in[i]));
        }

        for (int i = 0; i < OutTypes.Length; i++)
        {
            yield return ($"instant.messages.out{{type={OutTypes[i]}}}", Interlocked.Read(ref _out[i]));
        }

        yield return ("instant.messages.out.bytes", Interlocked.Read(ref _bytesOut));
        yield return ("instant.outbox.overflows", Overflows);
        yield return ("instant.messages.rate_limited", Interlocked.Read(ref _rateLimited));
        yield return ("instant.frames.too_large", Interlocked.Read(ref _tooLarge));
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> Tagged(long[] counts, string[] names, string label)
    {
        var measurements = new Measurement<long>[counts.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            measurements[i] = new Measurement<long>(Interlocked.Read(ref counts[i]), new KeyValuePair<string, object?>(label, names[i]));
        }

        return measurements;
    }
}

/// <summary>Why a connection ended, as counted by <see cref="ConnectionMetrics"/> (the <c>reason</c> label).</summary>
public enum ConnectionEnd
{
    Client,
    ServerShutdown,
    OutboxOverflow,
    PingTimeout,
    InternalError,
    Disconnected,
}
