using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.DependencyInjection;
using Akka.Hosting;
using Instant.Actors.Hosting;
using Instant.Actors.Rooms;
using Scribe.Actors.Journal;

namespace Scribe.Actors.Hosting;

/// <summary>Finds embedded Scribes: each is the top-level actor <c>scribe-ROOM</c>.</summary>
public static class EmbeddedScribes
{
    public static string ActorName(string room) => "scribe-" + room;

    /// <summary>The embedded Scribe of a room; it answers <see cref="Protocol.GetLogBounds"/> and <see cref="Protocol.IsLogsDone"/>.</summary>
    public static ActorSelection Find(ActorSystem system, string room) => system.ActorSelection("/user/" + ActorName(room));

    /// <summary>
    /// The server's Scribe of a room (<c>instant.scribe.rooms</c>) in one process: an entity of
    /// the local Scribe region (<see cref="ScribeHostingExtensions.AddRoomScribes"/>).
    /// </summary>
    public static ActorSelection FindRoomScribe(ActorSystem system, string room) => system.ActorSelection("/user/scribes/" + room);
}

/// <summary>Akka.Hosting wiring for embedded Scribes.</summary>
public static class ScribeHostingExtensions
{
    /// <summary>
    /// Attaches a Scribe to a room of this actor system (in-process, no WebSocket). Call after
    /// <c>AddInstantRooms()</c>; needs <c>AddInstantCore(...)</c> in the services.
    /// </summary>
    public static AkkaConfigurationBuilder AddEmbeddedScribe(this AkkaConfigurationBuilder builder, EmbeddedScribeOptions options)
        => builder.WithActors((system, _, resolver) =>
        {
            var connections = resolver.GetService<InstantConnections>();
            // Counted when the host registered a ScribeMetrics (the instant server does).
            var metrics = resolver.GetService<Protocol.ScribeMetrics>();
            system.ActorOf(EmbeddedScribeActor.Props(connections, options, metrics), EmbeddedScribes.ActorName(options.Room));
        });

    /// <summary>
    /// One Scribe per named room, each with its own SQLite database <c>DIRECTORY/ROOM.sqlite</c>
    /// (and logfile <c>DIRECTORY/ROOM.log</c> when <paramref name="writeLogfiles"/>).
    /// </summary>
    public static AkkaConfigurationBuilder AddEmbeddedScribes(
        this AkkaConfigurationBuilder builder, IEnumerable<string> rooms, string directory, Protocol.ScribeSettings? settings = null, bool writeLogfiles = false)
    {
        Directory.CreateDirectory(directory);
        foreach (var room in rooms)
        {
            builder.AddEmbeddedScribe(new EmbeddedScribeOptions
            {
                Room = room,
                MessageDb = Path.Combine(directory, room + ".sqlite"),
                LogFile = writeLogfiles ? Path.Combine(directory, room + ".log") : null,
                Settings = settings ?? new Protocol.ScribeSettings(),
            });
        }

        return builder;
    }

    /// <summary>
    /// The embedded Scribes a server configuration asks for (<see cref="EmbeddedScribeConfiguration"/>);
    /// nothing when <c>instant.scribe.rooms</c> is empty.
    /// </summary>
    public static AkkaConfigurationBuilder AddEmbeddedScribes(this AkkaConfigurationBuilder builder, EmbeddedScribeConfiguration configuration)
        => configuration.Rooms.Count == 0
            ? builder
            : builder.AddEmbeddedScribes(configuration.Rooms, configuration.Directory, configuration.Settings, configuration.WriteLogfiles);

    /// <summary>How often every node sends <see cref="EnsureScribe"/> for each configured room.</summary>
    public static readonly TimeSpan KeepInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The server's room Scribes (<c>instant.scribe.rooms</c>), one code path for both modes: each
    /// room's Scribe is an entity (an <see cref="EmbeddedScribeActor"/> over the room's journal)
    /// of the <see cref="ScribeRegion"/>, a Cluster Sharding region when <paramref name="clustered"/>
    /// (one Scribe per room in the whole cluster) and a local entity parent otherwise; a
    /// <see cref="ScribeKeeperActor"/> on every node keeps the entities running. Call after
    /// <c>AddInstantRooms()</c> or <c>AddInstantCluster(...)</c>; nothing when no room is named.
    /// </summary>
    public static AkkaConfigurationBuilder AddRoomScribes(
        this AkkaConfigurationBuilder builder, EmbeddedScribeConfiguration configuration, ScribeJournalConfig journal, bool clustered)
    {
        if (configuration.Rooms.Count == 0)
        {
            return builder;
        }

        if (configuration.WriteLogfiles)
        {
            Directory.CreateDirectory(configuration.Directory);
        }

        builder.AddScribeJournal(journal);
        // Stored posts are counted when the host registered a ScribeMetrics (the instant server does).
        Func<string, Props> EntityProps(IDependencyResolver resolver) => room => EmbeddedScribeActor.Props(resolver.GetService<InstantConnections>(), new EmbeddedScribeOptions
        {
            Room = room,
            Journal = journal,
            LogFile = configuration.WriteLogfiles ? Path.Combine(configuration.Directory, room + ".log") : null,
            Settings = configuration.Settings,
        }, resolver.GetService<Protocol.ScribeMetrics>());

        if (clustered)
        {
            builder.WithCustomSerializer("scribe-cluster", [typeof(IScribeClusterMessage)], system => new ScribeClusterSerializer(system));
            builder.WithShardRegion<ScribeRegion>(
                "scribe",
                (_, _, resolver) => EntityProps(resolver),
                new ScribeMessageExtractor(),
                new ShardOptions
                {
                    // The keepers start the entities again; nothing to remember.
                    RememberEntities = false,
                    StateStoreMode = StateStoreMode.DData,
                    ShouldPassivateIdleEntities = false,
                    HandOffStopMessage = StopScribe.Instance,
                });
        }
        else
        {
            builder.WithActors((system, registry, resolver) =>
                registry.Register<ScribeRegion>(system.ActorOf(
                    LocalEntityParent.Props(EntityProps(resolver), new ScribeMessageExtractor()), "scribes")));
        }

        return builder.WithActors((system, registry, _) =>
            system.ActorOf(ScribeKeeperActor.Props(configuration.Rooms, registry.Get<ScribeRegion>(), KeepInterval), "scribe-keeper"));
    }
}
