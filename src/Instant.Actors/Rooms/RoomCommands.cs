using Akka.Actor;
using Instant.Actors.Cluster;

namespace Instant.Actors.Rooms;

/// <summary>
/// A message for one room, routed by <see cref="Room"/>: a connection sends it to its node's
/// <see cref="RoomRelayActor"/>, which passes it on to the room through the room lookup seam
/// (a local parent or a Cluster Sharding region, both fed by <see cref="RoomMessageExtractor"/>).
/// </summary>
public interface IRoomCommand
{
    string Room { get; }
}

/// <summary>
/// A connection enters the room through its node's relay. With <paramref name="Announce"/>,
/// everyone (the newcomer too) gets <c>joined</c>. Stays on its node: the room sees <see cref="AttachMember"/>.
/// </summary>
public sealed record JoinRoom(string Room, long Id, string Uuid, IActorRef Connection, bool Announce)
    : IRoomCommand, INoSerializationVerificationNeeded;

/// <summary>A participant leaves; the others get <c>left</c> if its join was announced.</summary>
public sealed record LeaveRoom(string Room, long Id) : IRoomCommand, IClusterMessage;

/// <summary>Relay <paramref name="Data"/> to every participant; the sender gets a <c>response</c> first.</summary>
public sealed record BroadcastToRoom(string Room, long From, ReadOnlyMemory<byte> Seq, ReadOnlyMemory<byte> Data) : IRoomCommand, IClusterMessage;

/// <summary>Relay <paramref name="Data"/> to participant <paramref name="To"/> of the room, or answer <c>NO_PARTICIPANT</c>.</summary>
public sealed record UnicastInRoom(string Room, long From, ReadOnlyMemory<byte> Seq, string? To, ReadOnlyMemory<byte> Data) : IRoomCommand, IClusterMessage;

/// <summary>List the participants to <paramref name="From"/>.</summary>
public sealed record WhoInRoom(string Room, long From, ReadOnlyMemory<byte> Seq) : IRoomCommand, IClusterMessage;

/// <summary>
/// A relay tells the room that participant <paramref name="Id"/> of its node joined; the relay
/// is the message's sender, and frames for the participant go through it.
/// </summary>
public sealed record AttachMember(string Room, long Id, string Uuid, bool Announce) : IRoomCommand, IClusterMessage;

/// <summary>
/// A relay whose room ended (its node was lost, or its shard moved) gives the room's next
/// incarnation the participants of its node, already announced, and the newest message id it
/// relayed, so that ids keep increasing. Nothing is announced.
/// </summary>
public sealed record ReattachMembers(string Room, IReadOnlyList<RoomMember> Members, long LastMessageId) : IRoomCommand, IClusterMessage;

/// <summary>A participant as a relay reports it to a room.</summary>
public readonly record struct RoomMember(long Id, string Uuid);

/// <summary>The room names of the protocol, and the name of the room-less API group.</summary>
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
