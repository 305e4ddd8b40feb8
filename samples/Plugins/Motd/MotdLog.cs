using Microsoft.Extensions.Logging;

namespace Instant.Samples.Motd;

internal static partial class MotdLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Message of the day: {Text}")]
    public static partial void LogMotd(this ILogger log, string text);
}
