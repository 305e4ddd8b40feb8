namespace Instant.Web.Plugins;

/// <summary>
/// A plugin found on disk: its name, its assembly (<c>NAME.dll</c>, <c>NAME_anything.dll</c>,
/// or <c>NAME.dll</c> inside a directory <c>NAME</c> or <c>NAME_anything</c>) and where its
/// <c>NAME.plugin.json</c> manifest would be.
/// </summary>
public sealed record PluginCandidate(string Name, string AssemblyPath, string ManifestPath);
