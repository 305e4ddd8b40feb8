using Akka.Actor;

namespace Scribe.Actors.Stores;

/// <summary>
/// Runs work on one <see cref="IMessageStore"/>, one item at a time, on the
/// <see cref="StoreDispatcher"/>: the store is not thread-safe and its calls block.
/// </summary>
public sealed class StoreWorkerActor : ReceiveActor
{
    public StoreWorkerActor(IMessageStore store)
    {
        Receive<StoreWork>(work => work.Run(store));
    }

    public static Props Props(IMessageStore store, ActorSystem system)
        => Akka.Actor.Props.Create(() => new StoreWorkerActor(store)).WithDispatcher(StoreDispatcher.Ensure(system));
}

/// <summary>One call on the store; it completes its own task, so it never throws.</summary>
public sealed record StoreWork(Action<IMessageStore> Run);
