using System.Text.RegularExpressions;
using Instant.Plugins;
using Microsoft.Extensions.Logging;

namespace Instant.Web.Plugins;

/// <summary>The API one plugin's initialiser gets: registrations go to the shared <see cref="PluginRuntime"/>.</summary>
internal sealed class PluginApiForOne(
    PluginRuntime runtime, string plugin, Func<string, string?> configuration, ServerProperties server, ILogger log) : IPluginApi
{
    public int ApiVersion => PluginApi.Version;

    public string PluginName => plugin;

    public ServerProperties Server => server;

    public ILogger Log => log;

    public IRoomDirectory Rooms => runtime;

    public string? GetConfiguration(string key) => configuration(key);

    public void AddRequestHook(RequestHook hook) => runtime.RequestHooks.Add((plugin, hook));

    public void AddFileGenerator(FileGenerator generator) => runtime.FileGenerators.Add(generator);

    public void AddFileAlias(string path, string target)
        => runtime.Aliases.Add((new Regex(Regex.Escape(path), RegexOptions.CultureInvariant), target.Replace("\\", "\\\\", StringComparison.Ordinal)));

    public void AddFileAlias(Regex pattern, string template) => runtime.Aliases.Add((pattern, template));

    public void AddContentType(Regex pattern, string contentType) => runtime.ContentTypes.Add((pattern, contentType));

    public void AddRedirect(Regex pattern, string template, int status = 301)
    {
        if (status is < 300 or > 399)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "a redirect status is 3xx");
        }

        runtime.Redirects.Add((pattern, template, status));
    }

    public void AddSyntheticFile(string path, string content, string? contentType = null)
    {
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"'{path}' does not start with /", nameof(path));
        }

        runtime.SyntheticFiles[path] = new GeneratedFile(System.Text.Encoding.UTF8.GetBytes(content), contentType);
    }

    public void AddSiteCode(string code) => runtime.SiteCode.Append(code).Append('\n');

    public void AddMessageHook(IMessageHook hook) => runtime.AddMessageHook(plugin, hook);
}
