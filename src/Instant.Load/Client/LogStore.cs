using System.Text.Json;
using Instant.Protocol;

namespace Instant.Load.Client;

/// <summary>
/// The posts a browser-like client or a seeder holds, to answer <c>log-query</c> with
/// <c>log-info</c> and <c>log-request</c> with <c>log</c> as the browser client does
/// (both range ends inclusive; ids compare as strings because they sort by time).
/// </summary>
internal sealed class LogStore(int capacity)
{
    private readonly record struct Post(string Id, string? Parent, string? From, string Nick, string Text, long Timestamp);

    private readonly Queue<Post> _posts = new();
    private readonly Dictionary<string, string> _uuids = new(StringComparer.Ordinal);

    public void Add(ReadOnlySpan<byte> frame)
    {
        if (capacity <= 0) return;
        using var doc = JsonDocument.Parse(frame.ToArray());
        var root = doc.RootElement;
        if (!root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String) return;
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object) return;
        string? parent = data.TryGetProperty("parent", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        string nick = data.TryGetProperty("nick", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
        string text = data.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        string? from = root.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        long ts = root.TryGetProperty("timestamp", out var s) && s.TryGetInt64(out long v) ? v : 0;
        lock (_posts)
        {
            _posts.Enqueue(new Post(id.GetString()!, parent, from, nick, text, ts));
            while (_posts.Count > capacity) _posts.Dequeue();
        }
    }

    public void WriteInfo(Utf8JsonWriter w)
    {
        lock (_posts)
        {
            w.WriteString("type", PayloadTypes.LogInfo);
            if (_posts.Count == 0)
            {
                w.WriteNull("from");
                w.WriteNull("to");
            }
            else
            {
                w.WriteString("from", _posts.Min(x => x.Id));
                w.WriteString("to", _posts.Max(x => x.Id));
            }
            w.WriteNumber("length", _posts.Count);
        }
    }

    public void WriteLog(Utf8JsonWriter w, JsonElement request)
    {
        string? from = Str(request, "from"), to = Str(request, "to");
        int? length = request.TryGetProperty("length", out var l) && l.TryGetInt32(out int li) ? li : null;
        List<Post> selected;
        lock (_posts)
        {
            selected = _posts.Where(x => (from == null || string.CompareOrdinal(x.Id, from) >= 0) && (to == null || string.CompareOrdinal(x.Id, to) <= 0))
                .OrderBy(x => x.Id, StringComparer.Ordinal).ToList();
        }
        if (length is int len && len >= 0 && selected.Count > len)
            selected = from != null && to == null ? selected.Take(len).ToList() : selected.Skip(selected.Count - len).ToList();
        w.WriteString("type", PayloadTypes.Log);
        foreach (var name in new[] { "from", "to", "key" })
        {
            if (request.TryGetProperty(name, out var v)) { w.WritePropertyName(name); v.WriteTo(w); }
        }
        if (length != null) w.WriteNumber("length", length.Value);
        w.WriteStartArray("data");
        foreach (var p in selected)
        {
            w.WriteStartObject();
            w.WriteString("id", p.Id);
            if (p.Parent == null) w.WriteNull("parent"); else w.WriteString("parent", p.Parent);
            if (p.From == null) w.WriteNull("from"); else w.WriteString("from", p.From);
            w.WriteString("nick", p.Nick);
            w.WriteString("text", p.Text);
            w.WriteNumber("timestamp", p.Timestamp);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("uuids");
        w.WriteEndObject();
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
