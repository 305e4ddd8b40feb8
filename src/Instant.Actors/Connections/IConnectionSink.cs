namespace Instant.Actors.Connections;

/// <summary>
/// The socket as seen by actors: where a <see cref="ConnectionActor"/> puts outgoing frames
/// and how it closes the connection. A WebSocket, or an in-process participant such as an
/// embedded Scribe, sits behind it.
/// </summary>
public interface IConnectionSink
{
    /// <summary>Queues one UTF-8 JSON frame; false when the outbox is full (the reader has stalled).</summary>
    bool TrySend(byte[] frame);

    /// <summary>
    /// As <see cref="TrySend(byte[])"/>, for a relayed frame stamped when the relay handed it
    /// out (<see cref="Deliver.RelayedAt"/>); a sink that writes to a socket may time it.
    /// </summary>
    bool TrySend(byte[] frame, long relayedAt) => TrySend(frame);

    /// <summary>Closes the connection; frames already queued may be dropped.</summary>
    void Close(ConnectionCloseReason reason);
}

/// <summary>Why the server closes a connection.</summary>
public enum ConnectionCloseReason
{
    /// <summary>The server is shutting down.</summary>
    ServerShutdown,

    /// <summary>The reader fell too far behind and its outbox overflowed.</summary>
    OutboxOverflow,

    /// <summary>The client promised a ping by a deadline and did not keep it.</summary>
    PingTimeout,

    /// <summary>Something went wrong on the server side.</summary>
    InternalError,

    /// <summary>An operator disconnected it (the backend console).</summary>
    Disconnected,
}
