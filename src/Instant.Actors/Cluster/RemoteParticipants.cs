using Akka.Actor;
using Instant.Actors.Identity;

namespace Instant.Actors.Cluster;

/// <summary>
/// Finds the node of a participant from its id: clustered ids carry their node's slot, and
/// <see cref="IdSlotClientActor"/> keeps the table of which node holds which slot. Thread-safe.
/// </summary>
public sealed class RemoteParticipants
{
    private volatile IReadOnlyDictionary<int, Address> _slots = new Dictionary<int, Address>();

    /// <summary>The slot table as the allocator last told it.</summary>
    public IReadOnlyDictionary<int, Address> Slots => _slots;

    public void Update(IReadOnlyDictionary<int, Address> slots) => _slots = slots;

    /// <summary>The gateway of the node that made participant id <paramref name="id"/>, or null if no live node has its slot.</summary>
    public ActorPath? GatewayFor(long id)
        => _slots.TryGetValue(IdGenerator.SlotOf(id), out var node)
            ? new RootActorPath(node) / "user" / ParticipantGatewayActor.Name
            : null;
}
