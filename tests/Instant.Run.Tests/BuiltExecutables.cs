using System.Reflection;

namespace Instant.Run.Tests;

/// <summary>The repository's other executables, built before these tests (see the project file).</summary>
public static class BuiltExecutables
{
    public static string Instant => Find("InstantServer");

    public static string Scribe => Find("ScribeClient");

    private static string Find(string key)
    {
        var path = Path.GetFullPath(typeof(BuiltExecutables).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == key).Value!);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{key} is built before the tests", path);
    }
}
