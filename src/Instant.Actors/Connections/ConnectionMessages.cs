using Akka.Actor;
using Instant.Actors.Protocol;

namespace Instant.Actors.Connections;

/// <summary>
/// An encoded frame for this connection's client, shared by all recipients of a relay; counted
/// in <see cref="Diagnostics.ConnectionMetrics"/> by whoever made it. <paramref name="RelayedAt"/>
/// is the relay's <see cref="System.Diagnostics.Stopwatch"/> timestamp, or 0 when not timed.
/// </summary>
/// <remarks>Messages of this file stay in their process (no cluster form).</remarks>
public sealed record Deliver(byte[] Frame, long RelayedAt = 0) : INoSerializationVerificationNeeded;

/// <summary>
/// Several encoded frames for this connection's client, in order (a burst of presence changes
/// coalesced by its room): one message to the connection instead of one per frame.
/// </summary>
public sealed record DeliverFrames(IReadOnlyList<byte[]> Frames) : INoSerializationVerificationNeeded;

/// <summary>
/// The room's answer to this connection's <c>who</c>: its participant list as encoded JSON,
/// which the connection wraps with the request's <paramref name="Seq"/> (see <see cref="Rooms.RelayWhoTo"/>).
/// </summary>
public sealed record WhoAnswer(ReadOnlyMemory<byte> Seq, long Timestamp, byte[] Participants) : INoSerializationVerificationNeeded;

/// <summary>A frame from the client that the codec refused (not text, not JSON, too large).</summary>
public sealed record FrameRejected(ProtocolError Error, long? MaxSize = null) : INoSerializationVerificationNeeded;

/// <summary>The socket has closed (by the client, or after an error); the connection ends.</summary>
public sealed record SocketClosed(string Reason) : INoSerializationVerificationNeeded
{
    public static readonly SocketClosed ByClient = new("closed by client");
}

/// <summary>Checks whether the client's promised ping deadline has passed.</summary>
internal sealed record CheckPingDeadline(long Deadline) : INoSerializationVerificationNeeded;

/// <summary>The room has not answered this connection's <c>who</c> in time (a lost message): ask again.</summary>
internal sealed record WhoOverdue(long Asked) : INoSerializationVerificationNeeded;

/// <summary>Close this connection from the server side (shutdown, the backend console).</summary>
public sealed record CloseConnection(ConnectionCloseReason Reason) : INoSerializationVerificationNeeded;
