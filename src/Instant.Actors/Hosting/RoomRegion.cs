namespace Instant.Actors.Hosting;

/// <summary>
/// The ActorRegistry key of the room lookup seam: the actor to which every
/// <see cref="Rooms.IRoomCommand"/> is sent, a local registry or a sharding region.
/// </summary>
public sealed class RoomRegion
{
    private RoomRegion()
    {
    }
}
