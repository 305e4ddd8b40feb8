using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace Scribe.Actors.Hosting;

/// <summary>The binary form of every <see cref="IScribeClusterMessage"/>: a one-letter manifest, then the fields.</summary>
public sealed class ScribeClusterSerializer : SerializerWithStringManifest
{
    /// <summary>Akka's serializer id for this one (the journal's is 4720, the server's 4711).</summary>
    public const int SerializerId = 4721;

    public ScribeClusterSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        EnsureScribe => "E",
        _ => throw new SerializationException($"no Scribe cluster form for {o.GetType()}"),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        EnsureScribe m => Encoding.UTF8.GetBytes(m.Room),
        _ => throw new SerializationException($"no Scribe cluster form for {obj.GetType()}"),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        "E" => new EnsureScribe(Encoding.UTF8.GetString(bytes)),
        _ => throw new SerializationException($"unknown Scribe cluster manifest '{manifest}'"),
    };
}
