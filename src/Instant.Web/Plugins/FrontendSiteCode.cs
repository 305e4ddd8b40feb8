using System.Text;
using System.Text.Json;

namespace Instant.Web.Plugins;

/// <summary>
/// The <c>Instant.loadPlugin(NAME, {...});</c> line of a frontend plugin in <c>/static/site.js</c>:
/// deps, styles, scripts (each <c>{url, before, after, isolate}</c> from a <c>#before=1&amp;after=1&amp;isolate=1</c>
/// fragment), libs, code and main, only those that are not empty.
/// </summary>
public static class FrontendSiteCode
{
    public static string For(string name, PluginManifest manifest)
    {
        var members = new List<string>();
        foreach (var key in (string[])["deps", "styles", "scripts", "libs", "code"])
        {
            var items = manifest.Frontend.GetValueOrDefault(key, []);
            if (items.Count > 0)
            {
                members.Add($"{Js(key)}: [{string.Join(", ", items.Select(item => key == "scripts" ? Script(item) : Js(item)))}]");
            }
        }

        if (manifest.FrontendMain is { } main)
        {
            members.Add($"\"main\": function() {{ {main}; }}");
        }

        return $"Instant.loadPlugin({Js(name)}, {{{string.Join(", ", members)}}});\n";
    }

    private static string Script(string entry)
    {
        int hash = entry.IndexOf('#');
        string url = hash < 0 ? entry : entry[..hash];
        var flags = hash < 0 ? [] : entry[(hash + 1)..].Split('&').Select(p => p.Split('=', 2)).ToArray();
        var script = new StringBuilder("{url: ").Append(Js(url));
        foreach (var flag in (string[])["before", "after", "isolate"])
        {
            if (flags.Any(p => p[0] == flag && p.Length == 2 && Instant.Actors.Configuration.ConfigBoolean.TryParse(p[1], out bool on) && on))
            {
                script.Append(", ").Append(flag).Append(": true");
            }
        }

        return script.Append('}').ToString();
    }

    private static string Js(string text) => JsonSerializer.Serialize(text);
}
