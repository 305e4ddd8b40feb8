namespace Instant.Web.Plugins;

/// <summary>A plugin with its manifest, in load order.</summary>
public sealed record ResolvedPlugin(PluginCandidate Candidate, PluginManifest Manifest)
{
    public string Name => Candidate.Name;
}

/// <summary>
/// Fetches the plugins asked for and, recursively, what they depend on (<c>Depends</c> and
/// <c>Requires</c>), refuses a present <c>Breaks</c>, and orders them depth-first in fetch
/// order so that each comes after its <c>Depends</c> and <c>After</c> and before its
/// <c>Before</c>. Every cycle is an error, wherever it is.
/// </summary>
public static class PluginResolver
{
    public static IReadOnlyList<ResolvedPlugin> Resolve(
        IEnumerable<string> entries, PluginLocator locator, Func<PluginCandidate, PluginManifest> readManifest)
    {
        var fetched = new Dictionary<string, ResolvedPlugin>(StringComparer.Ordinal);
        var fetchOrder = new List<string>();

        void Fetch(PluginCandidate candidate)
        {
            if (fetched.ContainsKey(candidate.Name))
            {
                return;
            }

            var plugin = new ResolvedPlugin(candidate, readManifest(candidate));
            fetched[candidate.Name] = plugin;
            fetchOrder.Add(candidate.Name);
            foreach (var dependency in plugin.Manifest.Depends.Concat(plugin.Manifest.Requires))
            {
                if (fetched.ContainsKey(dependency))
                {
                    continue;
                }

                var found = PluginLocator.IsPath(dependency) ? null : locator.Locate(dependency);
                Fetch(found ?? throw new PluginException(candidate.Name, $"needs plugin '{dependency}', which is not on the plugin path"));
            }
        }

        foreach (var entry in entries)
        {
            Fetch(locator.Locate(entry) ?? throw new PluginException(
                PluginLocator.IsPath(entry) ? PluginLocator.NameOf(Path.GetFileName(entry.TrimEnd('/'))) : entry,
                PluginLocator.IsPath(entry) ? $"no plugin at {entry}" : "not found on the plugin path"));
        }

        foreach (var name in fetchOrder)
        {
            if (fetched[name].Manifest.Breaks.FirstOrDefault(fetched.ContainsKey) is { } broken)
            {
                throw new PluginException(name, $"breaks plugin '{broken}', which is loaded too");
            }
        }

        return Order(fetchOrder, fetched);
    }

    private static List<ResolvedPlugin> Order(List<string> fetchOrder, Dictionary<string, ResolvedPlugin> fetched)
    {
        // Predecessors: what must load before each plugin.
        var before = fetchOrder.ToDictionary(name => name, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var name in fetchOrder)
        {
            var manifest = fetched[name].Manifest;
            before[name].AddRange(manifest.Depends.Concat(manifest.After).Where(fetched.ContainsKey));
            foreach (var later in manifest.Before.Where(fetched.ContainsKey))
            {
                before[later].Add(name);
            }
        }

        var ordered = new List<ResolvedPlugin>(fetchOrder.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>(); // the DFS stack: a name met again on it closes a cycle

        void Visit(string name)
        {
            if (done.Contains(name))
            {
                return;
            }

            int onPath = path.IndexOf(name);
            if (onPath >= 0)
            {
                var cycle = path.Skip(onPath).Append(name);
                throw new PluginException(name, $"dependency cycle: {string.Join(" -> ", cycle)} (each must load after the next)");
            }

            path.Add(name);
            foreach (var predecessor in before[name])
            {
                Visit(predecessor);
            }

            path.RemoveAt(path.Count - 1);
            done.Add(name);
            ordered.Add(fetched[name]);
        }

        foreach (var name in fetchOrder)
        {
            Visit(name);
        }

        return ordered;
    }
}
