using Microsoft.AspNetCore.Http;

namespace Instant.Plugins;

/// <summary>A request hook: true when it has answered the request, false to pass it on.</summary>
public delegate Task<bool> RequestHook(HttpContext context);

/// <summary>A file source: the file for a path (with its query, e.g. <c>/static/x.js?v=1</c>), or null.</summary>
public delegate GeneratedFile? FileGenerator(string pathAndQuery);

/// <summary>A file a generator made; without a content type the server's table decides.</summary>
public sealed record GeneratedFile(byte[] Content, string? ContentType = null);

/// <summary>The rooms of this server process (in a cluster: this node's connections).</summary>
public interface IRoomDirectory
{
    /// <summary>A snapshot of room name to the number of its connections here; empty rooms are left out.</summary>
    IReadOnlyDictionary<string, int> Snapshot();
}
