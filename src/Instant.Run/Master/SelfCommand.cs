namespace Instant.Run.Master;

/// <summary>How to run this executable again (for spawning a master and for notify commands).</summary>
public static class SelfCommand
{
    /// <summary>The words that start instant-run: its apphost, or <c>dotnet instant-run.dll</c>.</summary>
    public static IReadOnlyList<string> Words()
    {
        // The apphost beside our assembly works whoever hosts us (dotnet, a test host, itself).
        var dll = typeof(SelfCommand).Assembly.Location;
        var apphost = Path.Combine(Path.GetDirectoryName(dll)!, "instant-run");
        if (File.Exists(apphost)) return [apphost];
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find the running executable");
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, dll] : [host];
    }
}
