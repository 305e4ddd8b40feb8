using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Scribe.Actors.Stores;

namespace Scribe.Actors.Journal;

/// <summary>
/// The stored form of a Scribe log's events and snapshots: a one-letter manifest names the
/// type, the fields follow in a fixed order. A post costs its text plus about 20 bytes; a
/// snapshot's index is delta-encoded (a few bytes a post), so a million posts snapshot in a few
/// megabytes. The identifier is written next to every stored event: it must never change.
/// </summary>
public sealed class ScribeJournalSerializer : SerializerWithStringManifest
{
    /// <summary>Akka's serializer id for the Scribe journal (the cluster serializer uses 4711–4712).</summary>
    public const int SerializerId = 4720;

    private const byte SnapshotVersion = 1;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public ScribeJournalSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        PostStored => "P",
        UuidsRecorded => "U",
        PostsDeleted => "D",
        ScribeLogSnapshot => "S",
        _ => throw new SerializationException($"the Scribe journal serializer does not know {o.GetType()}"),
    };

    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream(obj is ScribeLogSnapshot s ? 16 + s.Ids.Length * 5 : 64);
        using (var writer = new BinaryWriter(buffer, Utf8, leaveOpen: true))
        {
            switch (obj)
            {
                case PostStored post:
                    WritePost(writer, post.Post);
                    break;
                case UuidsRecorded uuids:
                    WriteUuids(writer, uuids.Uuids);
                    break;
                case PostsDeleted deleted:
                    writer.Write7BitEncodedInt(deleted.Ids.Count);
                    foreach (long id in deleted.Ids)
                    {
                        writer.Write(id);
                    }

                    break;
                case ScribeLogSnapshot snapshot:
                    WriteSnapshot(writer, snapshot);
                    break;
                default:
                    throw new SerializationException($"the Scribe journal serializer does not know {obj.GetType()}");
            }
        }

        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Utf8);
        return manifest switch
        {
            "P" => new PostStored(ReadPost(reader)),
            "U" => new UuidsRecorded(ReadUuids(reader)),
            "D" => new PostsDeleted(ReadIds(reader)),
            "S" => ReadSnapshot(reader),
            _ => throw new SerializationException($"unknown Scribe journal manifest '{manifest}'"),
        };
    }

    private static void WritePost(BinaryWriter writer, LogEntry post)
    {
        byte present = (byte)((post.Parent is null ? 0 : 1) | (post.Sender is null ? 0 : 2) | (post.Nick is null ? 0 : 4) | (post.Text is null ? 0 : 8));
        writer.Write(post.Id);
        writer.Write(present);
        if (post.Parent is { } parent)
        {
            writer.Write(parent);
        }

        if (post.Sender is { } sender)
        {
            writer.Write(sender);
        }

        if (post.Nick is { } nick)
        {
            writer.Write(nick);
        }

        if (post.Text is { } text)
        {
            writer.Write(text);
        }
    }

    private static LogEntry ReadPost(BinaryReader reader)
    {
        long id = reader.ReadInt64();
        byte present = reader.ReadByte();
        long? parent = (present & 1) != 0 ? reader.ReadInt64() : null;
        long? sender = (present & 2) != 0 ? reader.ReadInt64() : null;
        string? nick = (present & 4) != 0 ? reader.ReadString() : null;
        string? text = (present & 8) != 0 ? reader.ReadString() : null;
        return new LogEntry(id, parent, sender, nick, text);
    }

    private static void WriteUuids(BinaryWriter writer, IReadOnlyDictionary<long, string> uuids)
    {
        writer.Write7BitEncodedInt(uuids.Count);
        foreach (var (user, uuid) in uuids)
        {
            writer.Write(user);
            writer.Write(uuid);
        }
    }

    private static Dictionary<long, string> ReadUuids(BinaryReader reader)
    {
        int count = reader.Read7BitEncodedInt();
        var uuids = new Dictionary<long, string>(count);
        for (int i = 0; i < count; i++)
        {
            long user = reader.ReadInt64();
            uuids[user] = reader.ReadString();
        }

        return uuids;
    }

    private static long[] ReadIds(BinaryReader reader)
    {
        var ids = new long[reader.Read7BitEncodedInt()];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = reader.ReadInt64();
        }

        return ids;
    }

    // Ids ascend, so each is stored as the distance from the one before; sequence numbers mostly
    // ascend with them, so each is a zigzag-encoded difference from the one before.
    private static void WriteSnapshot(BinaryWriter writer, ScribeLogSnapshot snapshot)
    {
        writer.Write(SnapshotVersion);
        writer.Write7BitEncodedInt(snapshot.Ids.Length);
        long previous = 0;
        foreach (long id in snapshot.Ids)
        {
            writer.Write7BitEncodedInt64(id - previous);
            previous = id;
        }

        previous = 0;
        foreach (long sequenceNr in snapshot.SequenceNrs)
        {
            long delta = sequenceNr - previous;
            writer.Write7BitEncodedInt64((delta << 1) ^ (delta >> 63));
            previous = sequenceNr;
        }

        WriteUuids(writer, snapshot.Uuids);
    }

    private static ScribeLogSnapshot ReadSnapshot(BinaryReader reader)
    {
        byte version = reader.ReadByte();
        if (version != SnapshotVersion)
        {
            throw new SerializationException($"unknown Scribe log snapshot version {version}");
        }

        int count = reader.Read7BitEncodedInt();
        var ids = new long[count];
        var sequenceNrs = new long[count];
        long previous = 0;
        for (int i = 0; i < count; i++)
        {
            previous += reader.Read7BitEncodedInt64();
            ids[i] = previous;
        }

        previous = 0;
        for (int i = 0; i < count; i++)
        {
            ulong zigzag = (ulong)reader.Read7BitEncodedInt64();
            previous += (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
            sequenceNrs[i] = previous;
        }

        return new ScribeLogSnapshot(ids, sequenceNrs, ReadUuids(reader));
    }
}
