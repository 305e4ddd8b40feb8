using Instant.Run.Cli;
using Instant.Run.Config;
using Instant.Run.Master;
using Xunit;

namespace Instant.Run.Tests;

public class WireLineSpecs
{
    [Theory]
    [InlineData("PING a\\ b \\z x", new[] { "PING", "a b", "", "x" })]
    [InlineData("X a\\nb c\\\\d", new[] { "X", "a\nb", "c\\d" })]
    [InlineData("PING a  b", new[] { "PING", "a", "", "b" })]
    [InlineData("", new string[0])]
    public void Parses_words_and_escapes_cleanly(string line, string[] words) => Assert.Equal(words, WireLine.Parse(line));

    [Theory]
    [InlineData("bad \\q")]
    [InlineData("trailing \\")]
    public void Bad_escapes_are_errors(string line) => Assert.Throws<FormatException>(() => WireLine.Parse(line));

    [Fact]
    public void Format_round_trips()
    {
        string[] words = ["START", "a b", "", "back\\slash", "new\nline"];
        Assert.Equal("START a\\ b \\z back\\\\slash new\\nline", WireLine.Format(words));
        Assert.Equal(words, WireLine.Parse(WireLine.Format(words)));
    }
}

public class CommandLineSpecs
{
    [Fact]
    public void Defaults()
    {
        var line = CommandLine.Parse(["status"]);
        Assert.Equal(("config/run.ini", null, "status", true, true, true), (line.ConfigPath, line.Master, line.Action, line.Sort, line.Verbose, line.Wait));
        Assert.Empty(line.Names);
    }

    [Fact]
    public void Options_in_both_forms()
    {
        var line = CommandLine.Parse(["-c", "x.ini", "--master=spawn", "stop", "--sort", "no", "--verbose=false", "--wait=0", "a", "b"]);
        Assert.Equal(("x.ini", MasterMode.Spawn, false, false, false), (line.ConfigPath, line.Master, line.Sort, line.Verbose, line.Wait));
        Assert.Equal(["a", "b"], line.Names);
        Assert.True(CommandLine.Parse(["run-master", "--close-fds"]).CloseFds);
        Assert.Equal(["PING", "--x"], CommandLine.Parse(["cmd", "PING", "--x"]).Names);
        Assert.True(CommandLine.Parse(["--help"]).Help);
        Assert.True(CommandLine.Parse(["start", "-h"]).Help);
    }

    [Theory]
    [InlineData("--help", "Usage: instant-run")]
    [InlineData("--version", "instant-run (Instant.Actors) ")]
    [InlineData("-V", "instant-run (Instant.Actors) ")]
    public async Task Help_and_version_print_one_text_ending_in_a_newline_and_exit_0(string flag, string start)
    {
        var output = new StringWriter();
        int code = await new Orchestrator(() => output, () => TextWriter.Null).RunAsync([flag]);
        Assert.Equal(0, code);
        Assert.StartsWith(start, output.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("\n", output.ToString(), StringComparison.Ordinal);
        Assert.False(output.ToString().EndsWith("\n\n", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new string[0], "No action given")]
    [InlineData(new[] { "--bogus", "status" }, "Unknown option --bogus")]
    [InlineData(new[] { "status", "--wait=no" }, "Unknown option --wait=no for status")]
    [InlineData(new[] { "ping", "x" }, "ping takes no process names")]
    [InlineData(new[] { "status", "a=b" }, "Invalid process name 'a=b'")]
    [InlineData(new[] { "--config" }, "Option --config needs a value")]
    [InlineData(new[] { "cmd" }, "cmd needs a command word")]
    public void Bad_command_lines_are_clear_errors(string[] args, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => CommandLine.Parse(args)).Message);
}
