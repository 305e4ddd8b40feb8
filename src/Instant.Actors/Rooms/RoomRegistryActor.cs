using Akka.Actor;
using Akka.Event;

namespace Instant.Actors.Rooms;

/// <summary>
/// The single-process room lookup: a child <see cref="RoomActor"/> per room name, created on
/// the first message for it. Passivation follows Cluster Sharding's protocol (buffer while a
/// room stops, then restart it for the buffered messages), so rooms behave the same in both.
/// </summary>
public sealed class RoomRegistryActor : ReceiveActor
{
    private readonly Func<string, Props> _roomProps;
    private readonly Dictionary<string, IActorRef> _rooms = new();
    private readonly Dictionary<IActorRef, string> _names = new();
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _stopping = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public RoomRegistryActor(Func<string, Props> roomProps)
    {
        _roomProps = roomProps;
        Receive<IRoomCommand>(Route);
        Receive<PassivateRoom>(Passivate);
        Receive<Terminated>(RoomStopped);
    }

    public static Props Props(RoomServices services)
        => Akka.Actor.Props.Create(() => new RoomRegistryActor(_ => RoomActor.Props(services)));

    // A room that throws keeps its participant set: a restart would silently drop everyone.
    protected override SupervisorStrategy SupervisorStrategy()
        => new OneForOneStrategy(ex =>
        {
            _log.Error(ex, "A room failed; resuming it");
            return Directive.Resume;
        });

    private void Route(IRoomCommand command)
    {
        if (_stopping.TryGetValue(command.Room, out var buffer))
        {
            buffer.Add((command, Sender));
            return;
        }

        RoomFor(command.Room).Forward(command);
    }

    private IActorRef RoomFor(string name)
    {
        if (!_rooms.TryGetValue(name, out var room))
        {
            room = Context.ActorOf(_roomProps(name), Uri.EscapeDataString(name));
            Context.Watch(room);
            _rooms[name] = room;
            _names[room] = name;
        }

        return room;
    }

    private void Passivate(PassivateRoom passivate)
    {
        if (_names.TryGetValue(Sender, out var name) && !_stopping.ContainsKey(name))
        {
            _stopping[name] = new List<(object, IActorRef)>();
            Sender.Tell(passivate.StopMessage);
        }
    }

    private void RoomStopped(Terminated terminated)
    {
        if (!_names.Remove(terminated.ActorRef, out var name))
        {
            return;
        }

        _rooms.Remove(name);
        if (_stopping.Remove(name, out var buffer) && buffer.Count > 0)
        {
            var room = RoomFor(name);
            foreach (var (message, sender) in buffer)
            {
                room.Tell(message, sender);
            }
        }
    }
}
