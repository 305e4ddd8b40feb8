using Instant.Load.Cli;
using Instant.Load.Metrics;

namespace Instant.Load.Client;

/// <summary>What every simulated client of one process shares: options, metrics, sockets, trackers.</summary>
internal sealed class RunContext(LoadOptions options, LoadMetrics metrics, SocketFactory sockets)
{
    public LoadOptions Options { get; } = options;
    public LoadMetrics Metrics { get; } = metrics;
    public SocketFactory Sockets { get; } = sockets;
    public FanoutTracker Fanout { get; } = new(options.Rooms);
    public long[] SentPerRoom { get; } = new long[options.Rooms];
    public long[] DeliveredPerRoom { get; } = new long[options.Rooms];
    /// <summary>Handshakes in progress at once in this process (--connect-concurrency), connects and reconnects alike.</summary>
    public SemaphoreSlim ConnectSlots { get; } = new(options.ConnectConcurrency);
    /// <summary>Text that pads each post's data to about --size bytes.</summary>
    public string Padding { get; } = new('x', Math.Max(0, options.MessageSize - 110));
    /// <summary>Called on the receive path when a sender sees its own post come back.</summary>
    public Action<LoadClient, long>? OnEcho { get; set; }
    /// <summary>Called when a sender loses its connection with this many posts outstanding.</summary>
    public Action<int>? OnAbandoned { get; set; }
    /// <summary>Set once the run closes its connections on purpose: closes are no longer disconnects.</summary>
    public volatile bool Closing;
    /// <summary>Cancelled when the run stops: ends reconnect attempts.</summary>
    public CancellationToken RunToken { get; set; }
    /// <summary>Posts a history joiner should receive.</summary>
    public int ExpectedHistoryPosts { get; set; }
}
