namespace Scribe.Actors.Hosting;

/// <summary>Scribe messages that cross nodes; each has a binary form in <see cref="ScribeClusterSerializer"/>.</summary>
public interface IScribeClusterMessage;

/// <summary>
/// Starts a room's Scribe entity where the region places it, or does nothing if it runs:
/// every node's <see cref="ScribeKeeperActor"/> sends it for each configured room, again and again.
/// </summary>
public sealed record EnsureScribe(string Room) : IScribeClusterMessage;

/// <summary>
/// Stops a Scribe entity in order (hand-off, shutdown): its Scribe stores what it holds, then
/// the journal actor goes. Local only: the shard sends it to its own entities.
/// </summary>
public sealed record StopScribe
{
    public static readonly StopScribe Instance = new();
}
