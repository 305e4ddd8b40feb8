using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Instant.Plugins;

/// <summary>What a plugin may do while it is initialised (docs/PLUGINS.md).</summary>
public interface IPluginApi
{
    /// <summary>The version of this API the server implements (<see cref="PluginApi.Version"/>).</summary>
    int ApiVersion { get; }

    /// <summary>The name of the plugin being initialised.</summary>
    string PluginName { get; }

    /// <summary>Facts about the server: version, revision, configuration hash.</summary>
    ServerProperties Server { get; }

    /// <summary>A logger named after the plugin, writing to the server's debug log.</summary>
    ILogger Log { get; }

    /// <summary>
    /// A configuration value through the server's lookup: <c>--option</c>, the environment,
    /// the <c>--config</c> file, then the plugins' configuration values in plugin order.
    /// </summary>
    string? GetConfiguration(string key);

    /// <summary>The rooms of this server process with their connection counts.</summary>
    IRoomDirectory Rooms { get; }

    /// <summary>Runs <paramref name="hook"/> on every request before the built-in handling; it returns true when it answered.</summary>
    void AddRequestHook(RequestHook hook);

    /// <summary>Adds a source of files, asked before the built-in ones, with the path and query.</summary>
    void AddFileGenerator(FileGenerator generator);

    /// <summary>Serves <paramref name="target"/> when <paramref name="path"/> is asked for; the URL does not change.</summary>
    void AddFileAlias(string path, string target);

    /// <summary>
    /// Serves the expansion of <paramref name="template"/> when <paramref name="pattern"/> matches
    /// the whole path; <c>\N</c> or <c>\{N}</c> in the template is group N, <c>\\</c> a backslash.
    /// </summary>
    void AddFileAlias(Regex pattern, string template);

    /// <summary>Sends <paramref name="contentType"/> for files whose (aliased) path <paramref name="pattern"/> fully matches.</summary>
    void AddContentType(Regex pattern, string contentType);

    /// <summary>Answers a path <paramref name="pattern"/> fully matches with a redirect to the expanded <paramref name="template"/> (query kept).</summary>
    void AddRedirect(Regex pattern, string template, int status = 301);

    /// <summary>Serves <paramref name="content"/> at <paramref name="path"/> (e.g. <c>/static/motd.json</c>).</summary>
    void AddSyntheticFile(string path, string content, string? contentType = null);

    /// <summary>Appends JavaScript to <c>/static/site.js</c>, which every room page runs after the client.</summary>
    void AddSiteCode(string code);

    /// <summary>Adds hooks on connections: connect, every client message, disconnect.</summary>
    void AddMessageHook(IMessageHook hook);
}

/// <summary>The API's version number.</summary>
public static class PluginApi
{
    /// <summary>The major version of this assembly; a plugin built against another is refused.</summary>
    public static int Version => typeof(PluginApi).Assembly.GetName().Version!.Major;
}

/// <summary>The server's name for itself, as the identity message and <c>/static/version.js</c> show it.</summary>
public sealed record ServerProperties(string Name, string Version, string? Revision, string ConfigHash);
