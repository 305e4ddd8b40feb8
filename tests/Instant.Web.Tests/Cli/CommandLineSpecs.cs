using Instant.Web.Cli;
using Xunit;

namespace Instant.Web.Tests.Cli;

/// <summary>The <c>instant</c> command line of RUNNING.md: every option, alias and form.</summary>
public sealed class CommandLineSpecs
{
    [Fact]
    public void No_arguments_give_the_defaults()
    {
        var options = CommandLine.Parse([]);
        Assert.Equal("*", options.Host);
        Assert.Equal(8080, options.Port);
        Assert.Equal(".", options.WebRoot);
        Assert.Empty(options.Tls);
        Assert.Equal("-", options.HttpLog);
        Assert.Equal("-", options.DebugLog);
        Assert.Equal("INFO", options.LogLevel);
        Assert.Empty(options.PluginPath);
        Assert.Empty(options.Plugins);
        Assert.Null(options.StartupCommand);
        Assert.Empty(options.Options);
        Assert.Null(options.ConfigFile);
        Assert.False(options.ShowHelp);
        Assert.False(options.ShowVersion);
    }

    public static TheoryData<string[], string, string> ValueOptions() => new()
    {
        { ["--host", "localhost"], nameof(ServerOptions.Host), "localhost" },
        { ["--host=::1"], nameof(ServerOptions.Host), "::1" },
        { ["-h", "127.0.0.1"], nameof(ServerOptions.Host), "127.0.0.1" },
        { ["-h0.0.0.0"], nameof(ServerOptions.Host), "0.0.0.0" },
        { ["--webroot", "/srv/www"], nameof(ServerOptions.WebRoot), "/srv/www" },
        { ["--webroot=/a=b"], nameof(ServerOptions.WebRoot), "/a=b" },
        { ["-r", "web"], nameof(ServerOptions.WebRoot), "web" },
        { ["-rweb"], nameof(ServerOptions.WebRoot), "web" },
        { ["--http-log", "http.log"], nameof(ServerOptions.HttpLog), "http.log" },
        { ["--http-log=-"], nameof(ServerOptions.HttpLog), "-" },
        { ["--debug-log", "debug.log"], nameof(ServerOptions.DebugLog), "debug.log" },
        { ["--debug-log=d.log"], nameof(ServerOptions.DebugLog), "d.log" },
        { ["--log-level", "FINEST"], nameof(ServerOptions.LogLevel), "FINEST" },
        { ["--log-level=warning"], nameof(ServerOptions.LogLevel), "warning" },
        { ["-L", "Debug"], nameof(ServerOptions.LogLevel), "Debug" },
        { ["-LOFF"], nameof(ServerOptions.LogLevel), "OFF" },
        { ["--startup-cmd", "/bin/echo a  b"], nameof(ServerOptions.StartupCommand), "/bin/echo a  b" },
        { ["--startup-cmd=/bin/true"], nameof(ServerOptions.StartupCommand), "/bin/true" },
        { ["--config", "instant.properties"], nameof(ServerOptions.ConfigFile), "instant.properties" },
        { ["--config=c.properties"], nameof(ServerOptions.ConfigFile), "c.properties" },
        { ["-C", "c.properties"], nameof(ServerOptions.ConfigFile), "c.properties" },
        { ["-Cc.properties"], nameof(ServerOptions.ConfigFile), "c.properties" },
    };

    [Theory]
    [MemberData(nameof(ValueOptions))]
    public void Every_value_option_takes_its_value_in_every_form(string[] args, string property, string expected)
    {
        var options = CommandLine.Parse(args);
        Assert.Equal(expected, typeof(ServerOptions).GetProperty(property)!.GetValue(options));
        Assert.Equal(8080, options.Port);
    }

    [Theory]
    [InlineData("8000", 8000)]
    [InlineData("0", 0)]
    [InlineData("65535", 65535)]
    [InlineData("00080", 80)]
    public void The_one_positional_argument_is_the_port(string port, int expected)
    {
        Assert.Equal(expected, CommandLine.Parse([port]).Port);
        Assert.Equal(expected, CommandLine.Parse(["-h", "localhost", port, "-r", "x"]).Port);
        Assert.Equal(expected, CommandLine.Parse(["--", port]).Port);
    }

    [Theory]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("80a")]
    [InlineData("+80")]
    [InlineData(" 80")]
    [InlineData("99999999999")]
    [InlineData("")]
    [InlineData("http")]
    public void A_bad_port_is_a_clear_error(string port)
    {
        var error = Assert.Throws<CommandLineException>(() => CommandLine.Parse(["--", port]));
        Assert.Contains("port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_positional_argument_is_an_error()
    {
        var error = Assert.Throws<CommandLineException>(() => CommandLine.Parse(["8000", "9000"]));
        Assert.Contains("9000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--nope")]
    [InlineData("--nope=1")]
    [InlineData("-x")]
    [InlineData("-Z3")]
    [InlineData("--Host")]
    [InlineData("---host")]
    public void An_unknown_option_is_a_clear_error_naming_it(string option)
    {
        var error = Assert.Throws<CommandLineException>(() => CommandLine.Parse([option]));
        Assert.Contains("unknown option", error.Message, StringComparison.Ordinal);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--host")]
    [InlineData("-h")]
    [InlineData("--webroot")]
    [InlineData("--tls")]
    [InlineData("-t")]
    [InlineData("--http-log")]
    [InlineData("--debug-log")]
    [InlineData("--log-level")]
    [InlineData("--plugin-path")]
    [InlineData("-P")]
    [InlineData("--plugins")]
    [InlineData("-p")]
    [InlineData("--startup-cmd")]
    [InlineData("--option")]
    [InlineData("-o")]
    [InlineData("--config")]
    [InlineData("-C")]
    public void A_missing_value_is_a_clear_error(string option)
    {
        var error = Assert.Throws<CommandLineException>(() => CommandLine.Parse([option]));
        Assert.Contains("needs a value", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--host=")]
    [InlineData("--webroot=")]
    [InlineData("--http-log=")]
    [InlineData("--config=")]
    public void An_empty_value_is_a_clear_error(string option)
        => Assert.Throws<CommandLineException>(() => CommandLine.Parse([option]));

    [Theory]
    [InlineData("--log-level=LOUD")]
    [InlineData("-Lverbose")]
    public void An_unknown_log_level_is_a_clear_error_listing_the_names(string option)
    {
        var error = Assert.Throws<CommandLineException>(() => CommandLine.Parse([option]));
        Assert.Contains("FINEST", error.Message, StringComparison.Ordinal);
        Assert.Contains("Information", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-?")]
    public void Help_is_a_flag(string flag)
    {
        Assert.True(CommandLine.Parse([flag]).ShowHelp);
        Assert.True(CommandLine.Parse(["-h", "x", flag, "99"]).ShowHelp);
        Assert.Throws<CommandLineException>(() => CommandLine.Parse([flag + (flag.StartsWith("--") ? "=1" : "x")]));
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-V")]
    public void Version_is_a_flag(string flag) => Assert.True(CommandLine.Parse([flag]).ShowVersion);

    [Fact]
    public void Tls_is_repeatable_and_its_lists_are_joined_in_order()
    {
        var options = CommandLine.Parse(["--tls", "cert=a.pem,key=b.pem", "-t", "ca=c.pem", "--tls=cert=d.pem", "-tkey=e.pem"]);
        Assert.Equal(
            [new("cert", "a.pem"), new("key", "b.pem"), new("ca", "c.pem"), new("cert", "d.pem"), new("key", "e.pem")],
            options.Tls);
        Assert.Throws<CommandLineException>(() => CommandLine.Parse(["--tls", "cert"]));
        Assert.Throws<CommandLineException>(() => CommandLine.Parse(["--tls", "=x"]));
    }

    [Fact]
    public void Options_are_repeatable_in_order_and_a_key_without_value_unsets()
    {
        var options = CommandLine.Parse(["-o", "a=1", "--option", "b=x=y", "--option=c", "-od=", "-o", "a=2"]);
        Assert.Equal(
            [new("a", "1"), new("b", "x=y"), new("c", null), new("d", ""), new("a", "2")],
            options.Options);
    }

    [Fact]
    public void Plugin_path_and_plugins_are_repeatable_and_split()
    {
        var options = CommandLine.Parse(["-P", "/a:/b", "--plugin-path=/c", "-p", "one,two", "--plugins", "three", "-pfour"]);
        Assert.Equal(["/a", "/b", "/c"], options.PluginPath);
        Assert.Equal(["one", "two", "three", "four"], options.Plugins);
    }

    [Fact]
    public void Later_single_value_options_win()
    {
        var options = CommandLine.Parse(["-h", "a", "--host", "b", "-r", "x", "--webroot=y"]);
        Assert.Equal("b", options.Host);
        Assert.Equal("y", options.WebRoot);
    }

    [Fact]
    public void A_value_that_looks_like_an_option_is_taken_as_the_value()
    {
        Assert.Equal("--weird", CommandLine.Parse(["--webroot", "--weird"]).WebRoot);
        Assert.Equal("-", CommandLine.Parse(["--http-log", "-"]).HttpLog);
    }

    [Fact]
    public void The_usage_text_lists_every_option_and_configuration_key()
    {
        foreach (var name in new[]
        {
            "--host", "-h", "--webroot", "-r", "--tls", "-t", "--http-log", "--debug-log", "--log-level", "-L",
            "--plugin-path", "-P", "--plugins", "-p", "--startup-cmd", "--option", "-o", "--config", "-C",
            "--version", "-V", "--help", "-?", "port",
            "instant.cookies.keyfile", "instant.cookies.keyfile.create", "instant.cookies.insecure",
            "instant.http.maxCacheAge", "instant.server.noReuseAddr", "instant.ws.maxFrameSize",
            "instant.ws.outboxBytes", "instant.ws.outboxFrames", "instant.ws.maxConnections",
            "instant.ws.rateLimit", "instant.ws.rateBurst", "instant.ws.keepAlive", "instant.rooms.idleTimeout",
        })
        {
            Assert.Contains(name, CommandLine.Usage, StringComparison.Ordinal);
        }
    }
}
