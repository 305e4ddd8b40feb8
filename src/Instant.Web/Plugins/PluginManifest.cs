using System.Text.Json;
using Instant.Actors.Configuration;

namespace Instant.Web.Plugins;

/// <summary>
/// What a plugin declares: its initialiser class, its relations to other plugins, its frontend
/// part and its configuration values. Read from <c>NAME.plugin.json</c> or from the assembly's
/// <c>PluginManifest</c>/<c>PluginConfiguration</c> attributes (docs/PLUGINS.md).
/// </summary>
public sealed record PluginManifest
{
    private static readonly string[] ListKeys =
    [
        "Depends", "Requires", "After", "Before", "Breaks",
        "Frontend-deps", "Frontend-styles", "Frontend-scripts", "Frontend-libs", "Frontend-code",
    ];

    public string? MainClass { get; init; }

    /// <summary>Required, and loaded before this plugin.</summary>
    public IReadOnlyList<string> Depends { get; init; } = [];

    /// <summary>Required, in any order.</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];

    /// <summary>Loaded before this plugin when present.</summary>
    public IReadOnlyList<string> After { get; init; } = [];

    /// <summary>Loaded after this plugin when present.</summary>
    public IReadOnlyList<string> Before { get; init; } = [];

    /// <summary>Plugins that must not be loaded with this one.</summary>
    public IReadOnlyList<string> Breaks { get; init; } = [];

    public bool FrontendPlugin { get; init; }

    /// <summary>Frontend-deps, -styles, -scripts, -libs, -code by their short name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Frontend { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The body of the frontend plugin's main function.</summary>
    public string? FrontendMain { get; init; }

    /// <summary>Configuration values, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Configuration { get; init; } = [];

    /// <summary>A manifest from key/value entries (the assembly attributes); throws <see cref="FormatException"/> on a bad entry.</summary>
    public static PluginManifest FromEntries(IEnumerable<KeyValuePair<string, string>> entries, IEnumerable<KeyValuePair<string, string>> configuration)
    {
        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        string? mainClass = null;
        string? frontendMain = null;
        bool frontend = false;
        foreach (var (key, value) in entries)
        {
            if (ListKeys.FirstOrDefault(k => k.Equals(key, StringComparison.OrdinalIgnoreCase)) is { } listKey)
            {
                lists[listKey] = [.. lists.GetValueOrDefault(listKey, []), .. SplitList(value)];
            }
            else if (key.Equals("Main-Class", StringComparison.OrdinalIgnoreCase))
            {
                mainClass = value.Trim();
            }
            else if (key.Equals("Frontend-main", StringComparison.OrdinalIgnoreCase))
            {
                frontendMain = value;
            }
            else if (key.Equals("Frontend-Plugin", StringComparison.OrdinalIgnoreCase))
            {
                frontend = ConfigBoolean.TryParse(value, out bool on)
                    ? on
                    : throw new FormatException($"Frontend-Plugin '{value}' is not yes or no");
            }
            else
            {
                throw new FormatException($"unknown manifest key '{key}'");
            }
        }

        IReadOnlyList<string> List(string key) => lists.GetValueOrDefault(key, []);
        return new PluginManifest
        {
            MainClass = mainClass is { Length: > 0 } ? mainClass : null,
            Depends = List("Depends"),
            Requires = List("Requires"),
            After = List("After"),
            Before = List("Before"),
            Breaks = List("Breaks"),
            FrontendPlugin = frontend,
            FrontendMain = frontendMain,
            Frontend = new Dictionary<string, IReadOnlyList<string>>
            {
                ["deps"] = List("Frontend-deps"),
                ["styles"] = List("Frontend-styles"),
                ["scripts"] = List("Frontend-scripts"),
                ["libs"] = List("Frontend-libs"),
                ["code"] = List("Frontend-code"),
            },
            Configuration = [.. configuration],
        };
    }

    /// <summary>
    /// A manifest from <c>NAME.plugin.json</c>: an object whose members are the manifest keys
    /// (lists as arrays or comma-separated strings) plus <c>Configuration</c>, an object of strings.
    /// </summary>
    public static PluginManifest FromJson(string json)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"not JSON: {e.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("not a JSON object");
        }

        var entries = new List<KeyValuePair<string, string>>();
        var configuration = new List<KeyValuePair<string, string>>();
        foreach (var member in root.EnumerateObject())
        {
            if (member.Name.Equals("Configuration", StringComparison.OrdinalIgnoreCase))
            {
                if (member.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("Configuration is not an object");
                }

                foreach (var value in member.Value.EnumerateObject())
                {
                    configuration.Add(new(value.Name, Scalar(value.Value, value.Name)));
                }

                continue;
            }

            string text = member.Value.ValueKind == JsonValueKind.Array
                ? string.Join(',', member.Value.EnumerateArray().Select(item => Scalar(item, member.Name)))
                : Scalar(member.Value, member.Name);
            entries.Add(new(member.Name, text));
        }

        return FromEntries(entries, configuration);
    }

    private static string Scalar(JsonElement value, string key) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        _ => throw new FormatException($"{key}: expected a string, not {value.ValueKind.ToString().ToLowerInvariant()}"),
    };

    // Unlike the original, items are trimmed and empty items dropped: "a, b" names a and b.
    private static IEnumerable<string> SplitList(string value)
        => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
