using System.Globalization;
using Instant.Run.Config;

namespace Instant.Run.Master;

/// <summary>
/// The master's log: lines <c>[YYYY-MM-DD HH:MM:SS logger LEVEL] message</c> (local time), to
/// <c>[master] log-file</c> or standard error.
/// </summary>
public sealed class MasterLog(TextWriter output, LogLevel minimum, bool timestamps)
{
    private readonly Lock _lock = new();

    public static MasterLog Open(MasterConfig config)
    {
        if (config.LogFile is null) return new MasterLog(Console.Error, config.LogLevel, config.LogTimestamps);
        Directory.CreateDirectory(Path.GetDirectoryName(config.LogFile)!);
        var writer = new StreamWriter(new FileStream(config.LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        return new MasterLog(writer, config.LogLevel, config.LogTimestamps);
    }

    public void Write(string logger, LogLevel level, string message)
    {
        if (level < minimum) return;
        var name = level.ToString().ToUpperInvariant();
        var prefix = timestamps
            ? $"[{DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} {logger} {name}]"
            : $"[{logger} {name}]";
        lock (_lock)
        {
            try
            {
                output.WriteLine($"{prefix} {message}");
                output.Flush();
            }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
        }
    }

    public void Info(string logger, string message) => Write(logger, LogLevel.Info, message);
    public void Warning(string logger, string message) => Write(logger, LogLevel.Warning, message);
    public void Error(string logger, string message) => Write(logger, LogLevel.Error, message);
}
