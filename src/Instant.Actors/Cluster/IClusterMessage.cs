namespace Instant.Actors.Cluster;

/// <summary>
/// A message that may cross from one node to another. Each one has a binary form in
/// <see cref="ClusterMessageSerializer"/>; everything else is meant to stay in its process.
/// </summary>
public interface IClusterMessage
{
}
