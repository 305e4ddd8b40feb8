using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Instant.Actors.Files;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Instant.Web.Http;

/// <summary>
/// Finds the file for a logical path such as <c>static/room.html</c>: generated files first,
/// then the webroot's <c>pages/</c> and <c>static/</c>, then the copies embedded in this
/// assembly. Paths are checked segment by segment, so nothing outside the webroot is reachable:
/// only regular files are served from the webroot, and symbolic links below it only when
/// <c>instant.http.followSymlinks</c> allows. Webroot files are opened, not read: the response
/// streams them. Built-in and generated files are kept in memory.
/// </summary>
public sealed class StaticFileStore
{
    private const string EmbeddedPrefix = "wwwroot/";
    private readonly string _webRoot;
    private readonly bool _followSymlinks;
    private readonly ILogger _log;
    private readonly FrozenDictionary<string, StaticFile> _embedded;
    private readonly FrozenDictionary<string, StaticFile> _generated;

    public StaticFileStore(string webRoot, IReadOnlyDictionary<string, string> generated, bool followSymlinks = false, ILogger? log = null)
    {
        _webRoot = Path.GetFullPath(webRoot);
        _followSymlinks = followSymlinks;
        _log = log ?? NullLogger.Instance;
        _embedded = LoadEmbedded();
        _generated = generated.ToFrozenDictionary(
            g => g.Key, g => Make(Encoding.UTF8.GetBytes(g.Value), g.Key));
    }

    private enum Lookup
    {
        Found,
        NotThere,
        Refused,
    }

    /// <summary>
    /// The file at <paramref name="logicalPath"/>, or null when there is none or the path is
    /// unsafe. The caller disposes it (a webroot file holds an open handle).
    /// </summary>
    public StaticFile? Find(string logicalPath)
    {
        if (!IsSafe(logicalPath))
        {
            return null;
        }

        if (_generated.TryGetValue(logicalPath, out var generated))
        {
            return generated;
        }

        return FromWebRoot(logicalPath, out var file) switch
        {
            Lookup.Found => file,
            Lookup.Refused => null,
            _ => _embedded.GetValueOrDefault(logicalPath),
        };
    }

    private Lookup FromWebRoot(string logicalPath, out StaticFile? file)
    {
        file = null;
        var full = Path.GetFullPath(Path.Combine(_webRoot, logicalPath));
        if (!full.StartsWith(_webRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return Lookup.NotThere;
        }

        // Each step below the webroot: a link is looked through only if allowed, and only a
        // regular file is opened (a FIFO would block the open, a device never end).
        var segments = logicalPath.Split('/');
        string path = _webRoot;
        for (int i = 0; i < segments.Length; i++)
        {
            path = Path.Combine(path, segments[i]);
            bool last = i == segments.Length - 1;
            switch (FileType.Of(path, _followSymlinks))
            {
                case FileKind.Missing:
                    return Lookup.NotThere;
                case FileKind.SymbolicLink:
                    StaticFileLog.SymbolicLinkRefused(_log, path);
                    return Lookup.Refused;
                case FileKind.Directory when !last:
                    continue;
                case FileKind.Regular when last:
                    break;
                case FileKind.Special:
                    StaticFileLog.SpecialFileRefused(_log, path);
                    return Lookup.Refused;
                default:
                    return Lookup.NotThere; // a directory where a file is wanted, or the reverse
            }
        }

        try
        {
            var stream = new FileStream(full, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            // Cheap validator for files that may change under us: time and length.
            var etag = $"\"{File.GetLastWriteTimeUtc(stream.SafeFileHandle).Ticks:x}-{stream.Length:x}\"";
            file = StaticFile.OnDisk(stream, etag, ContentTypes.For(logicalPath));
            return Lookup.Found;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Lookup.NotThere; // vanished or unreadable since we looked: the embedded copy, if any
        }
    }

    /// <summary>
    /// Only <c>pages/…</c> and <c>static/…</c>, with every segment a plain name: no empty,
    /// <c>.</c> or <c>..</c> segments, no backslashes, percent signs or control characters.
    /// </summary>
    public static bool IsSafe(string logicalPath)
    {
        var segments = logicalPath.Split('/');
        if (segments.Length < 2 || segments[0] is not ("pages" or "static"))
        {
            return false;
        }

        foreach (var segment in segments)
        {
            if (segment.Length == 0 || segment is "." or ".." || segment.StartsWith("..", StringComparison.Ordinal))
            {
                return false;
            }

            foreach (char c in segment)
            {
                if (c < 0x20 || c == 0x7F || c is '\\' or '%' or ':' or '\0')
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static FrozenDictionary<string, StaticFile> LoadEmbedded()
    {
        var assembly = typeof(StaticFileStore).Assembly;
        var files = new Dictionary<string, StaticFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var normalized = name.Replace('\\', '/');
            if (!normalized.StartsWith(EmbeddedPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var path = normalized[EmbeddedPrefix.Length..];
            files[path] = Make(memory.ToArray(), path);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static StaticFile Make(byte[] content, string path)
        => StaticFile.InMemory(content, "\"" + Convert.ToHexString(SHA256.HashData(content), 0, 16) + "\"", ContentTypes.For(path));
}
