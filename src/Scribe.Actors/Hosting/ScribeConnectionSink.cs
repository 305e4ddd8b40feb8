using Akka.Actor;
using Instant.Actors.Connections;
using Scribe.Actors.Protocol;

namespace Scribe.Actors.Hosting;

/// <summary>
/// The connection's outgoing side for an embedded Scribe: every server frame (UTF-8 JSON, the
/// bytes a WebSocket client would receive) goes to the Scribe actor's mailbox.
/// </summary>
internal sealed class ScribeConnectionSink(IActorRef scribe) : IConnectionSink
{
    public bool TrySend(byte[] frame)
    {
        scribe.Tell(new ServerFrame(frame));
        return true;
    }

    public void Close(ConnectionCloseReason reason)
    {
        // The connection actor stops right after this; the embedding actor watches it and
        // tells Scribe the connection is gone.
    }
}
