using Akka.Actor;
using Akka.Hosting;
using Instant.Actors.Connections;
using Instant.Actors.Identity;
using Instant.Actors.Rooms;
using Microsoft.Extensions.DependencyInjection;

namespace Instant.Actors.Hosting;

/// <summary>Wires the Instant domain into an Akka.Hosting actor system; production and tests both call these.</summary>
public static class InstantHostingExtensions
{
    /// <summary>
    /// Registers what rooms and connections share: ids, UUIDs, time, the participant directory,
    /// limits and the server facts clients are told. Call once per process.
    /// </summary>
    public static IServiceCollection AddInstantCore(
        this IServiceCollection services, ServerInfo server, ConnectionLimits limits, TimeSpan roomIdleTimeout)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new IdGenerator(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new UuidFactory());
        services.AddSingleton(server);
        services.AddSingleton(limits);
        services.AddSingleton<ParticipantDirectory>();
        services.AddSingleton(sp => new RoomServices(
            sp.GetRequiredService<IdGenerator>(), sp.GetRequiredService<TimeProvider>(), roomIdleTimeout));
        services.AddSingleton<InstantConnections>();
        return services;
    }

    /// <summary>The text of hocon/instant.hocon, embedded in this assembly.</summary>
    public static string DefaultHocon { get; } = ReadDefaultHocon();

    /// <summary>Adds the embedded HOCON defaults; settings given elsewhere take precedence.</summary>
    public static AkkaConfigurationBuilder AddInstantDefaults(this AkkaConfigurationBuilder builder)
        => builder.AddHocon(DefaultHocon, HoconAddMode.Append);

    private static string ReadDefaultHocon()
    {
        using var stream = typeof(InstantHostingExtensions).Assembly.GetManifestResourceStream("Instant.Actors.instant.hocon")
            ?? throw new InvalidOperationException("the embedded instant.hocon is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Starts the single-process room lookup and registers it as <see cref="RoomRegion"/>.</summary>
    public static AkkaConfigurationBuilder AddInstantRooms(this AkkaConfigurationBuilder builder)
        => builder.WithActors((system, registry, resolver) =>
        {
            var services = resolver.GetService<RoomServices>();
            var rooms = system.ActorOf(RoomRegistryActor.Props(services), "rooms");
            registry.Register<RoomRegion>(rooms);
        });
}
