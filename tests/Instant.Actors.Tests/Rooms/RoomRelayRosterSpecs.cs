using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Instant.Actors.Protocol;
using Instant.Actors.Rooms;
using Instant.Protocol;
using Xunit;

namespace Instant.Actors.Tests.Rooms;

/// <summary>
/// A clustered relay's roster (the room's participants per node, from roster pages and
/// <c>joined</c>): when a node is gone its local participants get <c>left</c> for exactly that
/// node's participants, once.
/// </summary>
public class RoomRelayRosterSpecs : TestKit
{
    private const string NodeA = "akka.tcp://instant@127.0.0.1:4051";
    private const string NodeB = "akka.tcp://instant@127.0.0.1:4052";
    private const string NodeC = "akka.tcp://instant@127.0.0.1:4053";

    [Fact]
    public void A_lost_node_takes_exactly_its_participants_along_and_each_leaves_once()
    {
        var rooms = CreateTestProbe();
        var room = CreateTestProbe();
        var member = CreateTestProbe();
        var relay = Sys.ActorOf(RoomRelayActor.Props("r", new RoomRelayServices(rooms, TimeProvider.System, Clustered: true)));

        relay.Tell(new JoinRoom("r", 1, "u1", member, Announce: true));
        rooms.ExpectMsg<AttachMember>(m => m.Id == 1);
        relay.Tell(new RelayRoster([NodeB, NodeC], [10, 11, 12], [0, 0, 1]), room);
        relay.Tell(new RelayPresence(ServerFrames.Joined(1, "u1", 0), 1, NodeA), room);
        relay.Tell(new RelayPresence(ServerFrames.Joined(13, "u13", 0), 13, NodeB), room);
        Assert.Equal([("joined", 1L), ("joined", 13L)], member.ExpectFrames(2).Select(Frame));

        relay.Tell(new NodeGone(Address.Parse(NodeB)));
        Assert.Equal([("left", 10L), ("left", 11L), ("left", 13L)], member.ExpectFrames(3).Select(Frame).OrderBy(f => f.Id));

        // The room's own `left` for one of them comes later and is not told again (the next
        // frame is the other one's); one for a participant of another node is told.
        relay.Tell(new RelayPresence(ServerFrames.Left(11, 0), 11, null), room);
        relay.Tell(new RelayPresence(ServerFrames.Left(12, 0), 12, null), room);
        Assert.Equal([("left", 12L)], member.ExpectFrames(1).Select(Frame));
    }

    private static (string? Type, long Id) Frame(byte[] frame)
    {
        var root = JsonDocument.Parse(frame).RootElement;
        Assert.True(IdFormat.TryParse(root.GetProperty("data").GetProperty("id").GetString(), out long id));
        return (root.GetProperty("type").GetString(), id);
    }
}
