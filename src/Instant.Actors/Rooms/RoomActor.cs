using Akka.Actor;
using Akka.Event;
using Instant.Actors.Connections;
using Instant.Actors.Identity;
using Instant.Actors.Protocol;

namespace Instant.Actors.Rooms;

/// <summary>
/// One room: owns its participant set and relays presence, broadcasts, unicasts and
/// <c>who</c>. Every relayed frame is encoded once and the same bytes go to each recipient.
/// An empty room asks its parent to passivate it after <see cref="RoomServices.IdleTimeout"/>.
/// </summary>
public sealed class RoomActor : ReceiveActor
{
    private readonly Dictionary<long, Participant> _participants = new();
    private readonly RoomServices _services;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public RoomActor(RoomServices services)
    {
        _services = services;
        Receive<JoinRoom>(Join);
        Receive<LeaveRoom>(m => Leave(m.Id));
        Receive<BroadcastToRoom>(Broadcast);
        Receive<UnicastInRoom>(Unicast);
        Receive<WhoInRoom>(Who);
        Receive<ReceiveTimeout>(_ => PassivateIfEmpty());
    }

    public static Props Props(RoomServices services) => Akka.Actor.Props.Create(() => new RoomActor(services));

    protected override void PreStart() => Context.SetReceiveTimeout(_services.IdleTimeout);

    private long Now => _services.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Join(JoinRoom join)
    {
        _participants[join.Id] = new Participant(join.Connection, join.Uuid, join.Announce);
        Context.SetReceiveTimeout(null);
        if (join.Announce)
        {
            DeliverToAll(ServerFrames.Joined(join.Id, join.Uuid, Now));
        }
    }

    private void Leave(long id)
    {
        if (!_participants.Remove(id, out var gone))
        {
            return;
        }

        if (gone.Announced)
        {
            DeliverToAll(ServerFrames.Left(id, Now));
        }

        if (_participants.Count == 0)
        {
            Context.SetReceiveTimeout(_services.IdleTimeout);
        }
    }

    private void Broadcast(BroadcastToRoom message)
    {
        if (!_participants.TryGetValue(message.From, out var sender))
        {
            return; // the sender left while its message was on the way
        }

        long id = _services.Ids.Next();
        long now = Now;
        sender.Connection.Tell(new Deliver(ServerFrames.Response(message.Seq, id, MessageTypes.Broadcast, now)));
        DeliverToAll(ServerFrames.Broadcast(id, message.From, message.Data, now));
    }

    private void Unicast(UnicastInRoom message)
    {
        if (!_participants.TryGetValue(message.From, out var sender))
        {
            return;
        }

        long now = Now;
        if (!IdFormat.TryParse(message.To, out long to) || !_participants.TryGetValue(to, out var recipient))
        {
            sender.Connection.Tell(new Deliver(ServerFrames.Error(message.Seq, ProtocolError.NoParticipant,
                w => NoParticipantDetail(w, message.To), now)));
            return;
        }

        long id = _services.Ids.Next();
        sender.Connection.Tell(new Deliver(ServerFrames.Response(message.Seq, id, MessageTypes.Unicast, now)));
        recipient.Connection.Tell(new Deliver(ServerFrames.Unicast(id, message.From, to, message.Data, now)));
    }

    /// <summary>The recipient as given; an absent one leaves the detail empty, as in the original.</summary>
    internal static void NoParticipantDetail(System.Text.Json.Utf8JsonWriter writer, string? to)
    {
        if (to is not null)
        {
            writer.WriteString("id"u8, to);
        }
    }

    private void Who(WhoInRoom message)
    {
        if (_participants.TryGetValue(message.From, out var asker))
        {
            var list = _participants.Select(p => KeyValuePair.Create(p.Key, p.Value.Uuid));
            asker.Connection.Tell(new Deliver(ServerFrames.Who(message.Seq, list, Now)));
        }
    }

    private void DeliverToAll(byte[] frame)
    {
        var deliver = new Deliver(frame);
        foreach (var participant in _participants.Values)
        {
            participant.Connection.Tell(deliver);
        }
    }

    private void PassivateIfEmpty()
    {
        if (_participants.Count == 0)
        {
            _log.Debug("Room {0} is idle and empty; passivating", Self.Path.Name);
            Context.SetReceiveTimeout(null);
            Context.Parent.Tell(new PassivateRoom(PoisonPill.Instance));
        }
    }

    private readonly record struct Participant(IActorRef Connection, string Uuid, bool Announced);
}
