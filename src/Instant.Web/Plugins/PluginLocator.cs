namespace Instant.Web.Plugins;

/// <summary>
/// Finds plugins by name or path. An entry containing <c>/</c> is a path to a plugin file or
/// directory; any other entry is a name, looked up on the plugin path: first the path entries
/// that are files, then the files in the path's directories, then their subdirectories
/// (each directory in path order, its entries in ordinal order of their names).
/// </summary>
public sealed class PluginLocator(IReadOnlyList<string> pluginPath)
{
    public const string AssemblyExtension = ".dll";
    public const string ManifestExtension = ".plugin.json";

    /// <summary>Whether an entry of <c>--plugins</c> is a path rather than a name.</summary>
    public static bool IsPath(string entry) => entry.Contains('/');

    /// <summary>The plugin a file or directory name stands for: cut at the first <c>_</c>, without <c>.dll</c>.</summary>
    public static string NameOf(string fileOrDirectoryName)
    {
        string name = fileOrDirectoryName.EndsWith(AssemblyExtension, StringComparison.OrdinalIgnoreCase)
            ? fileOrDirectoryName[..^AssemblyExtension.Length]
            : fileOrDirectoryName;
        int underscore = name.IndexOf('_');
        return underscore < 0 ? name : name[..underscore];
    }

    /// <summary>The plugin an entry of <c>--plugins</c> names, or null when there is none.</summary>
    public PluginCandidate? Locate(string entry)
        => IsPath(entry) ? AtPath(entry.TrimEnd('/')) : ByName(entry);

    private PluginCandidate? ByName(string name)
    {
        foreach (var entry in pluginPath.Where(File.Exists))
        {
            if (FileCandidate(entry) is { } file && file.Name == name)
            {
                return file;
            }
        }

        var directories = pluginPath.Where(Directory.Exists).ToList();
        foreach (var directory in directories)
        {
            foreach (var path in Directory.GetFiles(directory, "*" + AssemblyExtension).Order(StringComparer.Ordinal))
            {
                if (NameOf(Path.GetFileName(path)) == name && FileCandidate(path) is { } file)
                {
                    return file;
                }
            }
        }

        foreach (var directory in directories)
        {
            foreach (var path in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
            {
                if (NameOf(Path.GetFileName(path)) == name && DirectoryCandidate(path) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    private static PluginCandidate? AtPath(string path)
        => Directory.Exists(path) ? DirectoryCandidate(path) : File.Exists(path) ? FileCandidate(path) : null;

    private static PluginCandidate? FileCandidate(string path)
    {
        string fileName = Path.GetFileName(path);
        if (!fileName.EndsWith(AssemblyExtension, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string name = NameOf(fileName);
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string own = Path.Combine(directory, fileName[..^AssemblyExtension.Length] + ManifestExtension);
        string manifest = File.Exists(own) ? own : Path.Combine(directory, name + ManifestExtension);
        return new PluginCandidate(name, Path.GetFullPath(path), manifest);
    }

    private static PluginCandidate? DirectoryCandidate(string path)
    {
        string name = NameOf(Path.GetFileName(Path.GetFullPath(path)));
        string assembly = Path.Combine(Path.GetFullPath(path), name + AssemblyExtension);
        return File.Exists(assembly) ? new PluginCandidate(name, assembly, Path.Combine(Path.GetFullPath(path), name + ManifestExtension)) : null;
    }
}
