using Akka.Actor;
using Akka.Cluster.Sharding;
using Instant.Actors.Connections;
using Instant.Actors.Diagnostics;
using Instant.Actors.Hosting;
using Instant.Actors.Protocol;

namespace Instant.Actors.Rooms;

/// <summary>
/// One room as seen from one node: the room's participants whose connections this node holds.
/// Connections send their room commands here and the relay passes them to the room (in a
/// cluster, possibly on another node); frames from the room arrive once per node and the relay
/// hands the same bytes to each local connection. In a cluster it also keeps the room's roster
/// (who is on which node), so that when a node is lost it can tell its own participants who
/// left with it, and it gives a room that ended its participants back (<see cref="ReattachMembers"/>).
/// </summary>
public sealed class RoomRelayActor : UntypedActor, IWithTimers
{
    private static readonly TimeSpan ReattachRetry = TimeSpan.FromSeconds(1);

    private readonly string _room;
    private readonly RoomRelayServices _services;
    private readonly Dictionary<long, Member> _members = new();
    // The room's roster, the ids of its participants per node address. Every relay of a room
    // holds all of it, so it is kept small: a set of ids per node (one string per node, not a
    // string per participant as each presence change brings it).
    private readonly Dictionary<string, HashSet<long>>? _roster;
    private IActorRef? _roomActor;
    private bool _reattaching;
    private long _lastMessageId;

    // Members are numbered in join order; the room handles joins from one relay in that order.
    // A member gets room-wide frames only once the room has seen its join (its own `joined`
    // came back), so a newcomer never sees presence or posts from before it was in.
    private long _joinCount;
    private long _attachedThrough;
    private long _reattachedThrough;

    public RoomRelayActor(string room, RoomRelayServices services)
    {
        _room = room;
        _services = services;
        _roster = services.Clustered ? new Dictionary<string, HashSet<long>>() : null;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string room, RoomRelayServices services) => DirectActorProducer<RoomRelayActor>.Props(() => new RoomRelayActor(room, services));

    private long Now => _services.Time.GetUtcNow().ToUnixTimeMilliseconds();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RelayFrame frame:
                Relay(frame);
                break;
            case RelayFrameTo frame:
                if (_members.TryGetValue(frame.Id, out var member))
                {
                    if (frame.Frame.Length == 0)
                    {
                        MarkAttached(member); // a silent join, confirmed
                    }
                    else
                    {
                        _services.Metrics.FramesOut(frame.Frame);
                        member.Connection.Tell(new Deliver(frame.Frame));
                    }
                }

                break;
            case RelayWhoTo who:
                if (_members.TryGetValue(who.Id, out var asker))
                {
                    asker.Connection.Tell(new WhoAnswer(who.Seq, who.Timestamp, who.Participants));
                }

                break;
            case RelayPresence presence:
                Presence(presence);
                break;
            case JoinRoom join:
                _members[join.Id] = new Member(join.Connection, join.Uuid, ++_joinCount);
                _services.Rooms.Tell(new AttachMember(join.Room, join.Id, join.Uuid, join.Announce));
                break;
            case LeaveRoom leave:
                Leave(leave);
                break;
            case IRoomCommand command:
                _services.Rooms.Tell(command);
                break;
            case RelayAttached:
                Attached(Sender);
                break;
            case RelayRoster roster:
                AddToRoster(roster);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_roomActor):
                RoomEnded();
                break;
            case RetryReattach when _reattaching:
                Reattach();
                break;
            case NodeGone gone:
                NodeLost(gone.Node.ToString());
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Relay(RelayFrame frame)
    {
        _lastMessageId = Math.Max(_lastMessageId, frame.MessageId);
        if (frame.Response is { } response && _members.TryGetValue(frame.ResponseTo, out var sender))
        {
            _services.Metrics.FramesOut(response);
            sender.Connection.Tell(new Deliver(response));
        }

        DeliverToAll(frame.Frame);
    }

    /// <summary>
    /// Each member gets the frames from the one that found it attached on (its own
    /// <c>joined</c> for a newcomer of this batch), all in one message.
    /// </summary>
    private void Presence(RelayPresence presence)
    {
        var frames = new List<byte[]>(presence.Changes.Count);
        var attachedThrough = new List<long>(presence.Changes.Count); // after each frame's change
        foreach (var change in presence.Changes)
        {
            if (change.Node is not null && _members.TryGetValue(change.Id, out var joiner))
            {
                MarkAttached(joiner);
            }

            if (_roster is not null)
            {
                if (change.Node is { } node)
                {
                    RosterOf(node).Add(change.Id);
                }
                else if (!RemoveFromRoster(change.Id))
                {
                    continue; // already told: its node was lost before the room saw it leave
                }
            }

            frames.Add(change.Frame);
            attachedThrough.Add(_attachedThrough);
        }

        if (frames.Count == 1)
        {
            DeliverToAll(frames[0]);
        }
        else if (frames.Count > 1)
        {
            DeliverToAll(frames, attachedThrough);
        }
    }

    private void Leave(LeaveRoom leave)
    {
        if (!_members.Remove(leave.Id))
        {
            return;
        }

        _services.Rooms.Tell(leave);
        if (_members.Count == 0)
        {
            // Akka's passivation: the parent buffers what arrives meanwhile and starts a new relay for it.
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        }
    }

    private void MarkAttached(Member member) => _attachedThrough = Math.Max(_attachedThrough, member.JoinNumber);

    private void Attached(IActorRef room)
    {
        if (_reattaching)
        {
            _attachedThrough = Math.Max(_attachedThrough, _reattachedThrough);
        }

        _reattaching = false;
        Timers.Cancel(RetryReattach.Instance);
        if (room.Equals(_roomActor))
        {
            return;
        }

        if (_roomActor is not null)
        {
            Context.Unwatch(_roomActor);
        }

        _roomActor = room;
        Context.Watch(room);
    }

    /// <summary>The room stopped: its node was lost, or its shard moved. Its next incarnation learns our participants.</summary>
    private void RoomEnded()
    {
        _roomActor = null;
        if (_members.Count > 0)
        {
            _reattaching = true;
            Reattach();
        }
    }

    /// <summary>Sent until the room confirms: a room on a lost node is reachable again only once sharding has moved it.</summary>
    private void Reattach()
    {
        var members = _members.Select(m => new RoomMember(m.Key, m.Value.Uuid)).ToArray();
        _reattachedThrough = _joinCount;
        _services.Rooms.Tell(new ReattachMembers(_room, members, _lastMessageId));
        Timers.StartSingleTimer(RetryReattach.Instance, RetryReattach.Instance, ReattachRetry);
    }

    private void AddToRoster(RelayRoster roster)
    {
        if (_roster is null)
        {
            return;
        }

        var nodes = roster.Nodes.Select(RosterOf).ToArray();
        for (int i = 0; i < roster.Ids.Count; i++)
        {
            nodes[roster.NodeOf[i]].Add(roster.Ids[i]);
        }
    }

    private HashSet<long> RosterOf(string node)
    {
        if (!_roster!.TryGetValue(node, out var ids))
        {
            ids = new HashSet<long>();
            _roster[node] = ids;
        }

        return ids;
    }

    private bool RemoveFromRoster(long id)
    {
        foreach (var (node, ids) in _roster!)
        {
            if (ids.Remove(id))
            {
                if (ids.Count == 0)
                {
                    _roster.Remove(node);
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>Everyone of the room on a lost node has left: our participants get <c>left</c> for each.</summary>
    private void NodeLost(string node)
    {
        if (_roster is null || !_roster.Remove(node, out var gone))
        {
            return;
        }

        long now = Now;
        var frames = new List<byte[]>(gone.Count);
        foreach (long id in gone)
        {
            frames.Add(ServerFrames.Left(id, now));
        }

        if (frames.Count > 0)
        {
            DeliverToAll(frames, Enumerable.Repeat(_attachedThrough, frames.Count).ToList());
        }
    }

    /// <summary>
    /// One <see cref="Deliver"/> for all local members, counted once for all of them; stamped
    /// with the time only while someone collects the relay latency.
    /// </summary>
    private void DeliverToAll(byte[] frame)
    {
        var metrics = _services.Metrics;
        var deliver = new Deliver(frame, metrics.TimingRelays ? System.Diagnostics.Stopwatch.GetTimestamp() : 0);
        int recipients = 0;
        foreach (var member in _members.Values)
        {
            if (member.JoinNumber <= _attachedThrough)
            {
                member.Connection.Tell(deliver);
                recipients++;
            }
        }

        metrics.FramesOut(frame, recipients);
    }

    /// <summary>
    /// <paramref name="frames"/> in order, where a member gets frame k only if its join number
    /// is at most <paramref name="attachedThrough"/>[k] (non-decreasing): a suffix per member.
    /// </summary>
    private void DeliverToAll(List<byte[]> frames, List<long> attachedThrough)
    {
        var all = frames.Count == 1 ? (object)new Deliver(frames[0]) : new DeliverFrames(frames);
        // startsAt[k]: members whose suffix starts at frame k; their running sum counts frame k's recipients.
        var startsAt = new int[frames.Count];
        foreach (var member in _members.Values)
        {
            if (member.JoinNumber <= attachedThrough[0])
            {
                member.Connection.Tell(all);
                startsAt[0]++;
                continue;
            }

            int first = attachedThrough.FindIndex(through => member.JoinNumber <= through);
            if (first >= 0)
            {
                startsAt[first]++;
            }

            if (first == frames.Count - 1)
            {
                member.Connection.Tell(new Deliver(frames[first]));
            }
            else if (first >= 0)
            {
                member.Connection.Tell(new DeliverFrames(frames.GetRange(first, frames.Count - first)));
            }
        }

        int recipients = 0;
        for (int k = 0; k < frames.Count; k++)
        {
            recipients += startsAt[k];
            _services.Metrics.FramesOut(frames[k], recipients);
        }
    }

    private readonly record struct Member(IActorRef Connection, string Uuid, long JoinNumber);
}

/// <summary>What relays need: the room lookup seam, time, whether they run in a cluster, and the counters of what they deliver.</summary>
public sealed record RoomRelayServices(IActorRef Rooms, TimeProvider Time, bool Clustered)
{
    public ConnectionMetrics Metrics { get; init; } = new();
}
