using Akka.Cluster.Sharding;

namespace Instant.Actors.Rooms;

/// <summary>
/// Routes every <see cref="IRoomCommand"/> by its room name. The one extractor of both modes: it
/// feeds the Cluster Sharding region in a cluster, and <see cref="LocalEntityParent"/> (rooms in
/// one process, and each node's relays) otherwise.
/// </summary>
public sealed class RoomMessageExtractor : HashCodeMessageExtractor
{
    /// <summary>Shards per cluster: about ten per node of the largest cluster we plan for. Never change it in a live cluster.</summary>
    public const int ShardCount = 100;

    public RoomMessageExtractor()
        : base(ShardCount)
    {
    }

    public override string? EntityId(object message) => (message as IRoomCommand)?.Room;
}
