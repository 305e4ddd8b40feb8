using System.Text.RegularExpressions;
using Instant.Web.Plugins;
using Xunit;

namespace Instant.Web.Tests.Plugins;

/// <summary>NAME.plugin.json, the site.js line of a frontend plugin, and alias templates.</summary>
public sealed class PluginManifestSpecs
{
    [Fact]
    public void A_json_manifest_takes_lists_as_arrays_or_comma_separated_strings()
    {
        var manifest = PluginManifest.FromJson("""
            {
              "Main-Class": "Acme.Chat.Plugin",
              "Depends": ["core", "ui"],
              "requires": "auth, , log",
              "Breaks": "old-chat",
              "Frontend-Plugin": "yes",
              "Frontend-scripts": ["/static/a.js#before=1&isolate=0"],
              "Configuration": {"chat.color": "blue", "chat.size": 3}
            }
            """);

        Assert.Equal("Acme.Chat.Plugin", manifest.MainClass);
        Assert.Equal(["core", "ui"], manifest.Depends);
        Assert.Equal(["auth", "log"], manifest.Requires);
        Assert.Equal(["old-chat"], manifest.Breaks);
        Assert.True(manifest.FrontendPlugin);
        Assert.Equal(["/static/a.js#before=1&isolate=0"], manifest.Frontend["scripts"]);
        Assert.Equal([new("chat.color", "blue"), new KeyValuePair<string, string>("chat.size", "3")], manifest.Configuration);
    }

    [Theory]
    [InlineData("{\"Depends\": ", "not JSON")]
    [InlineData("[\"Depends\"]", "not a JSON object")]
    [InlineData("{\"Depnds\": \"core\"}", "unknown manifest key 'Depnds'")]
    [InlineData("{\"Frontend-Plugin\": \"perhaps\"}", "Frontend-Plugin 'perhaps' is not yes or no")]
    [InlineData("{\"Depends\": {\"core\": 1}}", "Depends: expected a string, not object")]
    [InlineData("{\"Configuration\": [\"a\"]}", "Configuration is not an object")]
    public void A_bad_manifest_says_what_is_wrong(string json, string problem)
    {
        var error = Assert.Throws<FormatException>(() => PluginManifest.FromJson(json));
        Assert.StartsWith(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frontend_plugin_gets_one_loadPlugin_call_with_its_non_empty_parts()
    {
        var manifest = PluginManifest.FromJson("""
            {
              "Frontend-Plugin": true,
              "Frontend-deps": "base",
              "Frontend-styles": "/static/x.css",
              "Frontend-scripts": "/static/a.js#before=1&after=yes&isolate=0, /static/b.js",
              "Frontend-main": "return 42"
            }
            """);

        Assert.Equal(
            "Instant.loadPlugin(\"x\", {\"deps\": [\"base\"], \"styles\": [\"/static/x.css\"], "
            + "\"scripts\": [{url: \"/static/a.js\", before: true, after: true}, {url: \"/static/b.js\"}], "
            + "\"main\": function() { return 42; }});\n",
            FrontendSiteCode.For("x", manifest));
    }

    [Theory]
    [InlineData("/u/(\\w+)/(\\d+)", "/u/ann/42", "/static/users/\\1-\\2.html", "/static/users/ann-42.html")]
    [InlineData("/u/(\\w+)/(\\d+)", "/u/ann/42", "/static/\\{2}0/\\\\\\1", "/static/420/\\ann")]
    [InlineData("/(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)", "/abcdefghij", "\\10-\\1", "j-a")]
    public void Templates_expand_group_numbers(string pattern, string path, string template, string expected)
        => Assert.Equal(expected, PathTemplate.Expand(template, new Regex(pattern).Match(path)));
}
