using Akka.Actor;
using Akka.Event;
using Instant.Actors.Identity;

namespace Instant.Actors.Cluster;

/// <summary>
/// The cluster singleton that gives each node an id slot (<see cref="IdGenerator.AssignSlot"/>):
/// at most one live node per slot, so ids never collide across nodes. A slot is free again
/// once its node is removed from the cluster. The allocator keeps no state on disk: after a
/// hand-over, nodes claim their slots again (they do every second), and for
/// <see cref="Settle"/> a new incarnation grants no new slots, so a node that held one is heard first.
/// </summary>
public sealed class IdSlotAllocatorActor : ReceiveActor
{
    /// <summary>How long a new allocator only confirms slots already held.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    private readonly Dictionary<int, Address> _slots = new();
    private readonly Dictionary<Address, IActorRef> _clients = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DateTime _started = DateTime.UtcNow;

    public IdSlotAllocatorActor()
    {
        Receive<ClaimIdSlot>(Claim);
        Receive<Akka.Cluster.ClusterEvent.MemberRemoved>(removed => Free(removed.Member.Address));
        Receive<Akka.Cluster.ClusterEvent.IMemberEvent>(_ => { });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new IdSlotAllocatorActor());

    protected override void PreStart()
        => Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(Akka.Cluster.ClusterEvent.MemberRemoved));

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private void Claim(ClaimIdSlot claim)
    {
        _clients[claim.Node] = Sender;
        if (_slots.Any(s => s.Value == claim.Node))
        {
            Sender.Tell(Table());
            return;
        }

        int? slot = claim.Current >= 0 && !_slots.ContainsKey(claim.Current) ? claim.Current : null;
        if (slot is null && DateTime.UtcNow - _started < Settle)
        {
            return; // nodes that already hold slots are still re-claiming them; the claimant retries
        }

        slot ??= Enumerable.Range(0, IdGenerator.MaxSlots).Cast<int?>().FirstOrDefault(s => !_slots.ContainsKey(s!.Value));
        if (slot is null)
        {
            _log.Error("Node {0} gets no id slot: all {1} are held; a cluster holds at most that many nodes", claim.Node, IdGenerator.MaxSlots);
            return;
        }

        _slots[slot.Value] = claim.Node;
        _log.Info("Node {0} holds id slot {1}", claim.Node, slot.Value);
        Publish();
    }

    private void Free(Address node)
    {
        foreach (int slot in _slots.Where(s => s.Value == node).Select(s => s.Key).ToList())
        {
            _slots.Remove(slot);
            _log.Info("Id slot {0} of removed node {1} is free", slot, node);
        }

        _clients.Remove(node);
        Publish();
    }

    private void Publish()
    {
        var table = Table();
        foreach (var client in _clients.Values)
        {
            client.Tell(table);
        }
    }

    private IdSlotTable Table()
        => new(_slots.Keys.ToArray(), _slots.Values.Select(a => a.ToString()).ToArray());
}

/// <summary>A node asks for an id slot, or confirms the one it holds (<paramref name="Current"/>, -1 for none).</summary>
public sealed record ClaimIdSlot(Address Node, int Current) : IClusterMessage;

/// <summary>Which node holds which slot: <paramref name="Nodes"/>[i] holds <paramref name="Slots"/>[i].</summary>
public sealed record IdSlotTable(IReadOnlyList<int> Slots, IReadOnlyList<string> Nodes) : IClusterMessage;
