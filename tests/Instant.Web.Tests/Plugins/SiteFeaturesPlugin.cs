using System.Text;
using System.Text.RegularExpressions;
using Instant.Plugins;

namespace Instant.Web.Tests.Plugins;

/// <summary>A plugin (this test assembly, copied) that uses every file-side call of the API.</summary>
public sealed class SiteFeaturesPlugin : IInstantPlugin
{
    public void Initialize(IPluginApi api)
    {
        api.AddRedirect(new Regex("/old/(\\w+)"), "/new/\\1", 308);
        api.AddFileAlias("/welcome", "/static/room.html");
        api.AddFileAlias(new Regex("/docs/(\\w+)"), "/static/docs/\\1.md");
        api.AddFileGenerator(pathAndQuery => pathAndQuery.StartsWith("/static/docs/", StringComparison.Ordinal)
            ? new GeneratedFile(Encoding.UTF8.GetBytes("# generated for " + pathAndQuery))
            : null);
        api.AddContentType(new Regex(".*\\.md"), "text/markdown; charset=utf-8");
        api.AddSyntheticFile("/static/hello.txt", "hello from " + api.PluginName);
        api.AddSiteCode("window.siteFeatures = true;");
    }
}
