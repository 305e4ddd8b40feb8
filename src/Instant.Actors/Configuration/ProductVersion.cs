using System.Reflection;

namespace Instant.Actors.Configuration;

/// <summary>What <c>--version</c> prints in every tool: <c>TOOL (Instant.Actors) VERSION (REVISION)</c>.</summary>
public static class ProductVersion
{
    public static string Describe(string tool, Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = informational.IndexOf('+');
        return plus < 0
            ? $"{tool} (Instant.Actors) {informational}"
            : $"{tool} (Instant.Actors) {informational[..plus]} ({informational[(plus + 1)..]})";
    }
}
