using Akka.Actor;

namespace Instant.Actors.Hosting;

/// <summary>
/// Props that build an actor with a plain constructor call. Akka's
/// <c>Props.Create(() =&gt; new T(...))</c> builds and evaluates an expression tree for every
/// Props and then finds the constructor by reflection for every instance; for the actors made
/// once per connection or room (a connection, its room, the room's relay) that was about 6 % of
/// the server's CPU per connection (docs/PERFORMANCE.md, "Where the server's CPU goes").
/// </summary>
public sealed class DirectActorProducer<TActor> : IIndirectActorProducer
    where TActor : ActorBase
{
    private readonly Func<TActor> _create;

    private DirectActorProducer(Func<TActor> create) => _create = create;

    public Type ActorType => typeof(TActor);

    /// <summary>Props whose every incarnation is a fresh <paramref name="create"/>().</summary>
    public static Props Props(Func<TActor> create) => Akka.Actor.Props.CreateBy(new DirectActorProducer<TActor>(create));

    public ActorBase Produce() => _create();

    public void Release(ActorBase actor)
    {
    }
}
