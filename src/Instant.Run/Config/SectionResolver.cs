using System.Text;

namespace Instant.Run.Config;

/// <summary>
/// Applies the run.ini section rules to an <see cref="IniDocument"/>: inheritance through the
/// section-name hierarchy, <c>__import__</c>, then <c>$key</c>/<c>${key}</c> interpolation with
/// <c>__name__</c> and <c>__fullname__</c>. Cycles give a <see cref="ConfigException"/>.
/// </summary>
public sealed class SectionResolver(IniDocument document)
{
    public const string ImportKey = "__import__";

    /// <summary>True for a template section (its name ends with a slash).</summary>
    public static bool IsTemplate(string name) => name.EndsWith('/');

    /// <summary>The section whose values <paramref name="name"/> inherits, or null at the root.</summary>
    public static string? ParentOf(string name)
    {
        if (name.EndsWith('/')) return name[..^1];
        var slash = name.LastIndexOf('/');
        return slash < 0 ? null : name[..(slash + 1)];
    }

    /// <summary>Everything after the last slash; empty for a template section.</summary>
    public static string LastComponent(string name) => name[(name.LastIndexOf('/') + 1)..];

    public static void CheckSectionName(string name, string what)
    {
        if (name.Length == 0) throw new ConfigException($"{what}: empty section name");
        if (name.StartsWith('/')) throw new ConfigException($"{what}: section name [{name}] starts with '/'");
        if (name.Contains("//")) throw new ConfigException($"{what}: section name [{name}] contains '//'");
    }

    /// <summary>Checks every section name and every <c>__import__</c> target of the document.</summary>
    public void Validate()
    {
        foreach (var name in document.SectionNames)
        {
            CheckSectionName(name, "Invalid section name");
            var section = document.GetSection(name)!;
            if (section.TryGetValue(ImportKey, out var target) && target.Length > 0)
                CheckSectionName(target, $"Invalid __import__ in [{name}]");
        }
    }

    /// <summary>The merged, uninterpolated values of a section (which need not exist).</summary>
    public OrderedDictionary<string, string> Raw(string name) => Raw(name, []);

    private OrderedDictionary<string, string> Raw(string name, List<string> chain)
    {
        if (chain.Contains(name))
            throw new ConfigException($"Circular inheritance or import: {string.Join(" -> ", chain.Append(name).Select(n => $"[{n}]"))}");
        chain.Add(name);
        var parent = ParentOf(name);
        var result = parent is null
            ? new OrderedDictionary<string, string>(StringComparer.Ordinal)
            : Raw(parent, chain);
        var own = document.GetSection(name);
        if (own is not null)
        {
            if (own.TryGetValue(ImportKey, out var target) && target.Length > 0)
            {
                CheckSectionName(target, $"Invalid __import__ in [{name}]");
                foreach (var (key, value) in Raw(target, chain)) result[key] = value;
            }
            foreach (var (key, value) in own)
                if (key != ImportKey) result[key] = value;
        }
        chain.RemoveAt(chain.Count - 1);
        return result;
    }

    /// <summary>
    /// The final values of a section: merged, interpolated, without reserved <c>__x__</c> keys.
    /// </summary>
    public OrderedDictionary<string, string> Resolve(string name)
    {
        var raw = Raw(name);
        raw["__name__"] = LastComponent(name);
        raw["__fullname__"] = name;
        var interpolator = new Interpolator(name, raw);
        var result = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in raw.Keys)
        {
            if (IsReserved(key)) continue;
            result[key] = interpolator.Value(key);
        }
        return result;
    }

    private static bool IsReserved(string key) => key.Length >= 4 && key.StartsWith("__") && key.EndsWith("__");

    /// <summary>Lazy, memoised resolution of references with cycle detection.</summary>
    private sealed class Interpolator(string section, OrderedDictionary<string, string> raw)
    {
        private readonly Dictionary<string, string> _done = new(StringComparer.Ordinal);
        private readonly List<string> _inProgress = [];

        public string Value(string key)
        {
            if (_done.TryGetValue(key, out var known)) return known;
            if (!raw.TryGetValue(key, out var template)) return "";
            if (_inProgress.Contains(key))
                throw new ConfigException(
                    $"Circular reference in section [{section}]: {string.Join(" -> ", _inProgress.SkipWhile(k => k != key).Append(key))}");
            _inProgress.Add(key);
            var value = Substitute(key, template);
            _inProgress.RemoveAt(_inProgress.Count - 1);
            _done[key] = value;
            return value;
        }

        private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c is '_' or '-';
        private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

        private string Substitute(string key, string template)
        {
            var output = new StringBuilder();
            for (var i = 0; i < template.Length; i++)
            {
                var c = template[i];
                if (c != '$')
                {
                    output.Append(c);
                    continue;
                }
                if (i + 1 < template.Length && template[i + 1] == '$')
                {
                    output.Append('$');
                    i++;
                    continue;
                }
                if (i + 1 < template.Length && template[i + 1] == '{')
                {
                    var close = template.IndexOf('}', i + 2);
                    var name = close < 0 ? "" : template[(i + 2)..close];
                    if (name.Length == 0 || !IsNameStart(name[0]) || !name.All(IsNamePart))
                        throw Invalid(key, template, i);
                    output.Append(Value(name));
                    i = close;
                    continue;
                }
                var end = i + 1;
                if (end >= template.Length || !IsNameStart(template[end])) throw Invalid(key, template, i);
                while (end < template.Length && IsNamePart(template[end])) end++;
                output.Append(Value(template[(i + 1)..end]));
                i = end - 1;
            }
            return output.ToString();
        }

        private ConfigException Invalid(string key, string template, int position) =>
            new($"Invalid '$' reference in section [{section}], key '{key}', at column {position + 1} of: {template}" +
                " (write $$ for a literal '$')");
    }
}
