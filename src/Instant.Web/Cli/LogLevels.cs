using Microsoft.Extensions.Logging;

namespace Instant.Web.Cli;

/// <summary>Log level names: java.util.logging's (as the original takes them) and .NET's.</summary>
public static class LogLevels
{
    private static readonly Dictionary<string, LogLevel> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SEVERE"] = LogLevel.Error,
        ["WARNING"] = LogLevel.Warning,
        ["INFO"] = LogLevel.Information,
        ["CONFIG"] = LogLevel.Information,
        ["FINE"] = LogLevel.Debug,
        ["FINER"] = LogLevel.Trace,
        ["FINEST"] = LogLevel.Trace,
        ["ALL"] = LogLevel.Trace,
        ["OFF"] = LogLevel.None,
        ["Critical"] = LogLevel.Critical,
        ["Error"] = LogLevel.Error,
        ["Information"] = LogLevel.Information,
        ["Debug"] = LogLevel.Debug,
        ["Trace"] = LogLevel.Trace,
        ["None"] = LogLevel.None,
    };

    public static LogLevel Parse(string name)
        => Names.TryGetValue(name, out var level)
            ? level
            : throw new CommandLineException(
                $"unknown log level '{name}': use SEVERE, WARNING, INFO, CONFIG, FINE, FINER, FINEST, ALL, OFF, or Critical, Error, Warning, Information, Debug, Trace, None");

    /// <summary>The java.util.logging name written in debug log lines, as the original writes them.</summary>
    public static string JavaName(LogLevel level) => level switch
    {
        LogLevel.Trace => "FINEST",
        LogLevel.Debug => "FINE",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        _ => "SEVERE",
    };
}
