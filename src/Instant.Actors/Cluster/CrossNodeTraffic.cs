using System.Diagnostics.Metrics;

namespace Instant.Actors.Cluster;

/// <summary>
/// Counts the messages rooms send to relays on other nodes: one per node with members for each
/// broadcast, never one per recipient. Published as the counter
/// <c>instant.cluster.relay.messages</c> of the meter <c>Instant.Cluster</c> (dotnet-counters).
/// </summary>
public sealed class CrossNodeTraffic : IDisposable
{
    private readonly Meter _meter;
    private long _messages;

    public CrossNodeTraffic()
    {
        _meter = new Meter("Instant.Cluster");
        _meter.CreateObservableCounter("instant.cluster.relay.messages", () => Interlocked.Read(ref _messages),
            description: "Messages from rooms to relays on other nodes");
    }

    /// <summary>Messages sent by rooms of this process to relays on other nodes so far.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    public void Count() => Interlocked.Increment(ref _messages);

    public void Dispose() => _meter.Dispose();
}
