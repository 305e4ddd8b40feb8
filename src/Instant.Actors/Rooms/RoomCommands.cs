using Akka.Actor;

namespace Instant.Actors.Rooms;

/// <summary>
/// A message for one room, routed by <see cref="Room"/> through the room lookup seam: a local
/// <see cref="RoomRegistryActor"/> or a Cluster Sharding region with the same extractor.
/// </summary>
public interface IRoomCommand
{
    string Room { get; }
}

/// <summary>A participant enters the room. With <paramref name="Announce"/>, everyone (the newcomer too) gets <c>joined</c>.</summary>
public sealed record JoinRoom(string Room, long Id, string Uuid, IActorRef Connection, bool Announce) : IRoomCommand;

/// <summary>A participant leaves; the others get <c>left</c> if its join was announced.</summary>
public sealed record LeaveRoom(string Room, long Id) : IRoomCommand;

/// <summary>Relay <paramref name="Data"/> to every participant; the sender gets a <c>response</c> first.</summary>
public sealed record BroadcastToRoom(string Room, long From, ReadOnlyMemory<byte> Seq, ReadOnlyMemory<byte> Data) : IRoomCommand;

/// <summary>Relay <paramref name="Data"/> to participant <paramref name="To"/> of the room, or answer <c>NO_PARTICIPANT</c>.</summary>
public sealed record UnicastInRoom(string Room, long From, ReadOnlyMemory<byte> Seq, string? To, ReadOnlyMemory<byte> Data) : IRoomCommand;

/// <summary>List the participants to <paramref name="From"/>.</summary>
public sealed record WhoInRoom(string Room, long From, ReadOnlyMemory<byte> Seq) : IRoomCommand;

/// <summary>The room names of PROTOCOL.md section 1, and the name of the room-less API group.</summary>
public static class RoomNames
{
    /// <summary>The group of <c>/api/ws</c> connections; no URL room name can equal it.</summary>
    public const string Api = "/api";

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || !char.IsAsciiLetter(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}
