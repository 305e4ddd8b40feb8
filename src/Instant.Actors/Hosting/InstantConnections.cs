using Akka.Actor;
using Akka.Hosting;
using Instant.Actors.Connections;
using Instant.Actors.Identity;

namespace Instant.Actors.Hosting;

/// <summary>
/// Opens connections: a <see cref="ConnectionActor"/> per socket (or in-process participant),
/// attached to the room lookup seam. The web layer and embedded participants both use it.
/// </summary>
public sealed class InstantConnections
{
    private readonly ActorSystem _system;
    private readonly ActorRegistry _registry;
    private readonly Lazy<ConnectionServices> _services;
    private readonly IdGenerator _ids;
    private readonly UuidFactory _uuids;

    public InstantConnections(
        ActorSystem system, ActorRegistry registry, ParticipantDirectory directory, IdGenerator ids,
        UuidFactory uuids, TimeProvider time, ServerInfo server, ConnectionLimits limits)
    {
        _system = system;
        _registry = registry;
        _ids = ids;
        _uuids = uuids;
        // The room region is registered while the actor system starts, after this is built.
        _services = new Lazy<ConnectionServices>(() => new ConnectionServices(
            _registry.Get<RoomRegion>(), directory, ids, time, server, limits));
    }

    /// <summary>A fresh connection id, and the identity UUID derived from it for newcomers.</summary>
    public (long Id, string FreshUuid) NewParticipant()
    {
        long id = _ids.Next();
        return (id, _uuids.FromId(id));
    }

    /// <summary>Starts the connection actor; it sends <c>identity</c> through the sink and joins the room.</summary>
    public IActorRef Open(ConnectionIdentity identity, IConnectionSink sink)
        => _system.ActorOf(ConnectionActor.Props(identity, _services.Value, sink), "c" + IdFormat.ToHex(identity.Id));
}
