using Akka.Actor;
using Akka.Hosting;
using Instant.Actors.Connections;
using Instant.Actors.Identity;

namespace Instant.Actors.Hosting;

/// <summary>
/// Opens connections: a <see cref="ConnectionActor"/> per socket (or in-process participant),
/// a child of <see cref="ConnectionsActor"/>, attached to its node's room relays. The web layer
/// and embedded participants both use it.
/// </summary>
public sealed class InstantConnections
{
    private readonly IdGenerator _ids;
    private readonly UuidFactory _uuids;
    private readonly Lazy<IActorRef> _parent;

    public InstantConnections(ActorRegistry registry, IdGenerator ids, UuidFactory uuids)
    {
        _ids = ids;
        _uuids = uuids;
        // The parent is registered while the actor system starts, after this is built.
        _parent = new Lazy<IActorRef>(registry.Get<ConnectionsActor>);
    }

    /// <summary>A fresh connection id, and the identity UUID derived from it for newcomers.</summary>
    public (long Id, string FreshUuid) NewParticipant()
    {
        long id = _ids.Next();
        return (id, _uuids.FromId(id));
    }

    /// <summary>Starts the connection actor; it sends <c>identity</c> through the sink and joins the room.</summary>
    public Task<IActorRef> OpenAsync(ConnectionIdentity identity, IConnectionSink sink)
    {
        var opened = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
        _parent.Value.Tell(new OpenConnection(identity, sink, opened));
        return opened.Task;
    }
}
