using Akka.Actor;
using Instant.Actors.Cluster;
using Instant.Actors.Diagnostics;
using Instant.Actors.Identity;

namespace Instant.Actors.Connections;

/// <summary>
/// What every connection shares: its node's room relays, the participants of this process,
/// ids, time, server facts and limits; in a cluster, how to reach participants of other nodes.
/// </summary>
public sealed record ConnectionServices(
    IActorRef Rooms,
    ParticipantDirectory Directory,
    IdGenerator Ids,
    TimeProvider Time,
    ServerInfo Server,
    ConnectionLimits Limits)
{
    public RemoteParticipants? RemoteParticipants { get; init; }

    /// <summary>The plugins' hooks on connections; null when no plugin is loaded.</summary>
    public IConnectionHooks? Hooks { get; init; }

    public ConnectionMetrics Metrics { get; init; } = new();
}

/// <summary>Per-connection limits with defaults; see docs/SERVER.md for the configuration keys.</summary>
public sealed record ConnectionLimits
{
    /// <summary>How long after a missed ping deadline the connection is closed.</summary>
    public TimeSpan PingGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Messages per second a client may send on average; 0 for no limit.</summary>
    public double MessagesPerSecond { get; init; } = 5000;

    /// <summary>How many messages a client may send in a burst above the average rate.</summary>
    public double MessageBurst { get; init; } = 10000;
}

/// <summary>Who one connection is: its room (or <see cref="Rooms.RoomNames.Api"/>), id and identity UUID.</summary>
public sealed record ConnectionIdentity(string Room, long Id, string Uuid);
