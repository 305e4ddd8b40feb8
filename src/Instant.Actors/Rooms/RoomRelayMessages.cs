using Akka.Actor;
using Instant.Actors.Cluster;
using Instant.Actors.Protocol;

namespace Instant.Actors.Rooms;

/// <summary>
/// The room answers a relay's first message (and a <see cref="ReattachMembers"/>): this is the
/// room, watch it. In a cluster a <see cref="RelayRoster"/> follows with everyone already in.
/// </summary>
public sealed record RelayAttached(string Room) : IClusterMessage;

/// <summary>
/// Who is in the room and on which node, for a relay that just attached (in pages, so no
/// message nears the remote frame limit): when a node is lost, each relay tells its own
/// participants who left with it. <paramref name="NodeOf"/> indexes <paramref name="Nodes"/>.
/// </summary>
public sealed record RelayRoster(IReadOnlyList<string> Nodes, IReadOnlyList<long> Ids, IReadOnlyList<int> NodeOf) : IClusterMessage;

/// <summary>
/// A broadcast for every participant of the relay's node; <paramref name="MessageId"/> is its id.
/// On the sender's node <see cref="Response"/> goes to participant <see cref="ResponseTo"/> first.
/// </summary>
public sealed record RelayFrame(byte[] Frame, long MessageId) : IClusterMessage
{
    public long ResponseTo { get; init; }

    public byte[]? Response { get; init; }
}

/// <summary>A frame for one participant of the relay's node; an empty one confirms its unannounced join.</summary>
public sealed record RelayFrameTo(long Id, byte[] Frame) : IClusterMessage;

/// <summary>
/// The answer to participant <paramref name="Id"/>'s <c>who</c>: the room's
/// <paramref name="Participants"/> (a <see cref="ServerFrames.ParticipantList"/>, the same array
/// for every asker until membership changes). The asker's connection builds the frame, so a
/// flood of <c>who</c> costs the room one message each, not one encoding of the room each.
/// </summary>
public sealed record RelayWhoTo(long Id, ReadOnlyMemory<byte> Seq, long Timestamp, byte[] Participants) : IClusterMessage;

/// <summary>
/// Presence changes, in the order the room saw them, for every participant of the relay's node:
/// the room coalesces the joins and leaves that reached it together (a join storm) into one
/// message per relay, and the relay hands each connection its frames in one message.
/// </summary>
public sealed record RelayPresence(IReadOnlyList<PresenceChange> Changes) : IClusterMessage
{
    public RelayPresence(byte[] frame, long id, string? node)
        : this([new PresenceChange(frame, id, node)])
    {
    }
}

/// <summary>
/// A <c>joined</c> (<paramref name="Node"/> is the newcomer's node address) or <c>left</c>
/// (<paramref name="Node"/> is null) frame. A <c>joined</c> also tells the newcomer's own relay
/// that the room has it.
/// </summary>
public readonly record struct PresenceChange(byte[] Frame, long Id, string? Node);

/// <summary>From the relay parent: a cluster node is gone, and with it its participants.</summary>
public sealed record NodeGone(Address Node) : INoSerializationVerificationNeeded;

/// <summary>Sent by a relay to itself while its room has not confirmed a <see cref="ReattachMembers"/>.</summary>
internal sealed record RetryReattach : INoSerializationVerificationNeeded
{
    public static readonly RetryReattach Instance = new();
}
