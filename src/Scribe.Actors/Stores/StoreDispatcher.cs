using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;

namespace Scribe.Actors.Stores;

/// <summary>
/// The dispatcher blocking store work runs on: a fork-join executor, whose threads are its own
/// (a dedicated pool, not the .NET thread pool), so a slow disk never takes a thread of the
/// default dispatcher, where rooms and connections run. Each store has one worker actor on it.
/// An actor system's configuration may define <c>scribe.store-dispatcher</c> itself; otherwise
/// it is registered with these defaults on first use.
/// </summary>
public static class StoreDispatcher
{
    public const string Id = "scribe.store-dispatcher";

    private static readonly object Gate = new();

    /// <summary>Makes sure <see cref="Id"/> names a dispatcher of <paramref name="system"/>; returns it.</summary>
    public static string Ensure(ActorSystem system)
    {
        lock (Gate)
        {
            if (system.Dispatchers.HasDispatcher(Id))
            {
                return Id;
            }

            var config = ConfigurationFactory.ParseString($$"""
                id = "{{Id}}"
                type = Dispatcher
                executor = fork-join-executor
                throughput = 10
                fork-join-executor { parallelism-min = 2, parallelism-factor = 1.0, parallelism-max = 4 }
                """)
                .WithFallback(system.Settings.Config.GetConfig("akka.actor.default-dispatcher"));
            system.Dispatchers.RegisterConfigurator(Id, new DispatcherConfigurator(config, system.Dispatchers.Prerequisites));
            return Id;
        }
    }
}
