namespace Instant.Actors.Rooms;

/// <summary>
/// Sent by an idle room to its parent: stop me with <paramref name="StopMessage"/> once the
/// messages already routed to me are handled, and start me again if more arrive.
/// </summary>
public sealed record PassivateRoom(object StopMessage);
