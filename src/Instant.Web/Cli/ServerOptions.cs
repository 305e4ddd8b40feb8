namespace Instant.Web.Cli;

/// <summary>The parsed command line of the <c>instant</c> server (RUNNING.md, "Running the backend").</summary>
public sealed record ServerOptions
{
    public string Host { get; init; } = "*";
    public int Port { get; init; } = 8080;
    public string WebRoot { get; init; } = ".";
    public IReadOnlyList<KeyValuePair<string, string>> Tls { get; init; } = [];
    public string HttpLog { get; init; } = "-";
    public string DebugLog { get; init; } = "-";
    public string LogLevel { get; init; } = "INFO";
    public IReadOnlyList<string> PluginPath { get; init; } = [];
    public IReadOnlyList<string> Plugins { get; init; } = [];
    public string? StartupCommand { get; init; }

    /// <summary>--option values in order; a null value (no '=') blocks every later source.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Options { get; init; } = [];
    public string? ConfigFile { get; init; }
    public bool ShowHelp { get; init; }
    public bool ShowVersion { get; init; }
}
