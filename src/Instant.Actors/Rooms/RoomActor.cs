using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Instant.Actors.Hosting;
using Instant.Actors.Identity;
using Instant.Actors.Protocol;
using Instant.Protocol;

namespace Instant.Actors.Rooms;

/// <summary>
/// One room: owns its participant set and relays presence, broadcasts, unicasts and
/// <c>who</c>. Participants are reached through the <see cref="RoomRelayActor"/> of their node,
/// so a frame is encoded once and sent once per node with members, whatever the number of
/// recipients there. An empty room asks its parent to passivate it after
/// <see cref="RoomServices.IdleTimeout"/> (Akka's <see cref="Passivate"/>: the parent is a
/// Cluster Sharding shard, or <see cref="LocalEntityParent"/> in one process).
/// Joins and leaves that reach the room together (a join or reconnect storm) go out as one
/// <see cref="RelayPresence"/> per relay: the room holds them until the <see cref="FlushPresence"/>
/// it sent itself comes round, or until any other message, so order is as if sent one by one.
/// </summary>
public sealed class RoomActor : UntypedActor
{
    /// <summary>Roster entries per <see cref="RelayRoster"/> page: ~12 bytes each, far below the frame limit.</summary>
    private const int RosterPage = 2048;

    /// <summary>Presence changes per <see cref="RelayPresence"/>: ~150 bytes each, far below the frame limit.</summary>
    private const int PresenceBatch = 256;

    private readonly Dictionary<long, Participant> _participants = new();
    // One entry per node's relay; participants point at it, so a room holds each remote relay's
    // ref once however many of its members are there (a ref resolved from a remote sender is a
    // new object per message).
    private readonly Dictionary<IActorRef, RoomRelayEntry> _relays = new();
    private readonly RoomServices _services;
    private readonly string _name;
    private ILoggingAdapter? _log;
    private readonly List<PresenceChange> _pendingPresence = new();
    private long _lastMessageId;

    // The `who` list, encoded on the first `who` after a change of membership and shared by
    // every answer until the next: a burst of `who` costs the room a message each, not an encoding.
    private byte[]? _participantList;

    public RoomActor(string name, RoomServices services)
    {
        _name = name;
        _services = services;
    }

    public static Props Props(string name, RoomServices services) => DirectActorProducer<RoomActor>.Props(() => new RoomActor(name, services));

    protected override void PreStart()
    {
        _services.Metrics.RoomStarted();
        Context.SetReceiveTimeout(_services.IdleTimeout);
    }

    protected override void PostStop()
    {
        SendPendingPresence();
        _services.Metrics.RoomStopped();
    }

    /// <summary>Anything but a join or leave sends the held presence first: relays see the room's order.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (message is not (AttachMember or LeaveRoom or FlushPresence))
        {
            SendPendingPresence();
        }

        return base.AroundReceive(receive, message);
    }

    private ILoggingAdapter Log => _log ??= Context.GetLogger();

    private long Now => _services.Time.GetUtcNow().ToUnixTimeMilliseconds();

    // A switch, not ReceiveActor's handlers: those are compiled for every room that starts.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case BroadcastToRoom broadcast:
                Broadcast(broadcast);
                break;
            case AttachMember join:
                Attach(join);
                break;
            case LeaveRoom leave:
                Leave(leave.Id);
                break;
            case FlushPresence:
                SendPendingPresence();
                break;
            case UnicastInRoom unicast:
                Unicast(unicast);
                break;
            case WhoInRoom who:
                Who(who);
                break;
            case ReattachMembers reattach:
                Reattach(reattach);
                break;
            case Terminated terminated:
                RelayEnded(terminated.ActorRef);
                break;
            case ReceiveTimeout:
                PassivateIfEmpty();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Attach(AttachMember join)
    {
        var relay = AddRelay(Sender);
        _participants[join.Id] = new Participant(relay, join.Uuid, join.Announce);
        _participantList = null;
        relay.Members++;
        Context.SetReceiveTimeout(null);
        if (join.Announce)
        {
            // Node is set for a join (relays keep it in their rosters), and tells the newcomer's relay that it is in.
            HoldPresence(new PresenceChange(ServerFrames.Joined(join.Id, join.Uuid, Now), join.Id, NodeOf(relay.Ref)));
        }
        else
        {
            SendPendingPresence(); // presence from before it was in stays unseen by it
            TellRelay(relay.Ref, new RelayFrameTo(join.Id, [])); // an empty frame: in, unannounced
        }
    }

    private void Reattach(ReattachMembers reattach)
    {
        var relay = AddRelay(Sender, acknowledge: true);
        _lastMessageId = Math.Max(_lastMessageId, reattach.LastMessageId);
        _services.Ids.Observe(_lastMessageId);
        foreach (var member in reattach.Members)
        {
            if (_participants.TryAdd(member.Id, new Participant(relay, member.Uuid, Announced: true)))
            {
                relay.Members++;
                _participantList = null;
            }
        }

        if (_participants.Count > 0)
        {
            Context.SetReceiveTimeout(null);
        }

        Log.Info("Room {0}: a relay on {1} brought back {2} participants", _name, relay.Ref.Path.Address, reattach.Members.Count);
    }

    private void Leave(long id)
    {
        if (!_participants.Remove(id, out var gone))
        {
            return;
        }

        _participantList = null;

        if (--gone.Relay.Members == 0)
        {
            SendPendingPresence(); // the leaver's relay still gets what happened before it left
            _relays.Remove(gone.Relay.Ref);
            Context.Unwatch(gone.Relay.Ref);
        }

        if (gone.Announced)
        {
            HoldPresence(new PresenceChange(ServerFrames.Left(id, Now), id, null));
        }

        if (_participants.Count == 0)
        {
            Context.SetReceiveTimeout(_services.IdleTimeout);
        }
    }

    /// <summary>
    /// A relay ended: on a live node only once its participants had left; with a lost node,
    /// its participants are gone, and every other relay tells its own participants so.
    /// </summary>
    private void RelayEnded(IActorRef relay)
    {
        if (!_relays.Remove(relay, out var ended))
        {
            return;
        }

        var gone = _participants.Where(p => ReferenceEquals(p.Value.Relay, ended)).Select(p => p.Key).ToList();
        foreach (long id in gone)
        {
            _participants.Remove(id);
            _participantList = null;
        }

        if (gone.Count > 0)
        {
            Log.Info("Room {0}: {1} participants on {2} are gone with their node", _name, gone.Count, relay.Path.Address);
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

        long id = NextMessageId();
        long now = Now;
        var frame = ServerFrames.Broadcast(id, message.From, message.Data, now);
        var relayed = new RelayFrame(frame, id);
        foreach (var relay in _relays.Values)
        {
            // The sender's node gets the response in the same message, delivered first: one
            // message per node, and per-sender order holds.
            TellRelay(relay.Ref, ReferenceEquals(relay, sender.Relay)
                ? relayed with { ResponseTo = message.From, Response = ServerFrames.Response(message.Seq, id, MessageTypes.Broadcast, now) }
                : relayed);
        }
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
            sender.Relay.Ref.Tell(new RelayFrameTo(message.From, ServerFrames.Error(message.Seq, ProtocolError.NoParticipant,
                w => NoParticipantDetail(w, message.To), now)));
            return;
        }

        long id = NextMessageId();
        sender.Relay.Ref.Tell(new RelayFrameTo(message.From, ServerFrames.Response(message.Seq, id, MessageTypes.Unicast, now)));
        TellRelay(recipient.Relay.Ref, new RelayFrameTo(to, ServerFrames.Unicast(id, message.From, to, message.Data, now)));
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
            _participantList ??= ServerFrames.ParticipantList(_participants.Select(p => KeyValuePair.Create(p.Key, p.Value.Uuid)));
            TellRelay(asker.Relay.Ref, new RelayWhoTo(message.From, message.Seq, Now, _participantList));
        }
    }

    /// <summary>Message ids never decrease in a room, even after it moved between nodes.</summary>
    private long NextMessageId()
    {
        if (_lastMessageId != 0)
        {
            _services.Ids.Observe(_lastMessageId);
        }

        _lastMessageId = _services.Ids.Next();
        return _lastMessageId;
    }

    private RoomRelayEntry AddRelay(IActorRef relay, bool acknowledge = false)
    {
        if (_relays.TryGetValue(relay, out var known))
        {
            if (acknowledge)
            {
                relay.Tell(new RelayAttached(_name));
            }

            return known;
        }

        var entry = new RoomRelayEntry(relay);
        _relays[relay] = entry;
        Context.Watch(relay);
        relay.Tell(new RelayAttached(_name));
        if (_services.Clustered)
        {
            SendRoster(relay);
        }

        return entry;
    }

    private void SendRoster(IActorRef relay)
    {
        var nodes = new List<string>();
        var nodeIndex = new Dictionary<RoomRelayEntry, int>();
        var ids = new List<long>(Math.Min(_participants.Count, RosterPage));
        var nodeOf = new List<int>(ids.Capacity);
        foreach (var (id, participant) in _participants)
        {
            if (!participant.Announced)
            {
                continue;
            }

            if (!nodeIndex.TryGetValue(participant.Relay, out int index))
            {
                index = nodes.Count;
                nodes.Add(NodeOf(participant.Relay.Ref));
                nodeIndex[participant.Relay] = index;
            }

            ids.Add(id);
            nodeOf.Add(index);
            if (ids.Count == RosterPage)
            {
                TellRelay(relay, new RelayRoster(nodes.ToArray(), ids.ToArray(), nodeOf.ToArray()));
                ids.Clear();
                nodeOf.Clear();
            }
        }

        if (ids.Count > 0)
        {
            TellRelay(relay, new RelayRoster(nodes.ToArray(), ids.ToArray(), nodeOf.ToArray()));
        }
    }

    private void HoldPresence(PresenceChange change)
    {
        if (_pendingPresence.Count == 0)
        {
            Self.Tell(FlushPresence.Instance);
        }

        _pendingPresence.Add(change);
        if (_pendingPresence.Count == PresenceBatch)
        {
            SendPendingPresence();
        }
    }

    private void SendPendingPresence()
    {
        if (_pendingPresence.Count == 0)
        {
            return;
        }

        TellRelays(new RelayPresence(_pendingPresence.ToArray()));
        _pendingPresence.Clear();
    }

    private string NodeOf(IActorRef relay)
        => relay.Path.Address.HasGlobalScope ? relay.Path.Address.ToString() : ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();

    private void TellRelays(object message)
    {
        foreach (var relay in _relays.Keys)
        {
            TellRelay(relay, message);
        }
    }

    private void TellRelay(IActorRef relay, object message)
    {
        if (relay.Path.Address.HasGlobalScope)
        {
            _services.Traffic.Count();
        }

        relay.Tell(message);
    }

    private void PassivateIfEmpty()
    {
        if (_participants.Count == 0)
        {
            Log.Debug("Room {0} is idle and empty; passivating", _name);
            Context.SetReceiveTimeout(null);
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        }
    }

    private readonly record struct Participant(RoomRelayEntry Relay, string Uuid, bool Announced);

    /// <summary>A relay of the room and how many of the room's participants it holds.</summary>
    private sealed class RoomRelayEntry(IActorRef relay)
    {
        public IActorRef Ref { get; } = relay;

        public int Members { get; set; }
    }
}

/// <summary>Sent by a room to itself when it starts holding presence changes: send them now.</summary>
internal sealed record FlushPresence : INoSerializationVerificationNeeded
{
    public static readonly FlushPresence Instance = new();
}
