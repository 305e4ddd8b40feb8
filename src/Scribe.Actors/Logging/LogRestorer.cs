using System.Globalization;
using System.Text;
using System.Text.Json;
using Scribe.Actors.Stores;
using Instant.Protocol;

namespace Scribe.Actors.Logging;

/// <summary>What reading logfiles back produced: posts by id, uuids by participant id.</summary>
public sealed record RestoredLogs(IReadOnlyList<LogEntry> Entries, IReadOnlyDictionary<long, string> Uuids);

/// <summary>
/// <c>--read-file</c>: recovers posts from logfiles (ours or the original's). POST and LOGPOST
/// lines give posts (first occurrence of an id wins), DELETE lines remove them, UUID lines set
/// uuids (later lines win); legacy MESSAGE lines (before a SCRIBE line of version 1.2 or later)
/// only recover a missing <c>from</c>. With a capacity, the newest <c>capacity</c> posts are kept.
/// </summary>
public sealed class LogRestorer
{
    private readonly int? _capacity;
    private readonly Dictionary<long, LogEntry> _entries = new();
    private readonly Dictionary<long, string> _uuids = new();
    private readonly Dictionary<long, long> _senders = new();
    private readonly HashSet<long> _deleted = new();
    private readonly Action<string>? _warn;
    private bool _messagesOff;

    public LogRestorer(int? capacity, Action<string>? warn = null)
    {
        _capacity = capacity;
        _warn = warn;
    }

    /// <summary>Reads the rotated predecessors (oldest first) and then the file itself.</summary>
    public void ReadWithRotation(string path, LogRotation rotation)
    {
        foreach (var rotated in rotation.FindRotated(path))
        {
            using var stream = LogCompressionCodec.OpenRead(rotated, rotation.Compression);
            Read(stream);
        }

        if (File.Exists(path))
        {
            using var stream = File.OpenRead(path);
            Read(stream);
        }
    }

    /// <summary>Reads one logfile (plain text, ASCII or UTF-8).</summary>
    public void Read(Stream stream)
    {
        _messagesOff = false;
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        while (reader.ReadLine() is { } text)
        {
            if (LogLineParser.Parse(text) is { } line)
            {
                Apply(line);
            }
        }
    }

    public RestoredLogs Result()
    {
        Trim();
        var entries = _entries.Values
            .Where(e => !_deleted.Contains(e.Id))
            .Select(e => e.Sender is null && _senders.TryGetValue(e.Id, out var s) ? e with { Sender = s } : e)
            .OrderBy(e => e.Id)
            .ToList();
        return new RestoredLogs(entries, new Dictionary<long, string>(_uuids));
    }

    private void Apply(LogLine line)
    {
        switch (line.Tag)
        {
            case "SCRIBE":
                if (IsVersionAtLeast12(line["version"]))
                {
                    _messagesOff = true;
                }

                break;
            case "POST" or "LOGPOST":
                AddPost(line);
                break;
            case "MESSAGE" when !_messagesOff:
                RecoverSenders(line["content"] as string);
                break;
            case "DELETE":
                if (ParseId(line["id"]) is { } deleted)
                {
                    _deleted.Add(deleted);
                }

                break;
            case "UUID":
                if (ParseId(line["id"]) is { } user && line["uuid"] is string uuid)
                {
                    _uuids[user] = uuid;
                }

                break;
        }
    }

    private void AddPost(LogLine line)
    {
        if (ParseId(line["id"]) is not { } id)
        {
            _warn?.Invoke($"{line.Tag} line without a valid id skipped");
            return;
        }

        if (_entries.ContainsKey(id))
        {
            return;
        }

        string? text = line.Has("text") ? line["text"] as string : line["content"] as string;
        _entries[id] = new LogEntry(id, ParseId(line["parent"]), ParseId(line["from"]), line["nick"] as string, text);
        if (_capacity is { } cap && _entries.Count >= 2 * cap)
        {
            Trim();
        }
    }

    private void Trim()
    {
        if (_capacity is not { } cap || _entries.Count <= cap)
        {
            return;
        }

        foreach (var id in _entries.Keys.Order().Take(_entries.Count - cap).ToList())
        {
            _entries.Remove(id);
        }
    }

    private void RecoverSenders(string? content)
    {
        if (content is null)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            string? type = data.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type == PayloadTypes.Post && ParseId(Str(root, "id")) is { } id && ParseId(Str(root, "from")) is { } from)
            {
                _senders[id] = from;
            }
            else if (type == PayloadTypes.Log && data.TryGetProperty("data", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && ParseId(Str(item, "id")) is { } postId && ParseId(Str(item, "from")) is { } sender)
                    {
                        _senders[postId] = sender;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A legacy line with broken JSON only loses its sender information.
        }
    }

    private static string? Str(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static long? ParseId(object? value) => value is string text ? IdFormat.ParseLenient(text) : null;

    private static bool IsVersionAtLeast12(object? version)
    {
        string? text = version switch
        {
            string s => s,
            double d => d.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (text is null)
        {
            return false;
        }

        var parts = text.TrimStart('v').Split('.');
        return parts.Length >= 1 && int.TryParse(parts[0], out int major)
            && (major > 1 || (major == 1 && parts.Length > 1 && int.TryParse(parts[1], out int minor) && minor >= 2));
    }
}
