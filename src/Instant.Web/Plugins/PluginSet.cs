using System.Reflection;
using System.Security.Cryptography;
using Instant.Plugins;

namespace Instant.Web.Plugins;

/// <summary>A plugin ready to initialise: where it came from, its manifest, its assembly and that assembly's SHA-256.</summary>
public sealed record LoadedPlugin(string Name, PluginManifest Manifest, Assembly Assembly, byte[] Sha256);

/// <summary>
/// The plugins of one server, in load order: found and ordered (<see cref="PluginResolver"/>),
/// each assembly loaded into its own <see cref="System.Runtime.Loader.AssemblyLoadContext"/>
/// and checked against the API version. Nothing of a plugin runs until <see cref="PluginRuntime.Initialize"/>.
/// </summary>
public sealed class PluginSet
{
    private PluginSet(IReadOnlyList<LoadedPlugin> plugins) => Plugins = plugins;

    public static PluginSet None { get; } = new([]);

    public IReadOnlyList<LoadedPlugin> Plugins { get; }

    public bool IsEmpty => Plugins.Count == 0;

    /// <summary>Each plugin's name and assembly hash, for the configuration hash.</summary>
    public IReadOnlyList<(string Name, byte[] Sha256)> Hashes => [.. Plugins.Select(p => (p.Name, p.Sha256))];

    /// <summary>The plugins' configuration values in plugin order; the first plugin to give a key wins.</summary>
    public IReadOnlyDictionary<string, string> Configuration
    {
        get
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in Plugins.SelectMany(p => p.Manifest.Configuration))
            {
                values.TryAdd(key, value);
            }

            return values;
        }
    }

    /// <summary>Finds, orders and loads <paramref name="entries"/>; a problem is a <see cref="PluginException"/>.</summary>
    public static PluginSet Load(IReadOnlyList<string> entries, IReadOnlyList<string> pluginPath)
    {
        if (entries.Count == 0)
        {
            return None;
        }

        var assemblies = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var resolved = PluginResolver.Resolve(entries, new PluginLocator(pluginPath), candidate =>
        {
            var assembly = LoadAssembly(candidate);
            assemblies[candidate.Name] = assembly;
            return ReadManifest(candidate, assembly);
        });
        return new PluginSet([.. resolved.Select(p => new LoadedPlugin(
            p.Name, p.Manifest, assemblies[p.Name], SHA256.HashData(File.ReadAllBytes(p.Candidate.AssemblyPath))))]);
    }

    private static Assembly LoadAssembly(PluginCandidate candidate)
    {
        Assembly assembly;
        try
        {
            assembly = new PluginLoadContext(candidate.AssemblyPath).LoadFromAssemblyPath(candidate.AssemblyPath);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or IOException)
        {
            throw new PluginException(candidate.Name, $"cannot load {candidate.AssemblyPath}: {e.Message}");
        }

        var api = typeof(IPluginApi).Assembly.GetName();
        if (assembly.GetReferencedAssemblies().FirstOrDefault(r => r.Name == api.Name) is { Version: { } wanted }
            && wanted.Major != api.Version!.Major)
        {
            throw new PluginException(candidate.Name,
                $"built against plugin API version {wanted.Major} ({api.Name} {wanted}); this server has version {api.Version.Major}");
        }

        return assembly;
    }

    private static PluginManifest ReadManifest(PluginCandidate candidate, Assembly assembly)
    {
        try
        {
            if (File.Exists(candidate.ManifestPath))
            {
                return PluginManifest.FromJson(File.ReadAllText(candidate.ManifestPath));
            }

            var entries = assembly.GetCustomAttributes<PluginManifestAttribute>().Select(a => KeyValuePair.Create(a.Key, a.Value));
            var configuration = assembly.GetCustomAttributes<PluginConfigurationAttribute>().Select(a => KeyValuePair.Create(a.Key, a.Value));
            return PluginManifest.FromEntries(entries.ToList(), configuration.ToList());
        }
        catch (FormatException e)
        {
            string source = File.Exists(candidate.ManifestPath) ? candidate.ManifestPath : "its manifest attributes";
            throw new PluginException(candidate.Name, $"bad manifest ({source}): {e.Message}");
        }
    }
}
