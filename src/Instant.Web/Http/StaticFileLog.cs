using Microsoft.Extensions.Logging;

namespace Instant.Web.Http;

/// <summary>Log lines of <see cref="StaticFileStore"/>.</summary>
internal static partial class StaticFileLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Not serving {Path}: it is reached through a symbolic link (instant.http.followSymlinks is off)")]
    public static partial void SymbolicLinkRefused(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not serving {Path}: not a regular file")]
    public static partial void SpecialFileRefused(ILogger logger, string path);
}
