using Instant.Actors.Identity;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Instant.Web.Sockets;

/// <summary>
/// Holds the port closed until this node has joined its cluster and holds an id slot: before
/// that it could make no ids, so it could admit no one. Waits as long as it takes (seeds may
/// start in any order), saying so every few seconds.
/// </summary>
public sealed class ClusterJoined(IdGenerator ids, IEnumerable<string> seeds, ILogger log) : IHostedService
{
    private static readonly TimeSpan Report = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        string via = string.Join(", ", seeds);
        log.LogInformation("Joining the cluster through {Seeds}...", via);
        var started = DateTime.UtcNow;
        var nextReport = started + Report;
        while (ids.Slot is null)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            if (DateTime.UtcNow >= nextReport)
            {
                log.LogWarning("Still joining the cluster through {Seeds} after {Seconds:0} s", via, (DateTime.UtcNow - started).TotalSeconds);
                nextReport += Report;
            }
        }

        log.LogInformation("Joined the cluster; this node makes ids in slot {Slot}", ids.Slot);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
