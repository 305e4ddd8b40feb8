using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Instant.Actors.Identity;

namespace Instant.Actors.Cluster;

/// <summary>
/// Claims this node's id slot from <see cref="IdSlotAllocatorActor"/> once the node is Up, and
/// confirms it every second, so that a new allocator (after a hand-over) learns it again. It
/// gives the slot to the node's <see cref="IdGenerator"/> and the whole table to
/// <see cref="RemoteParticipants"/>.
/// </summary>
public sealed class IdSlotClientActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan ClaimInterval = TimeSpan.FromSeconds(1);

    private readonly IActorRef _allocator;
    private readonly IdGenerator _ids;
    private readonly RemoteParticipants _remote;
    private readonly Address _self;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _slot = -1;

    public IdSlotClientActor(IActorRef allocator, IdGenerator ids, RemoteParticipants remote)
    {
        _allocator = allocator;
        _ids = ids;
        _remote = remote;
        _self = Akka.Cluster.Cluster.Get(Context.System).SelfAddress;
        Receive<ClusterEvent.MemberUp>(up => up.Member.Address == _self, _ => StartClaiming());
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<Tick>(_ => _allocator.Tell(new ClaimIdSlot(_self, _slot)));
        Receive<IdSlotTable>(Apply);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef allocator, IdGenerator ids, RemoteParticipants remote)
        => Akka.Actor.Props.Create(() => new IdSlotClientActor(allocator, ids, remote));

    protected override void PreStart()
        => Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp));

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private void StartClaiming()
    {
        if (!Timers.IsTimerActive(Tick.Instance))
        {
            Self.Tell(Tick.Instance);
            Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, ClaimInterval);
        }
    }

    private void Apply(IdSlotTable table)
    {
        var slots = new Dictionary<int, Address>();
        for (int i = 0; i < table.Slots.Count; i++)
        {
            var node = Address.Parse(table.Nodes[i]);
            slots[table.Slots[i]] = node;
            if (node == _self && table.Slots[i] != _slot)
            {
                _slot = table.Slots[i];
                _ids.AssignSlot(_slot);
                _log.Info("This node makes ids in slot {0}", _slot);
            }
        }

        _remote.Update(slots);
    }

    private sealed record Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }
}
