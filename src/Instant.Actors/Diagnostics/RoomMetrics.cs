using System.Diagnostics.Metrics;

namespace Instant.Actors.Diagnostics;

/// <summary>The meter <c>Instant.Rooms</c>: the rooms alive in this process (in a cluster, the room entities this node hosts).</summary>
public sealed class RoomMetrics : IDisposable
{
    public const string MeterName = "Instant.Rooms";

    private readonly Meter _meter;
    private long _alive;

    public RoomMetrics()
    {
        _meter = new Meter(MeterName);
        _meter.CreateObservableUpDownCounter("instant.rooms.alive", () => Alive, "{room}", "Rooms alive in this process");
    }

    public Meter Meter => _meter;

    public long Alive => Interlocked.Read(ref _alive);

    public void RoomStarted() => Interlocked.Increment(ref _alive);

    public void RoomStopped() => Interlocked.Decrement(ref _alive);

    public void Dispose() => _meter.Dispose();
}
