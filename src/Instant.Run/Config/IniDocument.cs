namespace Instant.Run.Config;

/// <summary>
/// The raw content of an .ini file read the way Python's <c>configparser</c> reads it:
/// sections in file order, option names lower-cased, values uninterpreted.
/// </summary>
public sealed class IniDocument
{
    public const string DefaultSection = "DEFAULT";

    private readonly OrderedDictionary<string, OrderedDictionary<string, string>> _sections = new(StringComparer.Ordinal);

    /// <summary>The <c>[DEFAULT]</c> values, which every existing section sees as fallbacks.</summary>
    public OrderedDictionary<string, string> Defaults { get; } = new(StringComparer.Ordinal);

    /// <summary>Section names in file order, without <c>DEFAULT</c>.</summary>
    public IEnumerable<string> SectionNames => _sections.Keys;

    public bool HasSection(string name) => _sections.ContainsKey(name);

    /// <summary>
    /// A section's own values followed by the defaults it does not override, as configparser
    /// presents them; null if there is no such section.
    /// </summary>
    public OrderedDictionary<string, string>? GetSection(string name)
    {
        if (!_sections.TryGetValue(name, out var own)) return null;
        var result = new OrderedDictionary<string, string>(own, StringComparer.Ordinal);
        foreach (var (key, value) in Defaults) result.TryAdd(key, value);
        return result;
    }

    public static IniDocument Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"Cannot read configuration file {path}: {e.Message}");
        }
        return Parse(text, path);
    }

    public static IniDocument Parse(string text, string sourceName = "<string>")
    {
        var document = new IniDocument();
        OrderedDictionary<string, string>? current = null;
        string? currentSection = null;
        // The option whose value continuation lines extend, its lines, and its indentation.
        string? option = null;
        List<string>? optionLines = null;
        var optionIndent = 0;

        void FinishOption()
        {
            if (option is not null && current is not null && optionLines is not null)
                current[option] = string.Join('\n', optionLines).TrimEnd();
            option = null;
            optionLines = null;
        }

        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index];
            var lineNumber = index + 1;
            var stripped = line.Trim();
            var isComment = stripped.StartsWith(';') || stripped.StartsWith('#');
            if (stripped.Length == 0 || isComment)
            {
                // configparser keeps blank lines inside a multi-line value (trimmed at its end)
                // but drops comment lines.
                if (!isComment && optionLines is not null) optionLines.Add("");
                continue;
            }
            var indent = line.Length - line.TrimStart().Length;
            if (option is not null && indent > optionIndent)
            {
                optionLines!.Add(stripped);
                continue;
            }
            FinishOption();
            if (stripped.StartsWith('[') && stripped.LastIndexOf(']') > 1)
            {
                var name = stripped[1..stripped.LastIndexOf(']')];
                if (name == DefaultSection)
                {
                    current = document.Defaults;
                    currentSection = name;
                    continue;
                }
                if (document._sections.ContainsKey(name))
                    throw new ConfigException($"{sourceName}:{lineNumber}: section [{name}] appears twice");
                current = new OrderedDictionary<string, string>(StringComparer.Ordinal);
                document._sections.Add(name, current);
                currentSection = name;
                continue;
            }
            if (current is null)
                throw new ConfigException($"{sourceName}:{lineNumber}: a value outside of any section: {stripped}");
            var separator = stripped.IndexOfAny(['=', ':']);
            if (separator < 0)
                throw new ConfigException($"{sourceName}:{lineNumber}: expected 'key=value' or '[section]', found: {stripped}");
            var key = stripped[..separator].Trim().ToLowerInvariant();
            if (key.Length == 0)
                throw new ConfigException($"{sourceName}:{lineNumber}: a value without a key: {stripped}");
            if (current.ContainsKey(key))
                throw new ConfigException($"{sourceName}:{lineNumber}: key '{key}' appears twice in section [{currentSection}]");
            option = key;
            optionIndent = indent;
            optionLines = [stripped[(separator + 1)..].Trim()];
            // Reserve the key's position now so duplicates are caught and order is kept.
            current[key] = "";
        }
        FinishOption();
        return document;
    }
}
