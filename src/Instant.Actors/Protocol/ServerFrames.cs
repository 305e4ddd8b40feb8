using System.Buffers;
using System.Text.Json;
using Instant.Actors.Identity;
using Instant.Protocol;

namespace Instant.Actors.Protocol;

/// <summary>
/// Encodes server-to-client frames as UTF-8 JSON byte arrays. Relayed <c>data</c> and
/// <c>seq</c> are written as the raw bytes the client sent. A relayed frame is encoded once
/// and the same array goes to every recipient.
/// </summary>
public static class ServerFrames
{
    // Frames are JSON for WebSocket clients, never embedded in HTML: no need to escape '+' or '<'.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        SkipValidation = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The first frame of a connection; <paramref name="extraFields"/> (plugins') adds members to its data.</summary>
    public static byte[] Identity(ServerInfo server, long id, string uuid, long timestamp, Action<Utf8JsonWriter>? extraFields = null)
        => Write(timestamp, default, (w, _) =>
        {
            w.WriteString("type"u8, MessageTypes.Utf8.Identity);
            w.WriteStartObject("data"u8);
            w.WriteString("id"u8, IdFormat.ToHex(id));
            w.WriteString("uuid"u8, uuid);
            w.WriteString("version"u8, server.Version);
            w.WriteString("era"u8, server.Era);
            if (server.Revision is not null)
            {
                w.WriteString("revision"u8, server.Revision);
            }

            w.WriteString("configHash"u8, server.ConfigHash);
            extraFields?.Invoke(w);
            w.WriteEndObject();
        });

    public static byte[] Joined(long id, string uuid, long timestamp)
        => Write(timestamp, default, (w, _) =>
        {
            w.WriteString("type"u8, MessageTypes.Utf8.Joined);
            w.WriteStartObject("data"u8);
            w.WriteString("id"u8, IdFormat.ToHex(id));
            w.WriteString("uuid"u8, uuid);
            w.WriteEndObject();
        });

    public static byte[] Left(long id, long timestamp)
        => Write(timestamp, default, (w, _) =>
        {
            w.WriteString("type"u8, MessageTypes.Utf8.Left);
            w.WriteStartObject("data"u8);
            w.WriteString("id"u8, IdFormat.ToHex(id));
            w.WriteEndObject();
        });

    public static byte[] Pong(ReadOnlyMemory<byte> seq, long timestamp)
        => Write(timestamp, seq, (w, s) =>
        {
            w.WriteString("type"u8, MessageTypes.Utf8.Pong);
            WriteRaw(w, "seq"u8, s);
        });

    /// <summary>The <c>who</c> reply: every participant id mapped to <c>{"uuid": ...}</c>.</summary>
    public static byte[] Who(ReadOnlyMemory<byte> seq, IEnumerable<KeyValuePair<long, string>> participants, long timestamp)
        => WhoReply(seq, ParticipantList(participants), timestamp);

    /// <summary>
    /// The <c>who</c> reply around a <see cref="ParticipantList"/> made earlier: a room encodes its
    /// list once per change of membership, and each asker's connection wraps it.
    /// </summary>
    public static byte[] WhoReply(ReadOnlyMemory<byte> seq, ReadOnlyMemory<byte> participantList, long timestamp)
    {
        var buffer = new ArrayBufferWriter<byte>(participantList.Length + 96 + seq.Length);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("type"u8, MessageTypes.Utf8.Who);
            WriteRaw(w, "seq"u8, seq);
            w.WritePropertyName("data"u8);
            w.WriteRawValue(participantList.Span, skipInputValidation: true);
            w.WriteNumber("timestamp"u8, timestamp);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The <c>data</c> of a <c>who</c> reply: every participant id mapped to <c>{"uuid": ...}</c>.</summary>
    public static byte[] ParticipantList(IEnumerable<KeyValuePair<long, string>> participants)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            foreach (var (id, uuid) in participants)
            {
                w.WriteStartObject(IdFormat.ToHex(id));
                w.WriteString("uuid"u8, uuid);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The direct reply to a relayed message: its assigned id and type.</summary>
    public static byte[] Response(ReadOnlyMemory<byte> seq, long messageId, string relayedType, long timestamp)
        => Write(timestamp, seq, (w, s) =>
        {
            w.WriteString("type"u8, MessageTypes.Utf8.Response);
            WriteRaw(w, "seq"u8, s);
            w.WriteStartObject("data"u8);
            w.WriteString("id"u8, IdFormat.ToHex(messageId));
            w.WriteString("type"u8, relayedType);
            w.WriteEndObject();
        });

    public static byte[] Broadcast(long messageId, long from, ReadOnlyMemory<byte> data, long timestamp)
        => Relayed(MessageTypes.Broadcast, messageId, from, null, data, timestamp);

    public static byte[] Unicast(long messageId, long from, long to, ReadOnlyMemory<byte> data, long timestamp)
        => Relayed(MessageTypes.Unicast, messageId, from, to, data, timestamp);

    public static byte[] Error(ReadOnlyMemory<byte> seq, ProtocolError error, Action<Utf8JsonWriter>? writeDetail, long timestamp)
        => Write(timestamp, seq, (w, s) =>
        {
            w.WriteString("type"u8, MessageTypes.Utf8.Error);
            WriteRaw(w, "seq"u8, s);
            w.WriteStartObject("data"u8);
            w.WriteString("code"u8, error.Code);
            w.WriteString("message"u8, error.Message);
            if (writeDetail is not null)
            {
                w.WriteStartObject("detail"u8);
                writeDetail(w);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        });

    private static byte[] Relayed(string type, long messageId, long from, long? to, ReadOnlyMemory<byte> data, long timestamp)
    {
        var buffer = new ArrayBufferWriter<byte>(data.Length + 160);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("type"u8, type);
            w.WriteString("id"u8, IdFormat.ToHex(messageId));
            w.WriteString("from"u8, IdFormat.ToHex(from));
            if (to is { } recipient)
            {
                w.WriteString("to"u8, IdFormat.ToHex(recipient));
            }

            WriteRaw(w, "data"u8, data);
            w.WriteNumber("timestamp"u8, timestamp);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Write(long timestamp, ReadOnlyMemory<byte> seq, Action<Utf8JsonWriter, ReadOnlyMemory<byte>> body)
    {
        var buffer = new ArrayBufferWriter<byte>(160 + seq.Length);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            body(w, seq);
            w.WriteNumber("timestamp"u8, timestamp);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteRaw(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ReadOnlyMemory<byte> rawJson)
    {
        // Members with no value are left out, never written as null.
        if (!rawJson.IsEmpty)
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(rawJson.Span, skipInputValidation: true);
        }
    }
}
