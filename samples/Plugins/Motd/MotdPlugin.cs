using System.Text.Json.Nodes;
using Instant.Plugins;

// The manifest: a frontend plugin whose code and style the server serves (see Initialize).
[assembly: PluginManifest("Frontend-Plugin", "true")]
[assembly: PluginManifest("Frontend-styles", "/static/motd/motd.css")]
[assembly: PluginManifest("Frontend-code", "/static/motd/motd.js")]
[assembly: PluginManifest("Frontend-main", "return {shortcut: 'Alt+M'}")]

// The default text; --option motd.text=..., MOTD_TEXT or the --config file come first.
[assembly: PluginConfiguration("motd.text", "Welcome! Be kind to each other.")]

namespace Instant.Samples.Motd;

/// <summary>Serves the banner's script and style, and the text at <c>/static/motd/motd.json</c>.</summary>
public sealed class MotdPlugin : IInstantPlugin
{
    public void Initialize(IPluginApi api)
    {
        string text = api.GetConfiguration("motd.text") ?? string.Empty;
        api.AddSyntheticFile("/static/motd/motd.json", new JsonObject { ["text"] = text }.ToJsonString());
        api.AddSyntheticFile("/static/motd/motd.js", Resource("motd.js"));
        api.AddSyntheticFile("/static/motd/motd.css", Resource("motd.css"));
        api.Log.LogMotd(text);
    }

    private static string Resource(string name)
    {
        using var stream = typeof(MotdPlugin).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the embedded {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
