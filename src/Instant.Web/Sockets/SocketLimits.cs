namespace Instant.Web.Sockets;

/// <summary>Limits of the WebSocket transport, from configuration (see <c>instant --help</c>).</summary>
public sealed record SocketLimits
{
    public int MaxFrameSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Bytes of unfinished client messages all connections together may hold (<see cref="Sockets.InputBudget"/>).</summary>
    public long InputBudget { get; init; } = 64 * 1024 * 1024;
    public long OutboxBytes { get; init; } = 16 * 1024 * 1024;
    public int OutboxFrames { get; init; } = 65536;
    public int MaxConnections { get; init; } = 10000;
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>WebSocket pings a client may send per second on average (the message rate limit); 0 for no limit.</summary>
    public double PingsPerSecond { get; init; } = 5000;

    /// <summary>Pings allowed in a burst above that rate.</summary>
    public double PingBurst { get; init; } = 10000;
}
