using System.Security.Cryptography;
using Instant.Plugins;
using Instant.Web.Http;
using Microsoft.AspNetCore.Http;

namespace Instant.Web.Plugins;

/// <summary>
/// The plugins' part of answering a request, consulted before the built-in site: request hooks,
/// redirects, aliases (first match; the URL stays), generated and synthetic files, and content types.
/// </summary>
public sealed class PluginSite(PluginRuntime runtime)
{
    /// <summary>True when a request hook answered.</summary>
    public async Task<bool> RunRequestHooksAsync(HttpContext context)
    {
        foreach (var (_, hook) in runtime.RequestHooks)
        {
            if (await hook(context))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Where a redirect sends <paramref name="path"/> (the query appended), or null.</summary>
    public (string Location, int Status)? Redirect(string path, string query)
    {
        foreach (var (pattern, template, status) in runtime.Redirects)
        {
            if (FullMatch(pattern, path) is { } match)
            {
                return (PathTemplate.Expand(template, match) + query, status);
            }
        }

        return null;
    }

    /// <summary>The path an alias maps <paramref name="path"/> to, or the path itself.</summary>
    public string Alias(string path)
    {
        foreach (var (pattern, template) in runtime.Aliases)
        {
            if (FullMatch(pattern, path) is { } match)
            {
                return PathTemplate.Expand(template, match);
            }
        }

        return path;
    }

    /// <summary>A file from the generators (given path and query), then the synthetic files (path only).</summary>
    public StaticFile? FindFile(string path, string query)
    {
        foreach (var generator in runtime.FileGenerators)
        {
            if (generator(path + query) is { } generated)
            {
                return InMemory(path, generated);
            }
        }

        return runtime.SyntheticFiles.TryGetValue(path, out var file) ? InMemory(path, file) : null;
    }

    /// <summary>The content type a plugin gives <paramref name="path"/>, or null.</summary>
    public string? ContentTypeOf(string path)
    {
        foreach (var (pattern, contentType) in runtime.ContentTypes)
        {
            if (FullMatch(pattern, path) is not null)
            {
                return contentType;
            }
        }

        return null;
    }

    private StaticFile InMemory(string path, GeneratedFile file)
        => StaticFile.InMemory(
            file.Content,
            "\"" + Convert.ToHexString(SHA256.HashData(file.Content), 0, 16) + "\"",
            file.ContentType ?? ContentTypeOf(path) ?? Http.ContentTypes.For(path));

    private static System.Text.RegularExpressions.Match? FullMatch(System.Text.RegularExpressions.Regex pattern, string path)
    {
        var match = pattern.Match(path);
        return match.Success && match.Index == 0 && match.Length == path.Length ? match : null;
    }
}
