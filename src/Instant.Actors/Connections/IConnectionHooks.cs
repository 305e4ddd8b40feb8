using System.Text.Json;
using Akka.Actor;
using Instant.Actors.Protocol;

namespace Instant.Actors.Connections;

/// <summary>
/// Extension hooks on every connection (the server's plugins). Absent unless something needs
/// them: a connection without hooks pays one null check per frame.
/// </summary>
public interface IConnectionHooks
{
    /// <summary>A connection opens (before <c>identity</c>); the state it returns sees the rest of its life.</summary>
    IConnectionHookState Connect(ConnectionIdentity identity, IActorRef connection);
}

/// <summary>The hooks' view of one connection, called on its actor only.</summary>
public interface IConnectionHookState
{
    /// <summary>Writes extra members into the <c>data</c> of the connection's <c>identity</c> frame.</summary>
    void WriteIdentityFields(Utf8JsonWriter writer);

    /// <summary>A frame from the client, after rate limiting; true when a hook consumed it.</summary>
    bool OnFrame(ClientFrame frame);

    /// <summary>The connection has ended.</summary>
    void OnDisconnect();
}
