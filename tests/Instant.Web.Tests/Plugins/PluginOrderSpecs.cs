using Instant.Web.Plugins;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Plugins;

/// <summary>Dependencies, order, Breaks and cycles (docs/PLUGINS.md, Order), with manifests given in memory.</summary>
public sealed class PluginOrderSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Dictionary<string, PluginManifest> _manifests = new(StringComparer.Ordinal);

    public void Dispose() => _dir.Dispose();

    private void Plugin(string name, string? depends = null, string? requires = null, string? after = null, string? before = null, string? breaks = null)
    {
        _dir.Write(name + ".dll", "not read");
        var entries = new List<KeyValuePair<string, string>>();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                entries.Add(new(key, value));
            }
        }

        Add("Depends", depends);
        Add("Requires", requires);
        Add("After", after);
        Add("Before", before);
        Add("Breaks", breaks);
        _manifests[name] = PluginManifest.FromEntries(entries, []);
    }

    private List<string> Resolve(params string[] entries)
        => [.. PluginResolver.Resolve(entries, new PluginLocator([_dir.Path]), c => _manifests[c.Name]).Select(p => p.Name)];

    private PluginException Fails(params string[] entries) => Assert.Throws<PluginException>(() => Resolve(entries));

    [Fact]
    public void Dependencies_are_fetched_recursively_and_load_first()
    {
        Plugin("app", depends: "ui");
        Plugin("ui", depends: "core");
        Plugin("core");

        Assert.Equal(["core", "ui", "app"], Resolve("app"));
    }

    [Fact]
    public void Requires_fetches_without_ordering()
    {
        Plugin("app", requires: "helper");
        Plugin("helper");

        Assert.Equal(["app", "helper"], Resolve("app"));
    }

    [Fact]
    public void After_and_Before_order_plugins_that_are_loaded_and_fetch_nothing()
    {
        Plugin("a", after: "b,absent");
        Plugin("b", before: "c");
        Plugin("c");

        Assert.Equal(["c", "a"], Resolve("c", "a")); // b is not asked for: no edge, no fetch
        Assert.Equal(["b", "c", "a"], Resolve("c", "a", "b"));
    }

    [Fact]
    public void Without_edges_plugins_keep_the_order_they_were_asked_for_in()
    {
        Plugin("x");
        Plugin("y");
        Plugin("z");

        Assert.Equal(["z", "x", "y"], Resolve("z", "x", "y", "x"));
    }

    [Fact]
    public void A_missing_plugin_is_named()
    {
        var error = Fails("ghost");
        Assert.Equal("ghost", error.Plugin);
        Assert.Equal("plugin ghost: not found on the plugin path", error.Message);
    }

    [Fact]
    public void A_missing_dependency_names_the_plugin_that_needs_it()
    {
        Plugin("app", depends: "ui");
        Plugin("ui", requires: "gone");

        var error = Fails("app");
        Assert.Equal("plugin ui: needs plugin 'gone', which is not on the plugin path", error.Message);
    }

    [Fact]
    public void A_present_Breaks_is_an_error_and_an_absent_one_is_not()
    {
        Plugin("new", breaks: "old");
        Plugin("old");

        Assert.Equal(["new"], Resolve("new"));
        Assert.Equal("plugin new: breaks plugin 'old', which is loaded too", Fails("old", "new").Message);
    }

    [Fact]
    public void A_cycle_back_to_the_first_plugin_is_an_error()
    {
        Plugin("a", depends: "b");
        Plugin("b", depends: "a");

        Assert.Equal("plugin a: dependency cycle: a -> b -> a (each must load after the next)", Fails("a").Message);
    }

    [Fact]
    public void A_cycle_that_does_not_reach_the_first_plugin_is_an_error_too()
    {
        // The original noticed only cycles through the root of its search; this one is below it.
        Plugin("app", depends: "b");
        Plugin("b", depends: "c");
        Plugin("c", depends: "d");
        Plugin("d", depends: "b");

        var error = Fails("app");
        Assert.Equal("b", error.Plugin);
        Assert.Contains("b -> c -> d -> b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_depending_on_itself_is_a_cycle()
    {
        Plugin("selfish", depends: "selfish");

        Assert.Contains("selfish -> selfish", Fails("selfish").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cycles_through_After_and_Before_are_errors()
    {
        Plugin("a", after: "b");
        Plugin("b", after: "c");
        Plugin("c", before: "b");
        Plugin("d", before: "e");
        Plugin("e", before: "d");

        Assert.Equal(["c", "b", "a"], Resolve("a", "b", "c")); // c before b twice over is no cycle
        Assert.Contains("cycle", Fails("d", "e").Message, StringComparison.Ordinal);
    }
}
