using System.Collections.Concurrent;
using Akka.Actor;

namespace Instant.Actors.Connections;

/// <summary>
/// Every connection of this process by participant id, with its room, for the room-less
/// <c>/api/ws</c> endpoint, whose unicasts may address any participant (as in the original
/// server), and for the backend console.
/// </summary>
public sealed class ParticipantDirectory
{
    private readonly ConcurrentDictionary<long, Entry> _connections = new();

    public int Count => _connections.Count;

    public void Add(long id, IActorRef connection, string? room = null) => _connections[id] = new Entry(connection, room);

    public void Remove(long id) => _connections.TryRemove(id, out _);

    public IActorRef? Find(long id) => _connections.TryGetValue(id, out var c) ? c.Connection : null;

    /// <summary>A snapshot of the participants of this process and their rooms (null: not given).</summary>
    public List<(long Id, string? Room)> Participants() => _connections.Select(c => (c.Key, c.Value.Room)).ToList();

    /// <summary>Sends <paramref name="message"/> to every connection (e.g. to close them all at shutdown).</summary>
    public void TellAll(object message)
    {
        foreach (var entry in _connections.Values)
        {
            entry.Connection.Tell(message);
        }
    }

    private readonly record struct Entry(IActorRef Connection, string? Room);
}
