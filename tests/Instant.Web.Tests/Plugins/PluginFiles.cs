using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;
using Instant.Web.Tests.Support;

namespace Instant.Web.Tests.Plugins;

/// <summary>The sample plugins' build output, and plugin files made up for a test.</summary>
public static class PluginFiles
{
    /// <summary>The folder the solution built samples/Plugins/<paramref name="project"/> into, in this test run's configuration.</summary>
    public static string SampleOutput(string project)
    {
        // This assembly is in tests/Instant.Web.Tests/bin/CONFIG/TFM/.
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = tfm.Parent!.Name;
        var root = tfm;
        while (!File.Exists(Path.Combine(root.FullName, "Instant.Actors.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("Instant.Actors.sln not found above " + AppContext.BaseDirectory);
        }

        string output = Path.Combine(root.FullName, "samples", "Plugins", project, "bin", configuration, tfm.Name);
        return Directory.Exists(output) ? output : throw new InvalidOperationException($"{output} is missing: build the solution");
    }

    /// <summary>Copies a sample's assembly to <paramref name="directory"/> as <paramref name="fileName"/>, with a <c>.plugin.json</c> manifest if given.</summary>
    public static string CopyAs(TempDirectory directory, string fileName, string? manifestJson = null, string sample = "Motd", string assembly = "motd.dll")
    {
        string target = directory.PathOf(fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(Path.Combine(SampleOutput(sample), assembly), target);
        if (manifestJson is not null)
        {
            File.WriteAllText(Path.ChangeExtension(target, null) + ".plugin.json", manifestJson);
        }

        return target;
    }

    /// <summary>Copies this test assembly as a plugin whose initialiser is <typeparamref name="T"/>.</summary>
    public static string TestAssemblyAs<T>(TempDirectory directory, string name)
    {
        string target = directory.PathOf(name + ".dll");
        File.Copy(typeof(PluginFiles).Assembly.Location, target);
        File.WriteAllText(directory.PathOf(name + ".plugin.json"), $$"""{"Main-Class": "{{typeof(T).FullName}}"}""");
        return target;
    }

    /// <summary>Writes <c>NAME.dll</c>, an assembly that references <c>Instant.Plugins</c> of <paramref name="apiVersion"/>.</summary>
    public static string BuiltAgainstApi(TempDirectory directory, string name, Version apiVersion)
    {
        // A stand-in API assembly of that version, loaded aside, gives the plugin its reference.
        var api = new PersistedAssemblyBuilder(new AssemblyName("Instant.Plugins") { Version = apiVersion }, typeof(object).Assembly);
        var apiModule = api.DefineDynamicModule("Instant.Plugins");
        var marker = apiModule.DefineType("Instant.Plugins.Marker", TypeAttributes.Public | TypeAttributes.Class);
        marker.DefineDefaultConstructor(MethodAttributes.Public);
        marker.CreateType();
        string apiPath = directory.PathOf(Path.Combine("api-" + apiVersion, "Instant.Plugins.dll"));
        Directory.CreateDirectory(Path.GetDirectoryName(apiPath)!);
        api.Save(apiPath);

        var aside = new AssemblyLoadContext("api-" + apiVersion, isCollectible: true);
        try
        {
            var markerType = aside.LoadFromAssemblyPath(apiPath).GetType("Instant.Plugins.Marker")!;
            var plugin = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly);
            var module = plugin.DefineDynamicModule(name);
            var type = module.DefineType("OldPlugin", TypeAttributes.Public | TypeAttributes.Class, markerType);
            type.DefineDefaultConstructor(MethodAttributes.Public);
            type.CreateType();
            string path = directory.PathOf(name + ".dll");
            plugin.Save(path);
            return path;
        }
        finally
        {
            aside.Unload();
        }
    }
}

/// <summary>An initialiser that fails, for the specs of a failing plugin.</summary>
public sealed class ThrowingInitialiser : Instant.Plugins.IInstantPlugin
{
    public void Initialize(Instant.Plugins.IPluginApi api) => throw new InvalidOperationException("the database is not there");
}
