using System.Collections.Concurrent;
using System.Text.Json;
using Instant.Actors.Connections;

namespace Instant.Actors.Tests.Connections;

/// <summary>
/// A connection sink that holds what it is given to hold, as a socket's does: a held frame is
/// written only by <see cref="Flush"/>, the next unheld frame, or never. Close is recorded in order.
/// </summary>
public sealed class HoldingSink : IConnectionSink
{
    private readonly object _lock = new();
    private readonly List<byte[]> _held = new();
    private readonly BlockingCollection<string> _written = new();

    public bool TrySend(byte[] frame)
    {
        lock (_lock)
        {
            WriteHeld();
            _written.Add(JsonDocument.Parse(frame).RootElement.GetRawText());
        }

        return true;
    }

    public bool TryHold(byte[] frame, long relayedAt)
    {
        lock (_lock)
        {
            _held.Add(frame);
        }

        return true;
    }

    public void Flush()
    {
        lock (_lock)
        {
            WriteHeld();
        }
    }

    public void Close(ConnectionCloseReason reason) => _written.Add("closed: " + reason);

    /// <summary>The next frame written (its JSON text) or close; fails after a few seconds without one.</summary>
    public string Next()
    {
        Xunit.Assert.True(_written.TryTake(out var written, TimeSpan.FromSeconds(5)), "nothing was written within 5 s");
        return written!;
    }

    private void WriteHeld()
    {
        foreach (var frame in _held)
        {
            _written.Add(JsonDocument.Parse(frame).RootElement.GetRawText());
        }

        _held.Clear();
    }
}
