namespace Instant.Run.Config;

/// <summary>One process of the configuration; every path is absolute.</summary>
public sealed record ProcessConfig
{
    public required string Name { get; init; }
    public required string Section { get; init; }
    public required IReadOnlyList<string> Command { get; init; }
    /// <summary>The <c>cmdline</c> text after interpolation, for <c>show</c>.</summary>
    public required string CommandText { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];
    public IReadOnlyList<string> Mkdirs { get; init; } = [];
    public string? WorkDir { get; init; }
    public Redirection Stdin { get; init; } = Redirection.Inherit;
    public Redirection Stdout { get; init; } = Redirection.Inherit;
    public Redirection Stderr { get; init; } = Redirection.Inherit;
    public required string PidFile { get; init; }
    public required string PidFileWarmup { get; init; }
    public string? StartupNotify { get; init; }
    public double StopWait { get; init; }
    /// <summary>Seconds to wait before an automatic restart; null disables automatic restarts.</summary>
    public double? RestartDelay { get; init; }
    public double RestartMinAlive { get; init; }
    /// <summary>The resolved section values, in order, for <c>show</c>.</summary>
    public required IReadOnlyDictionary<string, string> Values { get; init; }
}
