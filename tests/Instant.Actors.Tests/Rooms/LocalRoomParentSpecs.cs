using Akka.Actor;
using Akka.TestKit.Xunit2;
using Instant.Actors.Connections;
using Instant.Actors.Identity;
using Instant.Actors.Rooms;
using Xunit;

namespace Instant.Actors.Tests.Rooms;

public class LocalRoomParentSpecs : TestKit
{
    /// <summary>Rooms under a local parent (named <paramref name="name"/>), reached through a node's relays.</summary>
    private IActorRef Rooms(RoomServices services, string? name = null)
    {
        var props = LocalEntityParent.Props(room => RoomActor.Props(room, services), new RoomMessageExtractor());
        var rooms = name is null ? Sys.ActorOf(props) : Sys.ActorOf(props, name);
        return Sys.ActorOf(RoomRelaysActor.Props(new RoomRelayServices(rooms, TimeProvider.System, Clustered: false)));
    }

    private static RoomServices Services(TimeSpan idle) => new(new IdGenerator(TimeProvider.System), TimeProvider.System, idle);

    [Fact]
    public void Messages_for_one_room_reach_the_same_room_and_rooms_are_apart()
    {
        var registry = Rooms(Services(TimeSpan.FromHours(1)));
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        var elsewhere = CreateTestProbe();

        registry.Tell(new JoinRoom("x", 1, "ua", a, true));
        registry.Tell(new JoinRoom("x", 2, "ub", b, true));
        registry.Tell(new JoinRoom("y", 3, "uc", elsewhere, true));
        a.ExpectFrames(2);
        b.ExpectFrames(1);
        elsewhere.ExpectMsg<Deliver>();
        registry.Tell(new BroadcastToRoom("x", 1, default, "1"u8.ToArray()));

        a.ExpectMsg<Deliver>();
        a.ExpectMsg<Deliver>();
        b.ExpectMsg<Deliver>();
        elsewhere.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void An_idle_empty_room_stops_and_comes_back_on_demand()
    {
        var registry = Rooms(Services(TimeSpan.FromMilliseconds(300)), "registry");
        var a = CreateTestProbe();
        registry.Tell(new JoinRoom("idle", 1, "ua", a, true));
        a.ExpectMsg<Deliver>();
        var room = Sys.ActorSelection("/user/registry/idle").ResolveOne(TimeSpan.FromSeconds(3)).Result;
        Watch(room);

        registry.Tell(new LeaveRoom("idle", 1));

        ExpectTerminated(room, TimeSpan.FromSeconds(5));
        var b = CreateTestProbe();
        registry.Tell(new JoinRoom("idle", 2, "ub", b, true));
        b.ExpectMsg<Deliver>();
    }

    [Fact]
    public void A_room_with_participants_is_not_passivated()
    {
        var registry = Rooms(Services(TimeSpan.FromMilliseconds(200)), "busy");
        var a = CreateTestProbe();
        registry.Tell(new JoinRoom("kept", 1, "ua", a, true));
        a.ExpectMsg<Deliver>();
        var room = Sys.ActorSelection("/user/busy/kept").ResolveOne(TimeSpan.FromSeconds(3)).Result;
        Watch(room);

        ExpectNoMsg(TimeSpan.FromSeconds(1));
        registry.Tell(new WhoInRoom("kept", 1, default));
        a.ExpectMsg<WhoAnswer>();
    }
}
