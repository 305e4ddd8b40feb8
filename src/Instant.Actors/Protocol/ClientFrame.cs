namespace Instant.Actors.Protocol;

/// <summary>
/// A client-to-server frame with the envelope members the server acts on. <see cref="Seq"/>
/// and <see cref="Data"/> are raw JSON slices of the received frame, never re-serialized.
/// </summary>
public sealed record ClientFrame(string? Type, ReadOnlyMemory<byte> Seq, string? To, ReadOnlyMemory<byte> Data)
    : Akka.Actor.INoSerializationVerificationNeeded;
