using System.Buffers;
using System.Text.Json;
using Scribe.Actors.Stores;
using Instant.Protocol;

namespace Scribe.Actors.Protocol;

/// <summary>Builds the compact client→server frames Scribe sends; every frame carries the next <c>seq</c>.</summary>
internal static class ClientFrames
{
    public static byte[] Build(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = false }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Ping(long seq, double next) => Build(w =>
    {
        w.WriteString("type", MessageTypes.Ping);
        w.WriteStartObject("data");
        w.WriteNumber("next", next);
        w.WriteEndObject();
        w.WriteNumber("seq", seq);
    });

    public static byte[] Who(long seq) => Build(w =>
    {
        w.WriteString("type", MessageTypes.Who);
        w.WriteNumber("seq", seq);
    });

    /// <summary>A broadcast (to is null) or unicast whose data the callback writes (inside the data object).</summary>
    public static byte[] Relay(long seq, string? to, string dataType, Action<Utf8JsonWriter>? data = null) => Build(w =>
    {
        w.WriteString("type", to is null ? MessageTypes.Broadcast : MessageTypes.Unicast);
        if (to is not null)
        {
            w.WriteString("to", to);
        }

        w.WriteStartObject("data");
        w.WriteString("type", dataType);
        data?.Invoke(w);
        w.WriteEndObject();
        w.WriteNumber("seq", seq);
    });

    public static void WriteEntry(Utf8JsonWriter w, LogEntry e)
    {
        w.WriteStartObject();
        w.WriteString("id", IdFormat.ToHex(e.Id));
        WriteStringOrNull(w, "parent", IdFormat.ToHex(e.Parent));
        WriteStringOrNull(w, "nick", e.Nick);
        WriteStringOrNull(w, "text", e.Text);
        w.WriteNumber("timestamp", e.Timestamp);
        WriteStringOrNull(w, "from", IdFormat.ToHex(e.Sender));
        w.WriteEndObject();
    }

    public static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
