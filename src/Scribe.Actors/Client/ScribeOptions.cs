namespace Scribe.Actors.Client;

/// <summary>The <c>scribe</c> command line (see docs/SCRIBE.md and RUNNING.md).</summary>
public sealed record ScribeOptions
{
    public int? MaxLength { get; init; }

    public string? MessageDb { get; init; }

    public bool NoMessageDb { get; init; }

    public string? ReadFile { get; init; }

    public string? ReadRotate { get; init; }

    public IReadOnlyList<string> PushLogs { get; init; } = [];

    public bool DontStay { get; init; }

    public bool DontPull { get; init; }

    public double PingDelaySeconds { get; init; } = 3600;

    /// <summary>null for <c>--no-nick</c>.</summary>
    public string? Nick { get; init; } = "Scribe";

    /// <summary>null: no cookies (the default); empty: in memory only; otherwise the jar file.</summary>
    public string? Cookies { get; init; }

    public IReadOnlyDictionary<string, string> Tls { get; init; } = new Dictionary<string, string>();

    public string LogFile { get; init; } = "-";

    public string? LogRotate { get; init; }

    public bool NoLog { get; init; }

    public Uri? Url { get; init; }

    public bool Help { get; init; }

    public bool Version { get; init; }
}

/// <summary>A bad command line; printed as <c>ERROR: message</c> with exit status 2.</summary>
public sealed class CommandLineException(string message) : Exception(message);
