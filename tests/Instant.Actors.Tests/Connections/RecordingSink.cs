using System.Collections.Concurrent;
using System.Text.Json;
using Instant.Actors.Connections;

namespace Instant.Actors.Tests.Connections;

/// <summary>A connection sink that keeps what it is sent; it can play a full outbox.</summary>
public sealed class RecordingSink : IConnectionSink
{
    private readonly BlockingCollection<byte[]> _frames = new();

    public bool Full { get; set; }

    public ConnectionCloseReason? ClosedWith { get; private set; }

    public bool TrySend(byte[] frame)
    {
        if (Full)
        {
            return false;
        }

        _frames.Add(frame);
        return true;
    }

    public void Close(ConnectionCloseReason reason) => ClosedWith ??= reason;

    /// <summary>The next frame sent, parsed; fails after a few seconds without one.</summary>
    public JsonElement Next()
    {
        Xunit.Assert.True(_frames.TryTake(out var frame, TimeSpan.FromSeconds(5)), "no frame was sent within 5 s");
        return JsonDocument.Parse(frame!).RootElement;
    }
}
