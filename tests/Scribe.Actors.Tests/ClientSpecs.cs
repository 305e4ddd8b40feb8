using Scribe.Actors.Client;
using Xunit;

namespace Scribe.Actors.Tests;

public sealed class ClientSpecs : IDisposable
{
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Command_line_takes_every_option_in_both_spellings()
    {
        var options = ScribeCommandLine.Parse([
            "--maxlen=100", "--msgdb", "m.sqlite", "--read-file", "old.log", "--read-rotate=D:gz", "--push-logs", "abc",
            "--push-logs=0000000000000DEF", "--dont-stay", "--dont-pull", "--ping-delay", "1.5", "--nick=", "--cookies", "",
            "--tls", "ca=ca.pem,cert=c.pem,key=k.pem", "--logfile", "s.log", "--logrotate", "H:lzma", "--", "wss://h/room/x/ws"]);
        Assert.Equal(100, options.MaxLength);
        Assert.Equal("m.sqlite", options.MessageDb);
        Assert.Equal("old.log", options.ReadFile);
        Assert.Equal("D:gz", options.ReadRotate);
        Assert.Equal(["0000000000000ABC", "0000000000000DEF"], options.PushLogs);
        Assert.True(options.DontStay && options.DontPull);
        Assert.Equal(1.5, options.PingDelaySeconds);
        Assert.Equal(string.Empty, options.Nick);
        Assert.Equal(string.Empty, options.Cookies);
        Assert.Equal("k.pem", options.Tls["key"]);
        Assert.Equal("s.log", options.LogFile);
        Assert.Equal("H:lzma", options.LogRotate);
        Assert.Equal("wss://h/room/x/ws", options.Url!.ToString());

        var defaults = ScribeCommandLine.Parse(["--no-nick", "--no-msgdb", "--no-cookies", "--no-log"]);
        Assert.Null(defaults.Nick);
        Assert.True(defaults.NoMessageDb);
        Assert.Null(defaults.Cookies);
        Assert.True(defaults.NoLog);
        Assert.Null(defaults.Url);
        Assert.Null(defaults.MaxLength);
    }

    [Theory]
    [InlineData("--maxlen", "x")]
    [InlineData("--push-logs", "not-an-id")]
    [InlineData("--tls", "nokey")]
    [InlineData("--tls", "pin=x")]
    [InlineData("--read-rotate", "D:zip")]
    [InlineData("--dont-stay=yes")]
    [InlineData("ws://a/room/x/ws", "ws://b/room/x/ws")]
    [InlineData("--nick")]
    public void Bad_command_lines_are_refused(params string[] args)
        => Assert.Throws<CommandLineException>(() => ScribeCommandLine.Parse(args));

    [Fact]
    public void Cookie_jar_reads_the_originals_file_and_writes_the_same_shape()
    {
        string path = _dir.File("cookies.txt");
        File.WriteAllText(path, string.Join("\n",
            "#LWP-Cookies-2.0",
            "# a comment",
            "Set-Cookie3: uid=\"eyJ1dWlkIjoiYSJ9\\=|c2ln\\=\"; Path=/; HttpOnly; expires=\"2099-11-25 06:42:06 Z\"; Secure; path_spec; Domain=127.0.0.1",
            ""));
        var jar = new CookieJar(path);
        jar.Load();
        var uri = new Uri("http://127.0.0.1:8080/room/test/ws");
        Assert.Equal("uid=\"eyJ1dWlkIjoiYSJ9\\=|c2ln\\=\"", jar.CookieHeader(uri));
        Assert.Null(jar.CookieHeader(new Uri("http://example.org/room/test/ws")));

        jar.Receive(uri, ["uid=\"bmV3\\=|c2ln\\=\"; Path=/; HttpOnly; Expires=Thu, 25 Nov 2099 06:42:06 GMT; Secure"]);
        jar.Save();
        string[] lines = File.ReadAllLines(path);
        Assert.Equal("#LWP-Cookies-2.0", lines[0]);
        Assert.Equal("Set-Cookie3: uid=\"bmV3\\=|c2ln\\=\"; Path=/; HttpOnly; expires=\"2099-11-25 06:42:06 Z\"; Secure; path_spec; Domain=127.0.0.1", lines[1]);

        var reloaded = new CookieJar(path);
        reloaded.Load();
        Assert.Equal("uid=\"bmV3\\=|c2ln\\=\"", reloaded.CookieHeader(uri));
    }

    [Fact]
    public void Cookie_jar_drops_expired_cookies_and_refuses_foreign_files()
    {
        string path = _dir.File("jar.txt");
        var jar = new CookieJar(path);
        jar.Load();
        Assert.Equal("#LWP-Cookies-2.0\n", File.ReadAllText(path));
        var uri = new Uri("http://127.0.0.1/");
        jar.Receive(uri, ["old=1; Expires=Thu, 01 Jan 2000 00:00:00 GMT", "session=2; Path=/"]);
        Assert.Equal("session=2", jar.CookieHeader(uri));
        jar.Save();
        Assert.DoesNotContain("session", File.ReadAllText(path));

        string foreign = _dir.File("foreign.txt");
        File.WriteAllText(foreign, "# Netscape HTTP Cookie File\n");
        Assert.Throws<FormatException>(() => new CookieJar(foreign).Load());
    }

    [Fact]
    public void Backoff_grows_and_is_capped_with_jitter()
    {
        Assert.InRange(ScribeClient.Backoff(1).TotalSeconds, 0.5, 1.5);
        Assert.InRange(ScribeClient.Backoff(3).TotalSeconds, 2, 6);
        Assert.InRange(ScribeClient.Backoff(50).TotalSeconds, 15, 45);
    }
}

public sealed class EmbeddedScribeConfigurationSpecs
{
    [Fact]
    public void Rooms_and_settings_come_from_server_properties()
    {
        var settings = new Dictionary<string, string>
        {
            ["instant.scribe.rooms"] = "test, dev lobby,test",
            ["instant.scribe.directory"] = "/var/lib/scribe",
            ["instant.scribe.maxlen"] = "100",
            ["instant.scribe.logfiles"] = "true",
        };
        var config = Hosting.EmbeddedScribeConfiguration.From(key => settings.GetValueOrDefault(key));
        Assert.Equal(["test", "dev", "lobby"], config.Rooms);
        Assert.Equal("/var/lib/scribe", config.Directory);
        Assert.Equal(100, config.Settings.MaxLength);
        Assert.Equal("Scribe", config.Settings.Nick);
        Assert.True(config.WriteLogfiles);

        var none = Hosting.EmbeddedScribeConfiguration.From(_ => null);
        Assert.Empty(none.Rooms);
        Assert.Equal("scribe", none.Directory);
    }

    [Theory]
    [InlineData("--help", "usage: scribe")]
    [InlineData("--version", "scribe (Instant.Actors) ")]
    public async Task Help_and_version_print_one_text_ending_in_a_newline_and_exit_0(string flag, string start)
    {
        var (code, output, _) = await ScribeProcess.RunAsync(TimeSpan.FromSeconds(30), flag);
        Assert.Equal(0, code);
        Assert.StartsWith(start, output, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\n", output, StringComparison.Ordinal);
        Assert.False(output.EndsWith("\n\n", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("instant.scribe.rooms", "bad/room")]
    [InlineData("instant.scribe.maxlen", "-3")]
    [InlineData("instant.scribe.logfiles", "maybe")]
    public void Bad_values_name_their_key(string key, string value)
    {
        var error = Assert.Throws<FormatException>(() => Hosting.EmbeddedScribeConfiguration.From(k => k == key ? value : null));
        Assert.StartsWith(key, error.Message);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("1", true)]
    [InlineData("on", true)]
    [InlineData("Y", true)]
    [InlineData("no", false)]
    [InlineData("off", false)]
    public void Logfiles_takes_every_yes_and_no_the_server_takes(string value, bool expected)
    {
        var configuration = Hosting.EmbeddedScribeConfiguration.From(k => k switch
        {
            "instant.scribe.rooms" => "a",
            "instant.scribe.logfiles" => value,
            _ => null,
        });
        Assert.Equal(expected, configuration.WriteLogfiles);
    }
}
