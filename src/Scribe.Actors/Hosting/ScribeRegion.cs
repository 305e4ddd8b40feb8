namespace Scribe.Actors.Hosting;

/// <summary>
/// The ActorRegistry key of the room Scribes' entity region: a Cluster Sharding region in a
/// cluster, a <c>LocalEntityParent</c> in one process. <see cref="EnsureScribe"/> goes there.
/// </summary>
public sealed class ScribeRegion
{
    private ScribeRegion()
    {
    }
}
