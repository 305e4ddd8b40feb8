using System.Globalization;
using System.Text;
using Instant.Web.Cli;
using Microsoft.Extensions.Logging;

namespace Instant.Web.Http;

/// <summary>
/// The debugging log: <c>[yyyy-MM-dd HH:mm:ss.fff LEVEL Category] message</c> in local time,
/// with an exception's text on the following lines, as the original's log reads.
/// </summary>
public sealed class DebugLogProvider(LogSink sink, LogLevelSwitch minimum, TimeProvider time) : ILoggerProvider
{
    private LogSink Sink => sink;

    private LogLevel Minimum => minimum.Level;

    private TimeProvider Time => time;

    public ILogger CreateLogger(string categoryName) => new DebugLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class DebugLogger(DebugLogProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var sb = new StringBuilder("[")
                .Append(provider.Time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture))
                .Append(' ').Append(LogLevels.JavaName(logLevel)).Append(' ').Append(category).Append("] ")
                .Append(formatter(state, exception));
            if (exception is not null)
            {
                sb.Append('\n').Append(exception);
            }

            provider.Sink.WriteEntry(sb.ToString());
        }
    }
}
