using Akka.Actor;
using Akka.Event;
using Akka.Cluster.Sharding;
using Akka.Hosting;

namespace Instant.Actors.Hosting;

/// <summary>
/// The first step of a node's graceful leave: its room shards are handed to other nodes while
/// its connections are still open, so the rooms' participant sets move whole. Only then does
/// the server close its sockets (1001) and the actor system leave the cluster.
/// </summary>
public static class ClusterHandOff
{
    public static async Task HandOffRoomsAsync(ActorSystem system, ActorRegistry registry, TimeSpan limit)
    {
        if (!registry.TryGet<RoomRegion>(out var region))
        {
            return;
        }

        try
        {
            var stopped = region.WatchAsync();
            region.Tell(GracefulShutdown.Instance);
            await stopped.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            system.Log.Warning("The room shards were not handed off within {0}; leaving anyway", limit);
        }
    }
}
