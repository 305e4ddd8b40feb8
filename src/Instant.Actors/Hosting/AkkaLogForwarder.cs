using Akka.Actor;
using Akka.Dispatch;
using Akka.DependencyInjection;
using Akka.Event;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Instant.Actors.Hosting;

/// <summary>
/// Akka's logger for the host's <see cref="ILoggerFactory"/>: each Akka log event becomes one
/// log line of the host's format (category: the logging class, or <c>Akka</c>; the message
/// prefixed by its source), formatted once. Akka.Hosting's own factory logger hands the host a
/// line already formatted by Akka (level, time, thread), which the host then formats again.
/// </summary>
public sealed class AkkaLogForwarder : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly Dictionary<Type, ILogger> _loggers = new();
    private ILoggerFactory? _factory;

    public AkkaLogForwarder()
    {
        Receive<InitializeLogger>(_ =>
        {
            _factory = DependencyResolver.For(Context.System).Resolver.GetService<ILoggerFactory>();
            Sender.Tell(new LoggerInitialized());
        });
        Receive<LogEvent>(Forward);
    }

    private void Forward(LogEvent e)
    {
        if (_factory is null)
        {
            return;
        }

        if (!_loggers.TryGetValue(e.LogClass, out var logger))
        {
            // Events logged under a plain string source carry a placeholder class.
            logger = _factory.CreateLogger(e.LogClass == typeof(DummyClassForStringSources) ? "Akka" : e.LogClass.FullName ?? "Akka");
            _loggers[e.LogClass] = logger;
        }

        var level = e.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => LogLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => LogLevel.Information,
            Akka.Event.LogLevel.WarningLevel => LogLevel.Warning,
            _ => LogLevel.Error,
        };
        if (logger.IsEnabled(level))
        {
            logger.Log(level, e.Cause, "[{Source}] {Message}", e.LogSource, e.Message?.ToString());
        }
    }
}
