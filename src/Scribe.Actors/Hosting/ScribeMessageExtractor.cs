using Akka.Cluster.Sharding;

namespace Scribe.Actors.Hosting;

/// <summary>
/// Routes <see cref="EnsureScribe"/> by room: the entity id is the room name. The one extractor
/// of both modes, for the Cluster Sharding region and for the local entity parent.
/// </summary>
public sealed class ScribeMessageExtractor : HashCodeMessageExtractor
{
    /// <summary>Few Scribes per cluster (one per configured room). Never change it in a live cluster.</summary>
    public const int ShardCount = 20;

    public ScribeMessageExtractor()
        : base(ShardCount)
    {
    }

    public override string? EntityId(object message) => (message as EnsureScribe)?.Room;
}
