using System.Collections.Concurrent;
using Akka.Actor;

namespace Instant.Actors.Connections;

/// <summary>
/// Every connection of this process by participant id, for the room-less <c>/api/ws</c>
/// endpoint, whose unicasts may address any participant (as in the original server).
/// </summary>
public sealed class ParticipantDirectory
{
    private readonly ConcurrentDictionary<long, IActorRef> _connections = new();

    public int Count => _connections.Count;

    public void Add(long id, IActorRef connection) => _connections[id] = connection;

    public void Remove(long id) => _connections.TryRemove(id, out _);

    public IActorRef? Find(long id) => _connections.TryGetValue(id, out var c) ? c : null;

    /// <summary>Sends <paramref name="message"/> to every connection (e.g. to close them all at shutdown).</summary>
    public void TellAll(object message)
    {
        foreach (var connection in _connections.Values)
        {
            connection.Tell(message);
        }
    }
}
