using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Instant.Actors.Cluster;

/// <summary>
/// Bound to <c>System.Object</c> in cluster mode (hocon/cluster.hocon) in place of Akka's
/// Newtonsoft JSON fallback: a message that would cross nodes without an explicit binary form
/// fails with its type named, rather than travelling slowly as JSON. Akka's own messages all
/// have serializers of their own.
/// </summary>
public sealed class RefusingSerializer : Serializer
{
    public RefusingSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => ClusterMessageSerializer.SerializerId + 1;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
        => throw new SerializationException($"{obj.GetType()} has no cluster form: mark it IClusterMessage and give it one in ClusterMessageSerializer, or keep it in its process");

    public override object FromBinary(byte[] bytes, Type type)
        => throw new SerializationException($"no cluster form for {type}");
}
