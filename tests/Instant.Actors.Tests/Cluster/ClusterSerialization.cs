using Akka.Configuration;

namespace Instant.Actors.Tests.Cluster;

/// <summary>The cluster serializer bound as cluster mode binds it (InstantHostingExtensions.AddInstantCluster), for TestKit systems.</summary>
internal static class ClusterSerialization
{
    public static Config Bound(string extra = "") => ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.instant-cluster = "Instant.Actors.Cluster.ClusterMessageSerializer, Instant.Actors"
          serialization-bindings { "Instant.Actors.Cluster.IClusterMessage, Instant.Actors" = instant-cluster }
          {{extra}}
        }
        """);
}
