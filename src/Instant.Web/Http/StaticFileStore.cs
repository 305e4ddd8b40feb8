using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace Instant.Web.Http;

/// <summary>
/// Finds the file for a logical path such as <c>static/room.html</c>: generated files first,
/// then the webroot's <c>pages/</c> and <c>static/</c>, then the copies embedded in this
/// assembly. Paths are checked segment by segment, so nothing outside the webroot is reachable.
/// </summary>
public sealed class StaticFileStore
{
    private const string EmbeddedPrefix = "wwwroot/";
    private readonly string _webRoot;
    private readonly FrozenDictionary<string, StaticFile> _embedded;
    private readonly FrozenDictionary<string, StaticFile> _generated;

    public StaticFileStore(string webRoot, IReadOnlyDictionary<string, string> generated)
    {
        _webRoot = Path.GetFullPath(webRoot);
        _embedded = LoadEmbedded();
        _generated = generated.ToFrozenDictionary(
            g => g.Key, g => Make(Encoding.UTF8.GetBytes(g.Value), g.Key));
    }

    /// <summary>The file at <paramref name="logicalPath"/>, or null when there is none or the path is unsafe.</summary>
    public async Task<StaticFile?> FindAsync(string logicalPath, CancellationToken cancellationToken)
    {
        if (!IsSafe(logicalPath))
        {
            return null;
        }

        if (_generated.TryGetValue(logicalPath, out var generated))
        {
            return generated;
        }

        var full = Path.GetFullPath(Path.Combine(_webRoot, logicalPath));
        if (full.StartsWith(_webRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            var info = new FileInfo(full);
            if (info.Exists)
            {
                try
                {
                    var bytes = await File.ReadAllBytesAsync(full, cancellationToken);
                    // Cheap validator for files that may change under us: time and length.
                    var etag = $"\"{info.LastWriteTimeUtc.Ticks:x}-{bytes.Length:x}\"";
                    return new StaticFile(bytes, etag, ContentTypes.For(logicalPath));
                }
                catch (IOException)
                {
                    // Vanished or unreadable since we looked: fall back to the embedded copy.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        return _embedded.GetValueOrDefault(logicalPath);
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
        => new(content, "\"" + Convert.ToHexString(SHA256.HashData(content), 0, 16) + "\"", ContentTypes.For(path));
}
