using Instant.Actors.Cluster;
using Instant.Actors.Diagnostics;
using Instant.Actors.Identity;

namespace Instant.Actors.Rooms;

/// <summary>
/// What rooms need from the process: ids, time, how long an empty room lingers, whether it runs
/// in a cluster (relays then keep rosters), and the count of messages sent to other nodes.
/// </summary>
public sealed record RoomServices(IdGenerator Ids, TimeProvider Time, TimeSpan IdleTimeout)
{
    public bool Clustered { get; init; }

    public CrossNodeTraffic Traffic { get; init; } = new();

    public RoomMetrics Metrics { get; init; } = new();
}
