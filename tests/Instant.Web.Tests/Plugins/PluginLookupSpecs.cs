using Instant.Web.Plugins;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Plugins;

/// <summary>How <c>--plugins</c> entries are found on <c>--plugin-path</c> (docs/PLUGINS.md, Lookup).</summary>
public sealed class PluginLookupSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Touch(string relative) => _dir.Write(relative, "not read by the lookup");

    [Fact]
    public void A_name_finds_NAME_dll_and_NAME_anything_dll_in_a_path_directory()
    {
        Touch("a/chat.dll");
        Touch("a/extra_1.2.dll");
        var locator = new PluginLocator([_dir.PathOf("a")]);

        Assert.Equal(_dir.PathOf("a/chat.dll"), locator.Locate("chat")!.AssemblyPath);
        var extra = locator.Locate("extra")!;
        Assert.Equal("extra", extra.Name);
        Assert.Equal(_dir.PathOf("a/extra_1.2.dll"), extra.AssemblyPath);
        Assert.Null(locator.Locate("extra_1.2"));
        Assert.Null(locator.Locate("missing"));
    }

    [Fact]
    public void A_name_finds_a_directory_holding_NAME_dll_with_its_manifest_beside_it()
    {
        Touch("a/chat_2/chat.dll");
        Touch("a/chat_2/Some.Dependency.dll");
        Touch("a/empty_1/other.dll");
        var locator = new PluginLocator([_dir.PathOf("a")]);

        var chat = locator.Locate("chat")!;
        Assert.Equal(_dir.PathOf("a/chat_2/chat.dll"), chat.AssemblyPath);
        Assert.Equal(_dir.PathOf("a/chat_2/chat.plugin.json"), chat.ManifestPath);
        Assert.Null(locator.Locate("empty")); // a directory without NAME.dll is not that plugin
    }

    [Fact]
    public void Files_come_before_directories_and_path_entries_that_are_files_before_everything()
    {
        Touch("first/chat_dir/chat.dll");
        Touch("second/chat_file.dll");
        string single = Touch("single/chat_single.dll");

        Assert.Equal(_dir.PathOf("second/chat_file.dll"), new PluginLocator([_dir.PathOf("first"), _dir.PathOf("second")]).Locate("chat")!.AssemblyPath);
        Assert.Equal(single, new PluginLocator([_dir.PathOf("first"), single]).Locate("chat")!.AssemblyPath);
    }

    [Fact]
    public void Within_a_directory_names_are_tried_in_ordinal_order()
    {
        Touch("a/chat_2.dll");
        Touch("a/chat_1.dll");

        Assert.Equal(_dir.PathOf("a/chat_1.dll"), new PluginLocator([_dir.PathOf("a")]).Locate("chat")!.AssemblyPath);
    }

    [Fact]
    public void An_entry_with_a_slash_is_a_path_named_by_its_file_or_directory_not_the_whole_path()
    {
        Touch("some_where/chat_3.dll");
        Touch("some_where/rooms_x/rooms.dll");
        var locator = new PluginLocator([]);

        var file = locator.Locate(_dir.PathOf("some_where/chat_3.dll"))!;
        Assert.Equal("chat", file.Name);
        var directory = locator.Locate(_dir.PathOf("some_where/rooms_x") + "/")!;
        Assert.Equal("rooms", directory.Name);
        Assert.Null(locator.Locate(_dir.PathOf("some_where/nothing.dll")));
    }

    [Fact]
    public void The_manifest_is_NAME_plugin_json_or_the_assembly_files_own_beside_it()
    {
        Touch("a/chat_1.dll");
        Touch("a/chat.plugin.json");
        Touch("b/chat_1.dll");
        Touch("b/chat_1.plugin.json");

        Assert.Equal(_dir.PathOf("a/chat.plugin.json"), new PluginLocator([_dir.PathOf("a")]).Locate("chat")!.ManifestPath);
        Assert.Equal(_dir.PathOf("b/chat_1.plugin.json"), new PluginLocator([_dir.PathOf("b")]).Locate("chat")!.ManifestPath);
    }
}
