namespace Instant.Web.Http;

/// <summary>Content types by file extension: the original's table, plus a few it lacked.</summary>
public static class ContentTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "application/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml; charset=utf-8",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".ico"] = "image/vnd.microsoft.icon",
        [".txt"] = "text/plain; charset=utf-8",
        // Not in the original's table; served without a type there.
        [".json"] = "application/json; charset=utf-8",
        [".webmanifest"] = "application/manifest+json; charset=utf-8",
        [".woff2"] = "font/woff2",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
    };

    public static string? For(string path) => ByExtension.GetValueOrDefault(Path.GetExtension(path));
}
