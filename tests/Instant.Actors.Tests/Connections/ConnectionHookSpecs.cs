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

namespace Instant.Actors.Tests.Connections;

/// <summary>The connection's hooks seam (the server's plugins): identity fields, consumed frames, disconnect.</summary>
public class ConnectionHookSpecs : TestKit
{
    private readonly TestProbe _rooms;
    private readonly TestProbe _events;

    public ConnectionHookSpecs()
        : base(Instant.Actors.Hosting.InstantHostingExtensions.DefaultHocon)
    {
        _rooms = CreateTestProbe();
        _events = CreateTestProbe();
    }

    private (IActorRef Actor, RecordingSink Sink) Open()
    {
        var services = new ConnectionServices(
            _rooms, new ParticipantDirectory(), new IdGenerator(TimeProvider.System), TimeProvider.System,
            new ServerInfo("1.6.0", "era", null, "hash"), new ConnectionLimits())
        {
            Hooks = new RecordingHooks(_events),
        };
        var sink = new RecordingSink();
        return (Sys.ActorOf(ConnectionActor.Props(new ConnectionIdentity("r", 0x100, "uuid-x"), services, sink)), sink);
    }

    [Fact]
    public void Hook_fields_are_added_to_identity_after_the_servers_own()
    {
        var (_, sink) = Open();

        var data = sink.Next().GetProperty("data");
        Assert.Equal("hash", data.GetProperty("configHash").GetString());
        Assert.Equal(42, data.GetProperty("plugin").GetInt32());
        Assert.Equal("connect r 0000000000000100", _events.ExpectMsg<string>());
    }

    [Fact]
    public void A_consumed_frame_goes_no_further_and_the_others_go_to_the_room()
    {
        var (actor, _) = Open();
        _rooms.ExpectMsg<JoinRoom>();
        _events.ExpectMsg<string>();

        actor.Tell(ClientFrameParser.TryParse("""{"type":"broadcast","seq":1,"data":"eat me"}"""u8.ToArray())!);
        actor.Tell(ClientFrameParser.TryParse("""{"type":"broadcast","seq":2,"data":"keep me"}"""u8.ToArray())!);

        Assert.Equal("frame \"eat me\"", _events.ExpectMsg<string>());
        Assert.Equal("frame \"keep me\"", _events.ExpectMsg<string>());
        Assert.Equal("\"keep me\"", Encoding.UTF8.GetString(_rooms.ExpectMsg<BroadcastToRoom>().Data.Span));
        _rooms.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void The_hooks_hear_of_the_end_of_the_connection()
    {
        var (actor, _) = Open();
        _events.ExpectMsg<string>();

        actor.Tell(SocketClosed.ByClient);

        Assert.Equal("disconnect", _events.ExpectMsg<string>());
    }

    private sealed class RecordingHooks(TestProbe events) : IConnectionHooks
    {
        public IConnectionHookState Connect(ConnectionIdentity identity, IActorRef connection)
        {
            events.Ref.Tell($"connect {identity.Room} {IdFormat.ToHex(identity.Id)}");
            return new State(events);
        }

        private sealed class State(TestProbe events) : IConnectionHookState
        {
            public void WriteIdentityFields(Utf8JsonWriter writer) => writer.WriteNumber("plugin", 42);

            public bool OnFrame(ClientFrame frame)
            {
                string data = Encoding.UTF8.GetString(frame.Data.Span);
                events.Ref.Tell($"frame {data}");
                return data == "\"eat me\"";
            }

            public void OnDisconnect() => events.Ref.Tell("disconnect");
        }
    }
}
