using System.Reflection;
using System.Runtime.Loader;

namespace Instant.Web.Plugins;

/// <summary>
/// One plugin's assemblies: its own and its private dependencies (by its <c>.deps.json</c> when
/// published, else beside it). The plugin API assembly and the shared framework come from the
/// host, so plugin and server agree on the API's types.
/// </summary>
internal sealed class PluginLoadContext(string assemblyPath) : AssemblyLoadContext($"plugin:{Path.GetFileName(assemblyPath)}")
{
    private static readonly string ApiAssemblyName = typeof(Instant.Plugins.IPluginApi).Assembly.GetName().Name!;
    private readonly AssemblyDependencyResolver _resolver = new(assemblyPath);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name == ApiAssemblyName)
        {
            return null; // the host's copy
        }

        if (_resolver.ResolveAssemblyToPath(assemblyName) is { } path)
        {
            return LoadFromAssemblyPath(path);
        }

        // A private dependency copied beside the plugin without a .deps.json.
        string beside = Path.Combine(Path.GetDirectoryName(assemblyPath)!, assemblyName.Name + ".dll");
        return File.Exists(beside) && Default.Assemblies.All(a => a.GetName().Name != assemblyName.Name) ? LoadFromAssemblyPath(beside) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        => _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
