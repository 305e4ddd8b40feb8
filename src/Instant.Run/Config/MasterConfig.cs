namespace Instant.Run.Config;

/// <summary>The <c>[master]</c> section; every path is absolute.</summary>
public sealed record MasterConfig
{
    public MasterMode? Mode { get; init; }
    public required string CommPath { get; init; }
    public bool CommMkdirs { get; init; } = true;
    public string? PidFile { get; init; }
    public string? LogFile { get; init; }
    public LogLevel LogLevel { get; init; } = LogLevel.Info;
    public bool LogTimestamps { get; init; } = true;
}

/// <summary>How an invocation uses a master process (<c>--master</c>).</summary>
public enum MasterMode { Never, Auto, Spawn, Fg, Always, Restart, Stop, Action }

/// <summary>Master log levels, numbered as Python's logging module numbers them.</summary>
public enum LogLevel { Debug = 10, Info = 20, Warning = 30, Error = 40, Critical = 50 }

public static class ConfigValues
{
    public static MasterMode ParseMode(string text) => text.Trim().ToLowerInvariant() switch
    {
        "never" => MasterMode.Never,
        "auto" => MasterMode.Auto,
        "spawn" => MasterMode.Spawn,
        "fg" => MasterMode.Fg,
        "always" => MasterMode.Always,
        "restart" => MasterMode.Restart,
        "stop" => MasterMode.Stop,
        "action" => MasterMode.Action,
        _ => throw new FormatException($"Invalid master mode '{text}' (expected never, auto, spawn, fg, always, restart, stop or action)"),
    };

    /// <summary>A yes/no value, read as every tool reads one (<see cref="Instant.Actors.Configuration.ConfigBoolean"/>); anything else is an error.</summary>
    public static bool ParseBool(string text)
        => Instant.Actors.Configuration.ConfigBoolean.TryParse(text, out bool value)
            ? value
            : throw new FormatException($"Invalid boolean '{text}' (expected yes or no)");

    public static LogLevel ParseLogLevel(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit))
        {
            var number = int.Parse(trimmed, System.Globalization.CultureInfo.InvariantCulture);
            return number switch { <= 10 => LogLevel.Debug, <= 20 => LogLevel.Info, <= 30 => LogLevel.Warning, <= 40 => LogLevel.Error, _ => LogLevel.Critical };
        }
        return trimmed.ToUpperInvariant() switch
        {
            "DEBUG" => LogLevel.Debug,
            "INFO" => LogLevel.Info,
            "WARNING" or "WARN" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            "CRITICAL" or "FATAL" => LogLevel.Critical,
            _ => throw new FormatException($"Invalid log level '{text}' (expected DEBUG, INFO, WARNING, ERROR, CRITICAL or a number)"),
        };
    }

    /// <summary>Seconds as a non-negative, perhaps fractional, number.</summary>
    public static double ParseSeconds(string text, string what)
    {
        if (!double.TryParse(text.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value < 0 || double.IsNaN(value) || double.IsInfinity(value))
            throw new FormatException($"Invalid {what} '{text}' (expected a number of seconds)");
        return value;
    }
}
