using System.Text.RegularExpressions;
using Instant.Load.Cli;
using Xunit;

namespace Instant.Load.Tests;

public sealed class CommandLineSpecs
{
    [Fact]
    public void Parses_a_scenario_and_its_options()
    {
        var o = CommandLine.Parse(["fanout", "--server", "127.0.0.1:9000", "-c", "100", "--senders=3", "--posts", "50", "-w", "4", "--rooms", "2"]);
        Assert.Equal(ScenarioKind.Fanout, o.Scenario);
        Assert.Equal([new Uri("ws://127.0.0.1:9000/")], o.Servers);
        Assert.Equal(100, o.Clients);
        Assert.Equal(3, o.Senders);
        Assert.Equal(50, o.Posts);
        Assert.Equal(4, o.InFlight);
        Assert.Equal("ws://127.0.0.1:9000/room/load1/ws", o.RoomSocketUri(0, o.RoomOf(3)).ToString());
    }

    [Fact]
    public void Several_servers_come_from_repeated_options_and_comma_lists_in_order()
    {
        var o = CommandLine.Parse(["idle", "--server", "127.0.0.1:8081", "--server", "ws://127.0.0.1:8082,http://127.0.0.1:8083", "--reconnect"]);
        Assert.Equal(["ws://127.0.0.1:8081/", "ws://127.0.0.1:8082/", "ws://127.0.0.1:8083/"], o.Servers.Select(u => u.ToString()));
        Assert.True(o.Reconnect);
        Assert.False(o.ReconnectSpread);
        // Client i goes to server i mod 3.
        Assert.Equal([0, 1, 2, 0, 1], Enumerable.Range(0, 5).Select(o.NodeOf));
        Assert.Equal("ws://127.0.0.1:8082/room/load0/ws", o.RoomSocketUri(1, o.RoomOf(4)).ToString());
        Assert.Equal(["ws://127.0.0.1:8080/"], CommandLine.Parse(["idle"]).Servers.Select(u => u.ToString()));
    }

    [Theory]
    [InlineData("chat", "--server", "127.0.0.1:1,,127.0.0.1:2")]
    [InlineData("idle", "--reconnect-spread")]
    [InlineData("nonsense")]
    [InlineData("chat", "--clients", "zero")]
    [InlineData("chat", "--clients", "0")]
    [InlineData("chat", "--bogus")]
    [InlineData("chat", "--posts", "10", "--rate", "5")]
    [InlineData("chat", "--server", "ftp://x")]
    [InlineData("chat", "--room-prefix", "9bad")]
    [InlineData("join-storm", "--rooms", "2")]
    [InlineData("fanout", "-c", "2", "--senders", "3")]
    [InlineData("chat", "--clients")]
    public void Rejects_bad_input_with_a_message(params string[] args)
    {
        var e = Assert.Throws<UsageException>(() => CommandLine.Parse(args));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void Help_ends_with_one_newline()
    {
        Assert.EndsWith(".\n", CommandLine.Help);
        Assert.False(CommandLine.Help.EndsWith("\n\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_explains_every_option_the_parser_accepts()
    {
        string source = File.ReadAllText(Path.Combine(RepoRoot(), "src/Instant.Load/Cli/CommandLine.cs"));
        var accepted = Regex.Matches(source, "case \"(--[a-z-]+)\"|or \"(--[a-z-]+)\"").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            .Where(o => o is not "--worker-index" and not "--worker-count").Distinct().ToList();
        Assert.True(accepted.Count > 25);
        foreach (var option in accepted) Assert.Contains(option, CommandLine.Help);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Instant.Actors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
