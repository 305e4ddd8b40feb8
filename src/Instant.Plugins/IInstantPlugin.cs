namespace Instant.Plugins;

/// <summary>
/// A plugin's initialiser. The server creates it (a public parameterless constructor) and calls
/// <see cref="Initialize"/> once, in plugin order, before it starts listening. A plugin without
/// one still contributes its manifest (configuration values, frontend code).
/// </summary>
public interface IInstantPlugin
{
    /// <summary>Registers the plugin's hooks and files; an exception stops the server (exit 2).</summary>
    void Initialize(IPluginApi api);
}
