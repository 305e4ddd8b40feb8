using Akka.Actor;
using Akka.Event;
using Akka.Cluster;

namespace Instant.Actors.Rooms;

/// <summary>
/// This node's relays, a <see cref="RoomRelayActor"/> per room with local participants. In a
/// cluster it follows membership and tells every relay when a node is gone for good.
/// </summary>
public sealed class RoomRelaysActor : LocalEntityParent
{
    private readonly bool _clustered;

    public RoomRelaysActor(RoomRelayServices services)
        : base(room => RoomRelayActor.Props(room, services), new RoomMessageExtractor())
    {
        _clustered = services.Clustered;
    }

    public static Props Props(RoomRelayServices services) => Akka.Actor.Props.Create(() => new RoomRelaysActor(services));

    protected override void PreStart()
    {
        if (_clustered)
        {
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));
        }
    }

    protected override void PostStop()
    {
        if (_clustered)
        {
            Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        }
    }

    protected override bool OnOther(object message)
    {
        switch (message)
        {
            case ClusterEvent.MemberRemoved removed:
                Log.Info("Node {0} left the cluster; its participants leave their rooms", removed.Member.Address);
                var gone = new NodeGone(removed.Member.Address);
                foreach (var relay in Entities)
                {
                    relay.Tell(gone);
                }

                return true;
            case ClusterEvent.IMemberEvent:
                return true;
            default:
                return false;
        }
    }
}
