using Instant.Web.Plugins;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Plugins;

/// <summary>
/// Every way a plugin set-up fails: one line naming the plugin and exit status 2 from the
/// executable (a few cases), the same <see cref="PluginException"/> from an in-process start (all).
/// </summary>
public sealed class PluginErrorSpecs : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<PluginException> StartFailsAsync(params string[] plugins)
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => InstantTestServer.StartAsync("--plugin-path", _dir.Path, "--plugins", string.Join(',', plugins)));
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    private async Task<string> ExitsWithOneLineAsync(params string[] plugins)
    {
        // The debugging log (which says "Loading plugin ...") to a file: stderr has the error alone.
        var (code, _, stderr) = await InstantProcess.RunAsync(
            ExitTimeout, "-h", "127.0.0.1", "0", "--debug-log", _dir.PathOf("debug.log"), "--plugin-path", _dir.Path, "--plugins", string.Join(',', plugins));
        Assert.Equal(2, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines);
    }

    [Fact]
    public async Task A_missing_plugin_exits_2_with_one_line()
        => Assert.Equal("instant: plugin ghost: not found on the plugin path", await ExitsWithOneLineAsync("ghost"));

    [Fact]
    public async Task A_cycle_exits_2_with_one_line()
    {
        PluginFiles.CopyAs(_dir, "left.dll", """{"Depends": "right"}""");
        PluginFiles.CopyAs(_dir, "right.dll", """{"After": "left"}""");

        Assert.Equal("instant: plugin left: dependency cycle: left -> right -> left (each must load after the next)", await ExitsWithOneLineAsync("left"));
    }

    [Fact]
    public async Task A_throwing_initialiser_exits_2_with_one_line()
    {
        PluginFiles.TestAssemblyAs<ThrowingInitialiser>(_dir, "thrower");

        Assert.Equal(
            $"instant: plugin thrower: initialiser {typeof(ThrowingInitialiser).FullName} failed: InvalidOperationException: the database is not there",
            await ExitsWithOneLineAsync("thrower"));
    }

    [Fact]
    public async Task A_missing_dependency_names_the_plugin_that_needs_it()
    {
        PluginFiles.CopyAs(_dir, "app.dll", """{"Requires": "absent"}""");

        var error = await StartFailsAsync("app");
        Assert.Equal("plugin app: needs plugin 'absent', which is not on the plugin path", error.Message);
    }

    [Fact]
    public async Task A_present_Breaks_fails()
    {
        PluginFiles.CopyAs(_dir, "new.dll", """{"Breaks": "old"}""");
        PluginFiles.CopyAs(_dir, "old.dll", "{}");

        Assert.Equal("plugin new: breaks plugin 'old', which is loaded too", (await StartFailsAsync("old", "new")).Message);
    }

    [Fact]
    public async Task A_bad_manifest_fails_naming_its_file()
    {
        PluginFiles.CopyAs(_dir, "typo.dll", """{"Depend": "core"}""");

        var error = await StartFailsAsync("typo");
        Assert.Equal($"plugin typo: bad manifest ({_dir.PathOf("typo.plugin.json")}): unknown manifest key 'Depend'", error.Message);
    }

    [Fact]
    public async Task A_plugin_built_against_another_API_version_fails()
    {
        PluginFiles.BuiltAgainstApi(_dir, "future", new Version(2, 0, 0, 0));

        var error = await StartFailsAsync("future");
        Assert.Equal("plugin future: built against plugin API version 2 (Instant.Plugins 2.0.0.0); this server has version 1", error.Message);
    }

    [Fact]
    public async Task A_file_that_is_no_assembly_fails()
    {
        _dir.Write("broken.dll", "this is text");

        var error = await StartFailsAsync("broken");
        Assert.StartsWith("plugin broken: cannot load ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_throwing_initialiser_fails_an_in_process_start_too()
    {
        PluginFiles.TestAssemblyAs<ThrowingInitialiser>(_dir, "thrower");

        var error = await StartFailsAsync("thrower");
        Assert.Equal("thrower", error.Plugin);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public async Task A_json_manifest_orders_and_configures_a_copied_plugin()
    {
        // motd.dll twice, under two names: "late" must load after "early" and both give a value.
        PluginFiles.CopyAs(_dir, "late.dll", """{"Depends": "early", "Configuration": {"motd.text": "from late"}}""");
        PluginFiles.CopyAs(_dir, "early.dll", """{"Configuration": {"motd.text": "from early"}}""");

        var plugins = PluginSet.Load(["late"], [_dir.Path]);
        Assert.Equal(["early", "late"], plugins.Plugins.Select(p => p.Name));
        Assert.Equal("from early", plugins.Configuration["motd.text"]);
        Assert.NotSame(plugins.Plugins[0].Assembly, plugins.Plugins[1].Assembly); // a load context each
        Assert.Same(typeof(Instant.Plugins.IPluginApi).Assembly, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(plugins.Plugins[0].Assembly)!
            .LoadFromAssemblyName(typeof(Instant.Plugins.IPluginApi).Assembly.GetName()));
    }
}
