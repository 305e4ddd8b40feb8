using Microsoft.Extensions.Logging;

namespace Instant.Web.Http;

/// <summary>
/// The debugging log's level, changeable while the server runs (the backend console's
/// <c>loglevel</c>); <see cref="DebugLogProvider"/> reads it on every check.
/// </summary>
public sealed class LogLevelSwitch(LogLevel level)
{
    private volatile int _level = (int)level;

    public LogLevel Level
    {
        get => (LogLevel)_level;
        set => _level = (int)value;
    }
}
