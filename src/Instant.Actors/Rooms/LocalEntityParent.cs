using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace Instant.Actors.Rooms;

/// <summary>
/// A child per entity, created on its first message, in one process: what a Cluster Sharding
/// region is in a cluster, fed by the same extractor. Children passivate with Akka's
/// <see cref="Passivate"/>, as sharded entities do: messages arriving while one stops are
/// buffered and start it again.
/// </summary>
public class LocalEntityParent : UntypedActor
{
    private readonly Func<string, Props> _entityProps;
    private readonly IMessageExtractor _extractor;
    private readonly Dictionary<string, IActorRef> _entities = new();
    private readonly Dictionary<IActorRef, string> _ids = new();
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _stopping = new();
    private ILoggingAdapter? _log;

    public LocalEntityParent(Func<string, Props> entityProps, IMessageExtractor extractor)
    {
        _entityProps = entityProps;
        _extractor = extractor;
    }

    protected ILoggingAdapter Log => _log ??= Context.GetLogger();

    /// <summary>The live children.</summary>
    protected IEnumerable<IActorRef> Entities => _entities.Values;

    public static Props Props(Func<string, Props> entityProps, IMessageExtractor extractor)
        => Akka.Actor.Props.Create(() => new LocalEntityParent(entityProps, extractor));

    // An entity that throws keeps its state: a room restarted would silently drop everyone.
    protected override SupervisorStrategy SupervisorStrategy()
        => new OneForOneStrategy(ex =>
        {
            Log.Error(ex, "An entity failed; resuming it");
            return Directive.Resume;
        });

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Passivate passivate:
                StartPassivation(passivate);
                break;
            case Terminated terminated:
                EntityStopped(terminated.ActorRef);
                break;
            default:
                if (!OnOther(message))
                {
                    Route(message);
                }

                break;
        }
    }

    /// <summary>A message that is not for an entity; true if handled.</summary>
    protected virtual bool OnOther(object message) => false;

    private void Route(object message)
    {
        if (_extractor.EntityId(message) is not { } id)
        {
            Unhandled(message);
            return;
        }

        var payload = _extractor.EntityMessage(message) ?? message;
        if (_stopping.TryGetValue(id, out var buffer))
        {
            buffer.Add((payload, Sender));
            return;
        }

        EntityFor(id).Forward(payload);
    }

    private IActorRef EntityFor(string id)
    {
        if (!_entities.TryGetValue(id, out var entity))
        {
            entity = Context.ActorOf(_entityProps(id), Uri.EscapeDataString(id));
            Context.Watch(entity);
            _entities[id] = entity;
            _ids[entity] = id;
        }

        return entity;
    }

    private void StartPassivation(Passivate passivate)
    {
        if (_ids.TryGetValue(Sender, out var id) && !_stopping.ContainsKey(id))
        {
            _stopping[id] = new List<(object, IActorRef)>();
            Sender.Tell(passivate.StopMessage);
        }
    }

    private void EntityStopped(IActorRef entity)
    {
        if (!_ids.Remove(entity, out var id))
        {
            return;
        }

        _entities.Remove(id);
        if (_stopping.Remove(id, out var buffer) && buffer.Count > 0)
        {
            var restarted = EntityFor(id);
            foreach (var (message, sender) in buffer)
            {
                restarted.Tell(message, sender);
            }
        }
    }
}
