using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Instant.Actors.Connections;
using Instant.Actors.Identity;
using Instant.Actors.Protocol;
using Instant.Actors.Rooms;
using Instant.Protocol;
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

    private static List<JsonElement> ExpectFrames(TestProbe probe, int count)
        => probe.ExpectFrames(count).Select(f => JsonDocument.Parse(f).RootElement).ToList();

    private static string Joined(JsonElement frame)
    {
        Assert.Equal("joined", frame.GetProperty("type").GetString());
        return frame.GetProperty("data").GetProperty("id").GetString()!;
    }

    private (IActorRef Room, TestProbe A, TestProbe B) RoomWithTwo()
    {
        var room = NewRoom();
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        room.Tell(new JoinRoom("r", 1, "uuid-a", a, Announce: true));
        room.Tell(new JoinRoom("r", 2, "uuid-b", b, Announce: true));
        ExpectFrames(a, 2);
        ExpectFrames(b, 1);
        return (room, a, b);
    }

    [Fact]
    public void Joins_sent_together_reach_each_member_in_order_from_its_own_joined_on()
    {
        var room = NewRoom();
        var probes = Enumerable.Range(1, 40).Select(_ => CreateTestProbe()).ToList();

        for (int i = 0; i < probes.Count; i++)
        {
            room.Tell(new JoinRoom("r", i + 1, $"uuid-{i + 1}", probes[i], Announce: true));
        }

        for (int i = 0; i < probes.Count; i++)
        {
            var seen = ExpectFrames(probes[i], probes.Count - i).Select(Joined);
            Assert.Equal(Enumerable.Range(i + 1, probes.Count - i).Select(n => IdFormat.ToHex(n)), seen);
        }

        probes[0].ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_relay_hands_each_member_a_batch_of_presence_in_one_message_a_newcomer_from_its_own_join()
    {
        var rooms = CreateTestProbe();
        var relay = Sys.ActorOf(RoomRelayActor.Props("r", new RoomRelayServices(rooms, TimeProvider.System, Clustered: true)));
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        relay.Tell(new JoinRoom("r", 1, "ua", a, Announce: true));
        relay.Tell(new JoinRoom("r", 2, "ub", b, Announce: true));
        relay.Tell(new JoinRoom("r", 3, "uc", c, Announce: true));
        rooms.ExpectMsg<AttachMember>();
        rooms.ExpectMsg<AttachMember>();
        rooms.ExpectMsg<AttachMember>();
        relay.Tell(new RelayPresence(ServerFrames.Joined(1, "ua", 0), 1, "node"));
        Assert.Equal("0000000000000001", Joined(NextFrame(a)));

        // Someone elsewhere joins, then b and c; someone elsewhere leaves.
        relay.Tell(new RelayPresence([
            new PresenceChange(ServerFrames.Joined(7, "u7", 0), 7, "elsewhere"),
            new PresenceChange(ServerFrames.Joined(2, "ub", 0), 2, "node"),
            new PresenceChange(ServerFrames.Joined(3, "uc", 0), 3, "node"),
            new PresenceChange(ServerFrames.Left(7, 0), 7, null),
        ]));

        Assert.Equal(4, a.ExpectMsg<DeliverFrames>().Frames.Count);
        var toB = b.ExpectMsg<DeliverFrames>().Frames.Select(f => JsonDocument.Parse(f).RootElement).ToList();
        Assert.Equal(["joined", "joined", "left"], toB.Select(f => f.GetProperty("type").GetString()));
        Assert.Equal("0000000000000002", Joined(toB[0]));
        Assert.Equal(2, c.ExpectMsg<DeliverFrames>().Frames.Count);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
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
