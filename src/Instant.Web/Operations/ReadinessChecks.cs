using Akka.Actor;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Scribe.Actors.Hosting;

namespace Instant.Web.Operations;

/// <summary>Ready once the server's port is bound (the host has started) and until it begins to stop.</summary>
public sealed class PortServesCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("stopping")
            : lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy("serving")
            : HealthCheckResult.Unhealthy("not serving yet"));
}

/// <summary>
/// Ready when every room Scribe (<c>instant.scribe.rooms</c>) of this single-process server has
/// its connection to its room open. In a cluster a room's Scribe may live on any node and the
/// nodes keep it running, so a node's readiness does not wait for it.
/// </summary>
public sealed class EmbeddedScribesCheck(IServiceProvider services, IReadOnlyList<string> rooms) : IHealthCheck
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var system = (ActorSystem)services.GetService(typeof(ActorSystem))!;
        var missing = new List<string>();
        foreach (string room in rooms)
        {
            try
            {
                if (!await EmbeddedScribes.FindRoomScribe(system, room).Ask<bool>(IsInRoom.Instance, AskTimeout, cancellationToken))
                {
                    missing.Add(room);
                }
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or ActorNotFoundException)
            {
                missing.Add(room);
            }
        }

        return missing.Count == 0
            ? HealthCheckResult.Healthy($"{rooms.Count} in their rooms")
            : HealthCheckResult.Unhealthy("not in their rooms: " + string.Join(", ", missing));
    }
}

/// <summary>Ready when this node is an <c>Up</c> member of its cluster.</summary>
public sealed class ClusterMemberUpCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var system = (ActorSystem)services.GetService(typeof(ActorSystem))!;
        var status = Akka.Cluster.Cluster.Get(system).SelfMember.Status;
        return Task.FromResult(status == Akka.Cluster.MemberStatus.Up
            ? HealthCheckResult.Healthy("Up")
            : HealthCheckResult.Unhealthy(status.ToString()));
    }
}
