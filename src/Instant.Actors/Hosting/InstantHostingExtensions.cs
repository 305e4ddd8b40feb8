using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Instant.Actors.Cluster;
using Instant.Actors.Connections;
using Instant.Actors.Diagnostics;
using Instant.Actors.Identity;
using Instant.Actors.Rooms;
using Microsoft.Extensions.DependencyInjection;

namespace Instant.Actors.Hosting;

/// <summary>Wires the Instant domain into an Akka.Hosting actor system; production and tests both call these.</summary>
public static class InstantHostingExtensions
{
    /// <summary>
    /// Registers what rooms and connections share: ids, UUIDs, time, the participant directory,
    /// limits and the server facts clients are told. Call once per process; a
    /// <paramref name="clustered"/> process makes ids only once its node has a slot.
    /// </summary>
    public static IServiceCollection AddInstantCore(
        this IServiceCollection services, ServerInfo server, ConnectionLimits limits, TimeSpan roomIdleTimeout, bool clustered = false)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new IdGenerator(sp.GetRequiredService<TimeProvider>(), clustered));
        services.AddSingleton(new UuidFactory());
        services.AddSingleton(server);
        services.AddSingleton(limits);
        services.AddSingleton<ParticipantDirectory>();
        services.AddSingleton<CrossNodeTraffic>();
        services.AddSingleton<ConnectionMetrics>();
        services.AddSingleton<RoomMetrics>();
        services.AddSingleton(sp => new RoomServices(
            sp.GetRequiredService<IdGenerator>(), sp.GetRequiredService<TimeProvider>(), roomIdleTimeout)
        {
            Clustered = clustered,
            Traffic = sp.GetRequiredService<CrossNodeTraffic>(),
            Metrics = sp.GetRequiredService<RoomMetrics>(),
        });
        services.AddSingleton<InstantConnections>();
        services.AddSingleton<RemoteParticipants>();
        return services;
    }

    /// <summary>The text of hocon/instant.hocon, embedded in this assembly.</summary>
    public static string DefaultHocon { get; } = ReadHocon("Instant.Actors.instant.hocon");

    /// <summary>The text of hocon/cluster.hocon: the Akka settings of cluster mode.</summary>
    public static string ClusterHocon { get; } = ReadHocon("Instant.Actors.cluster.hocon");

    /// <summary>Adds the embedded HOCON defaults; settings given elsewhere take precedence.</summary>
    public static AkkaConfigurationBuilder AddInstantDefaults(this AkkaConfigurationBuilder builder)
        => builder.AddHocon(DefaultHocon, HoconAddMode.Append);

    /// <summary>
    /// Single-process rooms: a <see cref="LocalEntityParent"/> with a <see cref="RoomActor"/> per
    /// room, registered as <see cref="RoomRegion"/>, and this process's relays and connections.
    /// </summary>
    public static AkkaConfigurationBuilder AddInstantRooms(this AkkaConfigurationBuilder builder)
        => builder
            .WithActors((system, registry, resolver) =>
            {
                var services = resolver.GetService<RoomServices>();
                var rooms = system.ActorOf(LocalEntityParent.Props(room => RoomActor.Props(room, services), new RoomMessageExtractor()), "rooms");
                registry.Register<RoomRegion>(rooms);
            })
            .AddNodeActors(clustered: false);

    /// <summary>
    /// Cluster mode: Akka.Remote and Akka.Cluster with a split-brain resolver, rooms as Cluster
    /// Sharding entities (same extractor as in one process), the id-slot singleton, and this
    /// node's relays, connections and participant gateway.
    /// </summary>
    public static AkkaConfigurationBuilder AddInstantCluster(this AkkaConfigurationBuilder builder, InstantClusterSettings settings)
    {
        builder.AddHocon(ClusterHocon, HoconAddMode.Append);
        builder.WithRemoting(settings.Host, settings.Port, settings.PublicHost);
        builder.WithClustering(new ClusterOptions
        {
            SeedNodes = settings.SeedAddresses().ToArray(),
            // The side with more nodes stays when the cluster splits; an unreachable node is
            // downed after stable-after (cluster.hocon), and its participants then leave.
            SplitBrainResolver = new KeepMajorityOption(),
        });
        builder.WithCustomSerializer("instant-cluster", [typeof(IClusterMessage)], system => new ClusterMessageSerializer(system));
        builder.WithShardRegion<RoomRegion>(
            "room",
            (_, _, resolver) =>
            {
                var services = resolver.GetService<RoomServices>();
                return room => RoomActor.Props(room, services);
            },
            new RoomMessageExtractor(),
            new ShardOptions
            {
                // Rooms are rebuilt on demand from their members' relays; nothing to remember.
                RememberEntities = false,
                StateStoreMode = StateStoreMode.DData,
                // Rooms passivate themselves once empty and idle (RoomActor).
                ShouldPassivateIdleEntities = false,
            });
        builder.WithSingleton<IdSlotAllocatorActor>("id-slots", IdSlotAllocatorActor.Props(), new ClusterSingletonOptions(), createProxyToo: true);
        builder.WithActors((system, registry, resolver) =>
        {
            var remote = resolver.GetService<RemoteParticipants>();
            system.ActorOf(IdSlotClientActor.Props(registry.Get<IdSlotAllocatorActor>(), resolver.GetService<IdGenerator>(), remote), "id-slot");
            system.ActorOf(ParticipantGatewayActor.Props(resolver.GetService<ParticipantDirectory>(), resolver.GetService<ConnectionMetrics>()), ParticipantGatewayActor.Name);
            resolver.GetService<CrossNodeTraffic>().WatchMembership(Akka.Cluster.Cluster.Get(system));
        });
        return builder.AddNodeActors(clustered: true);
    }

    /// <summary>What runs on every node: the room relays (registered as <see cref="RoomRelaysActor"/>) and the connections' parent.</summary>
    private static AkkaConfigurationBuilder AddNodeActors(this AkkaConfigurationBuilder builder, bool clustered)
        => builder.WithActors((system, registry, resolver) =>
        {
            var time = resolver.GetService<TimeProvider>();
            var metrics = resolver.GetService<ConnectionMetrics>();
            var relays = system.ActorOf(RoomRelaysActor.Props(new RoomRelayServices(registry.Get<RoomRegion>(), time, clustered) { Metrics = metrics }), "room-relays");
            registry.Register<RoomRelaysActor>(relays);
            var services = new ConnectionServices(
                relays, resolver.GetService<ParticipantDirectory>(), resolver.GetService<IdGenerator>(), time,
                resolver.GetService<ServerInfo>(), resolver.GetService<ConnectionLimits>())
            {
                RemoteParticipants = clustered ? resolver.GetService<RemoteParticipants>() : null,
                Hooks = resolver.GetService<IConnectionHooks>(),
                Metrics = metrics,
            };
            registry.Register<ConnectionsActor>(system.ActorOf(ConnectionsActor.Props(services), ConnectionsActor.Name));
        });

    private static string ReadHocon(string name)
    {
        using var stream = typeof(InstantHostingExtensions).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the embedded {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
