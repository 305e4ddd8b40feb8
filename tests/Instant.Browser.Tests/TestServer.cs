using Instant.Web;

namespace Instant.Browser.Tests;

/// <summary>Starts our own server on 127.0.0.1, serving the client from the source tree.</summary>
public static class TestServer
{
    /// <summary>The client's files in this checkout, so a test always serves what it tests.</summary>
    public static string WebRoot { get; } = FindWebRoot();

    /// <summary>Starts a server on <paramref name="port"/> (0 picks a free one).</summary>
    public static Task<InstantServer> StartAsync(int port = 0, CancellationToken cancellation = default)
        => InstantServer.StartAsync(
            ["-h", "127.0.0.1", "--webroot", WebRoot, "--http-log", "/dev/null", "--debug-log", "/dev/null", port.ToString()],
            cancellation);

    /// <summary>Starts a server on a free port with <paramref name="extra"/> arguments (plugins, options).</summary>
    public static Task<InstantServer> StartWithAsync(params string[] extra)
        => InstantServer.StartAsync(
            ["-h", "127.0.0.1", "--webroot", WebRoot, "--http-log", "/dev/null", "--debug-log", "/dev/null", "0", .. extra]);

    /// <summary>The folder the solution built samples/Plugins/<paramref name="project"/> into, in this run's configuration.</summary>
    public static string SamplePluginOutput(string project)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string output = Path.Combine(RepositoryRoot, "samples", "Plugins", project, "bin", tfm.Parent!.Name, tfm.Name);
        return Directory.Exists(output) ? output : throw new InvalidOperationException($"{output} is missing: build the solution");
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Instant.Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Instant.Actors.sln not found above " + AppContext.BaseDirectory);
    }

    private static string FindWebRoot()
    {
        var path = Path.Combine(FindRepositoryRoot(), "src", "Instant.Web", "wwwroot");
        return Directory.Exists(path) ? path : throw new InvalidOperationException("no webroot at " + path);
    }
}
