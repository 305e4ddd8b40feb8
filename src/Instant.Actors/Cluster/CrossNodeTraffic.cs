using System.Diagnostics.Metrics;

namespace Instant.Actors.Cluster;

/// <summary>
/// The meter <c>Instant.Cluster</c>. Counts the messages rooms send to relays on other nodes: one
/// per node with members for each broadcast, never one per recipient, published as the counter
/// <c>instant.cluster.relay.messages</c>; in cluster mode also the members this node sees up and
/// unreachable (<see cref="WatchMembership"/>).
/// </summary>
public sealed class CrossNodeTraffic : IDisposable
{
    private readonly Meter _meter;
    private long _messages;

    public CrossNodeTraffic()
    {
        _meter = new Meter(MeterName);
        _meter.CreateObservableCounter("instant.cluster.relay.messages", () => Interlocked.Read(ref _messages),
            description: "Messages from rooms to relays on other nodes");
    }

    public const string MeterName = "Instant.Cluster";

    public Meter Meter => _meter;

    /// <summary>Messages sent by rooms of this process to relays on other nodes so far.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    public void Count() => Interlocked.Increment(ref _messages);

    /// <summary>
    /// Publishes <c>instant.cluster.members</c> (members this node sees, by status: up, joining,
    /// leaving, exiting, down, other) and <c>instant.cluster.unreachable</c>, read from Akka's
    /// cluster state only when a listener collects.
    /// </summary>
    public void WatchMembership(Akka.Cluster.Cluster cluster)
    {
        _meter.CreateObservableUpDownCounter("instant.cluster.members", () => Members(cluster), "{node}", "Cluster members this node sees, by status");
        _meter.CreateObservableUpDownCounter("instant.cluster.unreachable", () => cluster.State.Unreachable.Count, "{node}", "Cluster members this node finds unreachable");
    }

    private static IEnumerable<Measurement<int>> Members(Akka.Cluster.Cluster cluster)
    {
        var counts = new Dictionary<string, int> { ["up"] = 0, ["joining"] = 0, ["leaving"] = 0, ["exiting"] = 0, ["down"] = 0, ["other"] = 0 };
        foreach (var member in cluster.State.Members)
        {
            string status = member.Status switch
            {
                Akka.Cluster.MemberStatus.Up => "up",
                Akka.Cluster.MemberStatus.Joining or Akka.Cluster.MemberStatus.WeaklyUp => "joining",
                Akka.Cluster.MemberStatus.Leaving => "leaving",
                Akka.Cluster.MemberStatus.Exiting => "exiting",
                Akka.Cluster.MemberStatus.Down => "down",
                _ => "other",
            };
            counts[status]++;
        }

        return counts.Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>("status", c.Key))).ToArray();
    }

    public void Dispose() => _meter.Dispose();
}
