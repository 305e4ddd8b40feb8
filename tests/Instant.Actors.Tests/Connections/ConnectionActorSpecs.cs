using System.Text;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Instant.Actors.Connections;
using Instant.Actors.Identity;
using Instant.Actors.Protocol;
using Instant.Actors.Rooms;
using Xunit;

namespace Instant.Actors.Tests.Connections;

public class ConnectionActorSpecs : TestKit
{
    private readonly ParticipantDirectory _directory = new();
    private readonly TestProbe _rooms;

    public ConnectionActorSpecs()
        : base(Instant.Actors.Hosting.InstantHostingExtensions.DefaultHocon)
        => _rooms = CreateTestProbe();

    private static ClientFrame Frame(string json) => ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json))!;

    private (IActorRef Actor, RecordingSink Sink) Open(string room = "r", long id = 0x100, ConnectionLimits? limits = null)
    {
        var services = new ConnectionServices(
            _rooms, _directory, new IdGenerator(TimeProvider.System), TimeProvider.System,
            new ServerInfo("1.6.0", "era", null, "hash"), limits ?? new ConnectionLimits());
        var sink = new RecordingSink();
        var actor = Sys.ActorOf(ConnectionActor.Props(new ConnectionIdentity(room, id, "uuid-x"), services, sink));
        return (actor, sink);
    }

    [Fact]
    public void It_sends_identity_first_then_joins_its_room_announced()
    {
        var (_, sink) = Open();

        var identity = sink.Next();
        Assert.Equal("identity", identity.GetProperty("type").GetString());
        Assert.Equal("0000000000000100", identity.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal("uuid-x", identity.GetProperty("data").GetProperty("uuid").GetString());
        var join = _rooms.ExpectMsg<JoinRoom>();
        Assert.Equal(("r", 0x100L, true), (join.Room, join.Id, join.Announce));
    }

    [Fact]
    public void Ping_is_answered_with_pong_and_the_same_seq()
    {
        var (actor, sink) = Open();
        sink.Next();

        actor.Tell(Frame("""{"type":"ping","seq":{"n":1}}"""));

        var pong = sink.Next();
        Assert.Equal("pong", pong.GetProperty("type").GetString());
        Assert.Equal(1, pong.GetProperty("seq").GetProperty("n").GetInt32());
    }

    [Fact]
    public void Room_messages_go_to_the_room_with_the_senders_id()
    {
        var (actor, _) = Open();
        _rooms.ExpectMsg<JoinRoom>();

        actor.Tell(Frame("""{"type":"broadcast","seq":1,"data":{"a":1}}"""));
        actor.Tell(Frame("""{"type":"unicast","seq":2,"to":"0000000000000001","data":2}"""));
        actor.Tell(Frame("""{"type":"who","seq":3}"""));

        var broadcast = _rooms.ExpectMsg<BroadcastToRoom>();
        Assert.Equal(0x100, broadcast.From);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(broadcast.Data.Span));
        Assert.Equal("0000000000000001", _rooms.ExpectMsg<UnicastInRoom>().To);
        Assert.Equal("3", Encoding.UTF8.GetString(_rooms.ExpectMsg<WhoInRoom>().Seq.Span));
    }

    [Fact]
    public void Unknown_and_missing_types_are_INVALID_TYPE_and_the_connection_stays()
    {
        var (actor, sink) = Open();
        sink.Next();

        actor.Tell(Frame("""{"type":"bogus","seq":1}"""));
        actor.Tell(Frame("""{"seq":2}"""));
        actor.Tell(Frame("""{"type":"ping","seq":3}"""));

        var unknown = sink.Next().GetProperty("data");
        Assert.Equal("INVALID_TYPE", unknown.GetProperty("code").GetString());
        Assert.Equal("bogus", unknown.GetProperty("detail").GetProperty("type").GetString());
        var missing = sink.Next().GetProperty("data");
        Assert.Equal("INVALID_TYPE", missing.GetProperty("code").GetString());
        Assert.False(missing.TryGetProperty("detail", out _));
        Assert.Equal("pong", sink.Next().GetProperty("type").GetString());
    }

    [Fact]
    public void Rejected_frames_become_error_frames()
    {
        var (actor, sink) = Open();
        sink.Next();

        actor.Tell(new FrameRejected(ProtocolError.NotText));
        actor.Tell(new FrameRejected(ProtocolError.FrameTooLarge, 1024));

        Assert.Equal("NOT_TEXT", sink.Next().GetProperty("data").GetProperty("code").GetString());
        var tooLarge = sink.Next().GetProperty("data");
        Assert.Equal("FRAME_TOO_LARGE", tooLarge.GetProperty("code").GetString());
        Assert.Equal(1024, tooLarge.GetProperty("detail").GetProperty("max").GetInt32());
    }

    [Fact]
    public void The_api_endpoint_joins_no_room_and_refuses_room_messages()
    {
        var (actor, sink) = Open(room: RoomNames.Api);
        sink.Next();

        actor.Tell(Frame("""{"type":"broadcast","data":1}"""));
        actor.Tell(Frame("""{"type":"who"}"""));

        Assert.Equal("broadcast", sink.Next().GetProperty("data").GetProperty("detail").GetProperty("type").GetString());
        Assert.Equal("who", sink.Next().GetProperty("data").GetProperty("detail").GetProperty("type").GetString());
        _rooms.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void An_api_unicast_reaches_any_participant_of_the_process()
    {
        var target = CreateTestProbe();
        _directory.Add(0x42, target);
        var (actor, sink) = Open(room: RoomNames.Api);
        sink.Next();

        actor.Tell(Frame("""{"type":"unicast","seq":1,"to":"0000000000000042","data":"hi"}"""));
        actor.Tell(Frame("""{"type":"unicast","seq":2,"to":"0000000000000043","data":"hi"}"""));

        Assert.Equal("response", sink.Next().GetProperty("type").GetString());
        var delivered = System.Text.Json.JsonDocument.Parse(target.ExpectMsg<Deliver>().Frame).RootElement;
        Assert.Equal("0000000000000100", delivered.GetProperty("from").GetString());
        Assert.Equal("NO_PARTICIPANT", sink.Next().GetProperty("data").GetProperty("code").GetString());
    }

    [Fact]
    public void A_missed_ping_deadline_closes_the_connection_and_leaves_the_room()
    {
        var (actor, sink) = Open(limits: new ConnectionLimits { PingGrace = TimeSpan.FromMilliseconds(100) });
        sink.Next();
        _rooms.ExpectMsg<JoinRoom>();
        Watch(actor);
        long next = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 200;

        actor.Tell(Frame($$$"""{"type":"ping","data":{"next":{{{next}}}}}"""));

        ExpectTerminated(actor, TimeSpan.FromSeconds(5));
        Assert.Equal(ConnectionCloseReason.PingTimeout, sink.ClosedWith);
        _rooms.ExpectMsg<LeaveRoom>();
    }

    [Fact]
    public void A_ping_without_data_clears_the_deadline()
    {
        var (actor, sink) = Open(limits: new ConnectionLimits { PingGrace = TimeSpan.FromMilliseconds(100) });
        sink.Next();
        Watch(actor);
        long next = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 200;

        actor.Tell(Frame($$$"""{"type":"ping","data":{"next":{{{next}}}}}"""));
        actor.Tell(Frame("""{"type":"ping"}"""));

        ExpectNoMsg(TimeSpan.FromSeconds(1));
        Assert.Null(sink.ClosedWith);
    }

    [Fact]
    public void A_full_outbox_closes_the_connection_and_leaves_the_room()
    {
        var (actor, sink) = Open();
        sink.Next();
        _rooms.ExpectMsg<JoinRoom>();
        Watch(actor);
        sink.Full = true;

        actor.Tell(new Deliver("{}"u8.ToArray()));

        ExpectTerminated(actor);
        Assert.Equal(ConnectionCloseReason.OutboxOverflow, sink.ClosedWith);
        Assert.Equal(0x100, _rooms.ExpectMsg<LeaveRoom>().Id);
        Assert.Null(_directory.Find(0x100));
    }

    [Fact]
    public void Several_frames_in_one_delivery_go_out_in_order()
    {
        var (actor, sink) = Open();
        sink.Next();
        _rooms.ExpectMsg<JoinRoom>();

        actor.Tell(new DeliverFrames(["{\"n\":1}"u8.ToArray(), "{\"n\":2}"u8.ToArray(), "{\"n\":3}"u8.ToArray()]));

        Assert.Equal(["1", "2", "3"], Enumerable.Range(0, 3).Select(_ => sink.Next().GetProperty("n").GetRawText()));
    }

    [Fact]
    public void A_closed_socket_ends_the_connection()
    {
        var (actor, _) = Open();
        _rooms.ExpectMsg<JoinRoom>();
        Watch(actor);

        actor.Tell(SocketClosed.ByClient);

        ExpectTerminated(actor);
        _rooms.ExpectMsg<LeaveRoom>();
    }

    [Fact]
    public void Rejected_frames_count_against_the_rate_limit_too()
    {
        var (actor, sink) = Open(limits: new ConnectionLimits { MessagesPerSecond = 0.001, MessageBurst = 1 });
        sink.Next();

        actor.Tell(new FrameRejected(ProtocolError.InvalidJson));
        actor.Tell(new FrameRejected(ProtocolError.NotText));

        Assert.Equal("INVALID_JSON", sink.Next().GetProperty("data").GetProperty("code").GetString());
        Assert.Equal("RATE_LIMITED", sink.Next().GetProperty("data").GetProperty("code").GetString());
    }

    [Fact]
    public void A_flood_past_the_rate_limit_is_refused_with_RATE_LIMITED()
    {
        var (actor, sink) = Open(limits: new ConnectionLimits { MessagesPerSecond = 0.001, MessageBurst = 2 });
        sink.Next();

        for (int i = 0; i < 3; i++)
        {
            actor.Tell(Frame($$"""{"type":"ping","seq":{{i}}}"""));
        }

        Assert.Equal("pong", sink.Next().GetProperty("type").GetString());
        Assert.Equal("pong", sink.Next().GetProperty("type").GetString());
        var refused = sink.Next();
        Assert.Equal("RATE_LIMITED", refused.GetProperty("data").GetProperty("code").GetString());
        Assert.Equal(2, refused.GetProperty("seq").GetInt32());
    }

    /// <summary>A participant list of about <paramref name="bytes"/> bytes, as a room encodes it.</summary>
    private static byte[] ParticipantList(int bytes)
        => ServerFrames.ParticipantList(Enumerable.Range(1, Math.Max(1, bytes / 62)).Select(i => KeyValuePair.Create((long)i, Guid.Empty.ToString())));

    [Fact]
    public void A_who_waits_while_another_is_with_the_room_and_each_is_answered_with_its_own_seq()
    {
        var (actor, sink) = Open();
        sink.Next();
        _rooms.ExpectMsg<JoinRoom>();
        var list = ParticipantList(100);

        actor.Tell(Frame("""{"type":"who","seq":1}"""));
        actor.Tell(Frame("""{"type":"who","seq":2}"""));

        Assert.Equal("1", Encoding.UTF8.GetString(_rooms.ExpectMsg<WhoInRoom>().Seq.Span));
        _rooms.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        actor.Tell(new WhoAnswer("1"u8.ToArray(), 7, list));
        var first = sink.Next();
        Assert.Equal(("who", 1, 7L), (first.GetProperty("type").GetString(), first.GetProperty("seq").GetInt32(), first.GetProperty("timestamp").GetInt64()));
        Assert.Equal(Encoding.UTF8.GetString(list), first.GetProperty("data").GetRawText());
        Assert.Equal("2", Encoding.UTF8.GetString(_rooms.ExpectMsg<WhoInRoom>().Seq.Span));
    }

    [Fact]
    public void A_who_costs_its_sender_one_message_per_kilobyte_of_the_last_answer()
    {
        var (actor, sink) = Open(limits: new ConnectionLimits { MessagesPerSecond = 0.001, MessageBurst = 20 });
        sink.Next();
        _rooms.ExpectMsg<JoinRoom>();
        var tenKilobytes = ParticipantList(10 * 1024);

        actor.Tell(Frame("""{"type":"who","seq":1}"""));
        _rooms.ExpectMsg<WhoInRoom>();
        actor.Tell(new WhoAnswer("1"u8.ToArray(), 1, tenKilobytes));
        Assert.Equal("who", sink.Next().GetProperty("type").GetString());
        actor.Tell(Frame("""{"type":"who","seq":2}""")); // 1 + 10 of the 19 left
        _rooms.ExpectMsg<WhoInRoom>();
        actor.Tell(new WhoAnswer("2"u8.ToArray(), 2, tenKilobytes));
        Assert.Equal("who", sink.Next().GetProperty("type").GetString());
        actor.Tell(Frame("""{"type":"who","seq":3}""")); // 8 left: not enough
        actor.Tell(Frame("""{"type":"broadcast","seq":4,"data":1}"""));

        var refused = sink.Next();
        Assert.Equal(("RATE_LIMITED", 3), (refused.GetProperty("data").GetProperty("code").GetString(), refused.GetProperty("seq").GetInt32()));
        Assert.Equal("4", Encoding.UTF8.GetString(_rooms.ExpectMsg<BroadcastToRoom>().Seq.Span)); // plain messages still pass
    }

    [Fact]
    public void Whos_beyond_the_few_that_may_wait_are_refused_with_RATE_LIMITED()
    {
        var (actor, sink) = Open();
        sink.Next();
        _rooms.ExpectMsg<JoinRoom>();

        for (int i = 1; i <= 18; i++)
        {
            actor.Tell(Frame($$"""{"type":"who","seq":{{i}}}"""));
        }

        // One with the room, sixteen waiting: the eighteenth is refused at once.
        var refused = sink.Next();
        Assert.Equal(("RATE_LIMITED", 18), (refused.GetProperty("data").GetProperty("code").GetString(), refused.GetProperty("seq").GetInt32()));
        Assert.Equal("1", Encoding.UTF8.GetString(_rooms.ExpectMsg<WhoInRoom>().Seq.Span));
        _rooms.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
