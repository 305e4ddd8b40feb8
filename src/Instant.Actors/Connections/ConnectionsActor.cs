using Akka.Actor;
using Akka.Event;
using Instant.Actors.Identity;
using Instant.Protocol;

namespace Instant.Actors.Connections;

/// <summary>
/// The parent of this process's connection actors. A connection that fails is stopped, never
/// restarted: a restart would send a second <c>identity</c> and join twice. Its
/// <c>PostStop</c> closes the socket and leaves the room.
/// </summary>
public sealed class ConnectionsActor : ReceiveActor
{
    public const string Name = "connections";

    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ConnectionsActor(ConnectionServices services)
    {
        Receive<OpenConnection>(open =>
        {
            try
            {
                // The child completes Opened itself once its identity frame is queued.
                Context.ActorOf(ConnectionActor.Props(open.Identity, services, open.Sink, open.Opened), "c" + IdFormat.ToHex(open.Identity.Id));
            }
            catch (Exception e)
            {
                open.Opened.TrySetException(e);
            }
        });
    }

    public static Props Props(ConnectionServices services) => Akka.Actor.Props.Create(() => new ConnectionsActor(services));

    protected override SupervisorStrategy SupervisorStrategy()
        => new OneForOneStrategy(e =>
        {
            _log.Error(e, "A connection failed; closing it");
            return Directive.Stop;
        });
}

/// <summary>Start the connection actor of <paramref name="Identity"/> over <paramref name="Sink"/>; its reference completes <paramref name="Opened"/> once it has queued <c>identity</c>.</summary>
public sealed record OpenConnection(ConnectionIdentity Identity, IConnectionSink Sink, TaskCompletionSource<IActorRef> Opened)
    : INoSerializationVerificationNeeded;
