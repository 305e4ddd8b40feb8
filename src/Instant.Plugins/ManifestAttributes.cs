namespace Instant.Plugins;

/// <summary>
/// One manifest entry of the plugin assembly, e.g. <c>[assembly: PluginManifest("Depends", "auth,rooms")]</c>.
/// Keys: Main-Class, Depends, Requires, After, Before, Breaks, Frontend-Plugin, Frontend-deps,
/// Frontend-styles, Frontend-scripts, Frontend-libs, Frontend-code, Frontend-main. Lists are comma-separated.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class PluginManifestAttribute(string key, string value) : Attribute
{
    public string Key { get; } = key;

    public string Value { get; } = value;
}

/// <summary>A configuration value the plugin supplies, found after every other source.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class PluginConfigurationAttribute(string key, string value) : Attribute
{
    public string Key { get; } = key;

    public string Value { get; } = value;
}
