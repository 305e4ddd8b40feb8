using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Instant.Actors.Connections;
using Instant.Actors.Identity;
using Instant.Actors.Rooms;
using Xunit;

namespace Instant.Actors.Tests.Cluster;

/// <summary>
/// A room and its relay with <c>serialize-messages</c> on: every message between them goes
/// through its serializer as if it crossed nodes, so one that has no cluster form (or is not
/// marked as staying in its process) fails here.
/// </summary>
public class SerializedRoomSpecs : TestKit
{
    public SerializedRoomSpecs()
        : base(ClusterSerialization.Bound("serialize-messages = on"))
    {
    }

    [Fact]
    public void Joins_posts_unicasts_who_and_leaves_all_serialize()
    {
        var services = new RoomServices(new IdGenerator(TimeProvider.System), TimeProvider.System, TimeSpan.FromHours(1)) { Clustered = true };
        var rooms = Sys.ActorOf(LocalEntityParent.Props(name => RoomActor.Props(name, services), new RoomMessageExtractor()));
        var relays = Sys.ActorOf(RoomRelaysActor.Props(new RoomRelayServices(rooms, TimeProvider.System, Clustered: false)));
        var a = CreateTestProbe();
        var b = CreateTestProbe();

        relays.Tell(new JoinRoom("s", 1, "ua", a, true));
        Assert.Equal("joined", Type(a));
        relays.Tell(new JoinRoom("s", 2, "ub", b, true));
        Assert.Equal("joined", Type(a));
        Assert.Equal("joined", Type(b));
        relays.Tell(new BroadcastToRoom("s", 1, "1"u8.ToArray(), "{\"x\":1}"u8.ToArray()));
        Assert.Equal("response", Type(a));
        Assert.Equal("broadcast", Type(a));
        Assert.Equal("broadcast", Type(b));
        relays.Tell(new UnicastInRoom("s", 2, "2"u8.ToArray(), "0000000000000001", "3"u8.ToArray()));
        Assert.Equal("response", Type(b));
        Assert.Equal("unicast", Type(a));
        relays.Tell(new WhoInRoom("s", 1, "3"u8.ToArray()));
        Assert.Equal(["0000000000000001", "0000000000000002"], JsonDocument.Parse(a.ExpectMsg<WhoAnswer>().Participants).RootElement.EnumerateObject().Select(p => p.Name).Order());
        relays.Tell(new LeaveRoom("s", 2));
        Assert.Equal("left", Type(a));
    }

    private static string? Type(TestProbe probe)
        => JsonDocument.Parse(probe.ExpectMsg<Deliver>().Frame).RootElement.GetProperty("type").GetString();
}
