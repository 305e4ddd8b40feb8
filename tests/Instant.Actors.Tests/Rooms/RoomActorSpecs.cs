using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Instant.Actors.Connections;
using Instant.Actors.Identity;
using Instant.Actors.Protocol;
using Instant.Actors.Rooms;
using Xunit;

namespace Instant.Actors.Tests.Rooms;

public class RoomActorSpecs : TestKit
{
    private readonly RoomServices _services = new(new IdGenerator(TimeProvider.System), TimeProvider.System, TimeSpan.FromHours(1));

    /// <summary>A room as connections reach it: through a relay, to a room under a local parent.</summary>
    private IActorRef NewRoom()
    {
        var rooms = Sys.ActorOf(LocalEntityParent.Props(name => RoomActor.Props(name, _services), new RoomMessageExtractor()));
        return Sys.ActorOf(RoomRelaysActor.Props(new RoomRelayServices(rooms, TimeProvider.System, Clustered: false)));
    }

    private static JsonElement Frame(Deliver deliver) => JsonDocument.Parse(deliver.Frame).RootElement;

    private JsonElement NextFrame(TestProbe probe) => Frame(probe.ExpectMsg<Deliver>());

    private (IActorRef Room, TestProbe A, TestProbe B) RoomWithTwo()
    {
        var room = NewRoom();
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        room.Tell(new JoinRoom("r", 1, "uuid-a", a, Announce: true));
        room.Tell(new JoinRoom("r", 2, "uuid-b", b, Announce: true));
        a.ExpectMsg<Deliver>();
        a.ExpectMsg<Deliver>();
        b.ExpectMsg<Deliver>();
        return (room, a, b);
    }

    [Fact]
    public void A_join_is_announced_to_everyone_including_the_newcomer()
    {
        var room = NewRoom();
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        room.Tell(new JoinRoom("r", 1, "uuid-a", a, Announce: true));
        var own = NextFrame(a);
        room.Tell(new JoinRoom("r", 2, "uuid-b", b, Announce: true));

        Assert.Equal("joined", own.GetProperty("type").GetString());
        Assert.Equal("0000000000000001", own.GetProperty("data").GetProperty("id").GetString());
        var seenByA = NextFrame(a);
        var seenByB = NextFrame(b);
        Assert.Equal("0000000000000002", seenByA.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal("uuid-b", seenByB.GetProperty("data").GetProperty("uuid").GetString());
    }

    [Fact]
    public void A_silent_join_is_not_announced()
    {
        var room = NewRoom();
        var a = CreateTestProbe();
        room.Tell(new JoinRoom("r", 1, "uuid-a", a, Announce: false));
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_broadcast_answers_the_sender_first_then_reaches_everyone_with_one_encoded_frame()
    {
        var (room, a, b) = RoomWithTwo();

        room.Tell(new BroadcastToRoom("r", 1, "\"s1\""u8.ToArray(), """{"text":"hi"}"""u8.ToArray()));

        var response = NextFrame(a);
        Assert.Equal("response", response.GetProperty("type").GetString());
        Assert.Equal("s1", response.GetProperty("seq").GetString());
        Assert.Equal("broadcast", response.GetProperty("data").GetProperty("type").GetString());
        var toA = a.ExpectMsg<Deliver>();
        var toB = b.ExpectMsg<Deliver>();
        Assert.Same(toA.Frame, toB.Frame);
        var broadcast = Frame(toB);
        Assert.Equal(response.GetProperty("data").GetProperty("id").GetString(), broadcast.GetProperty("id").GetString());
        Assert.Equal("0000000000000001", broadcast.GetProperty("from").GetString());
        Assert.Contains("\"data\":{\"text\":\"hi\"}", Encoding.UTF8.GetString(toB.Frame));
        Assert.False(broadcast.TryGetProperty("seq", out _));
    }

    [Fact]
    public void Relayed_ids_increase_in_relay_order()
    {
        var (room, a, b) = RoomWithTwo();

        for (int i = 0; i < 20; i++)
        {
            room.Tell(new BroadcastToRoom("r", 1, default, "1"u8.ToArray()));
        }

        string? last = null;
        for (int i = 0; i < 20; i++)
        {
            string id = NextFrame(b).GetProperty("id").GetString()!;
            Assert.True(last is null || string.CompareOrdinal(id, last) > 0, $"{id} after {last}");
            last = id;
        }
    }

    [Fact]
    public void A_unicast_reaches_only_its_recipient()
    {
        var (room, a, b) = RoomWithTwo();
        var c = CreateTestProbe();
        room.Tell(new JoinRoom("r", 3, "uuid-c", c, Announce: false));

        room.Tell(new UnicastInRoom("r", 1, "5"u8.ToArray(), "0000000000000002", "\"psst\""u8.ToArray()));

        var response = NextFrame(a);
        Assert.Equal("unicast", response.GetProperty("data").GetProperty("type").GetString());
        var unicast = NextFrame(b);
        Assert.Equal("unicast", unicast.GetProperty("type").GetString());
        Assert.Equal("0000000000000002", unicast.GetProperty("to").GetString());
        Assert.Equal("psst", unicast.GetProperty("data").GetString());
        c.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Theory]
    [InlineData("00000000000000FF")]
    [InlineData("nonsense")]
    [InlineData("")]
    public void A_unicast_to_nobody_answers_NO_PARTICIPANT_with_the_id(string to)
    {
        var (room, a, b) = RoomWithTwo();

        room.Tell(new UnicastInRoom("r", 1, "9"u8.ToArray(), to, "1"u8.ToArray()));

        var error = NextFrame(a);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(9, error.GetProperty("seq").GetInt32());
        Assert.Equal("NO_PARTICIPANT", error.GetProperty("data").GetProperty("code").GetString());
        Assert.Equal(to, error.GetProperty("data").GetProperty("detail").GetProperty("id").GetString());
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_unicast_without_a_recipient_answers_NO_PARTICIPANT_with_an_empty_detail()
    {
        var (room, a, _) = RoomWithTwo();

        room.Tell(new UnicastInRoom("r", 1, default, null, "1"u8.ToArray()));

        var detail = NextFrame(a).GetProperty("data").GetProperty("detail");
        Assert.Equal(System.Text.Json.JsonValueKind.Object, detail.ValueKind);
        Assert.False(detail.EnumerateObject().Any());
    }

    [Fact]
    public void Who_lists_every_participant_with_its_uuid()
    {
        var (room, a, _) = RoomWithTwo();

        room.Tell(new WhoInRoom("r", 1, "1"u8.ToArray()));

        var answer = a.ExpectMsg<WhoAnswer>();
        Assert.Equal("1", Encoding.UTF8.GetString(answer.Seq.Span));
        var who = JsonDocument.Parse(ServerFrames.WhoReply(answer.Seq, answer.Participants, answer.Timestamp)).RootElement;
        Assert.Equal("who", who.GetProperty("type").GetString());
        var data = who.GetProperty("data");
        Assert.Equal("uuid-a", data.GetProperty("0000000000000001").GetProperty("uuid").GetString());
        Assert.Equal("uuid-b", data.GetProperty("0000000000000002").GetProperty("uuid").GetString());
    }

    [Fact]
    public void Who_answers_share_one_encoded_list_until_membership_changes()
    {
        var (room, a, b) = RoomWithTwo();

        room.Tell(new WhoInRoom("r", 1, "1"u8.ToArray()));
        room.Tell(new WhoInRoom("r", 2, "2"u8.ToArray()));
        var first = a.ExpectMsg<WhoAnswer>().Participants;
        var second = b.ExpectMsg<WhoAnswer>().Participants;
        room.Tell(new LeaveRoom("r", 2));
        a.ExpectMsg<Deliver>(); // left
        room.Tell(new WhoInRoom("r", 1, "3"u8.ToArray()));
        var afterLeave = a.ExpectMsg<WhoAnswer>().Participants;

        Assert.Same(first, second);
        Assert.NotSame(first, afterLeave);
        var remaining = JsonDocument.Parse(afterLeave).RootElement.EnumerateObject().Select(p => p.Name);
        Assert.Equal(["0000000000000001"], remaining);
    }

    [Fact]
    public void A_leave_is_announced_to_the_others_once()
    {
        var (room, a, b) = RoomWithTwo();

        room.Tell(new LeaveRoom("r", 2));
        room.Tell(new LeaveRoom("r", 2));

        var left = NextFrame(a);
        Assert.Equal("left", left.GetProperty("type").GetString());
        Assert.Equal("0000000000000002", left.GetProperty("data").GetProperty("id").GetString());
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Messages_from_someone_not_in_the_room_are_ignored()
    {
        var (room, a, b) = RoomWithTwo();

        room.Tell(new BroadcastToRoom("r", 99, default, "1"u8.ToArray()));
        room.Tell(new WhoInRoom("r", 99, default));

        a.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }
}
