namespace Instant.Web.Plugins;

/// <summary>A plugin that cannot be set up; <c>instant</c> prints the message as one line and exits with status 2.</summary>
public sealed class PluginException(string plugin, string problem, Exception? inner = null)
    : Exception($"plugin {plugin}: {problem}", inner)
{
    /// <summary>The plugin the problem is about.</summary>
    public string Plugin { get; } = plugin;
}
