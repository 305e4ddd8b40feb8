using Instant.Actors.Identity;

namespace Instant.Actors.Rooms;

/// <summary>What rooms need from the process: ids, time, and how long an empty room lingers.</summary>
public sealed record RoomServices(IdGenerator Ids, TimeProvider Time, TimeSpan IdleTimeout);
