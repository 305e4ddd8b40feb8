using Akka.Actor;
using Akka.Hosting;
using Instant.Actors.Hosting;

namespace Scribe.Actors.Hosting;

/// <summary>Finds embedded Scribes: each is the top-level actor <c>scribe-ROOM</c>.</summary>
public static class EmbeddedScribes
{
    public static string ActorName(string room) => "scribe-" + room;

    /// <summary>The embedded Scribe of a room; it answers <see cref="Protocol.GetLogBounds"/> and <see cref="Protocol.IsLogsDone"/>.</summary>
    public static ActorSelection Find(ActorSystem system, string room) => system.ActorSelection("/user/" + ActorName(room));
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
}
