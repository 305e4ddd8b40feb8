using Instant.Web.Cli;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Cli;

/// <summary>Configuration lookup: <c>--option</c>, then the environment, then the <c>--config</c> file.</summary>
public sealed class ConfigurationSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private InstantConfiguration Configure(string[] args, Dictionary<string, string> environment, string? file = null)
    {
        var list = args.ToList();
        if (file is not null)
        {
            list.AddRange(["--config", _dir.Write("instant.properties", file)]);
        }

        return InstantConfiguration.From(CommandLine.Parse(list), name => environment.GetValueOrDefault(name));
    }

    [Fact]
    public void Option_beats_environment_beats_file()
    {
        const string file = "a.b=file\nonly.file=f\nenv.and.file=file\n";
        var environment = new Dictionary<string, string> { ["A_B"] = "env", ["ENV_AND_FILE"] = "env", ["ONLY_ENV"] = "e" };
        var config = Configure(["-o", "a.b=option"], environment, file);
        Assert.Equal("option", config.Get("a.b"));
        Assert.Equal("env", config.Get("env.and.file"));
        Assert.Equal("f", config.Get("only.file"));
        Assert.Equal("e", config.Get("only.env"));
        Assert.Null(config.Get("nowhere"));
    }

    [Fact]
    public void Environment_names_are_upper_case_with_underscores()
    {
        var config = Configure([], new() { ["INSTANT_COOKIES_KEYFILE"] = "/k" });
        Assert.Equal("/k", config.Get("instant.cookies.keyfile"));
    }

    [Fact]
    public void An_option_without_value_hides_the_environment_and_the_file()
    {
        var config = Configure(["-o", "x.y"], new() { ["X_Y"] = "env" }, "x.y=file\n");
        Assert.Null(config.Get("x.y"));
        var empty = Configure(["-o", "x.y="], new() { ["X_Y"] = "env" });
        Assert.Equal(string.Empty, empty.Get("x.y"));
    }

    [Fact]
    public void The_first_option_for_a_key_wins()
    {
        var config = Configure(["-o", "k=1", "-o", "k=2"], []);
        Assert.Equal("1", config.Get("k"));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("y", true)]
    [InlineData("Y", true)]
    [InlineData("yes", true)]
    [InlineData("Yes", true)]
    [InlineData("on", true)]
    [InlineData(" on ", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("no", false)]
    [InlineData("off", false)]
    [InlineData("", false)]
    [InlineData("N", false)]
    public void Booleans_are_true_for_true_1_y_yes_on_and_false_for_false_0_n_no_off(string value, bool expected)
    {
        Assert.Equal(expected, Configure(["-o", "flag=" + value], []).GetBool("flag"));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("yess")]
    [InlineData("ture")]
    public void A_boolean_that_is_neither_yes_nor_no_is_an_error_naming_the_key(string value)
    {
        var error = Assert.Throws<CommandLineException>(() => Configure(["-o", "flag=" + value], []).GetBool("flag"));
        Assert.Contains("flag", error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_boolean_is_false()
        => Assert.False(Configure([], []).GetBool("instant.cookies.insecure"));

    [Fact]
    public void Numbers_have_defaults_and_bad_numbers_are_clear_errors()
    {
        var config = Configure(["-o", "n=42", "-o", "bad=4k", "-o", "low=5", "-o", "blank= "], []);
        Assert.Equal(42, config.GetLong("n", 7));
        Assert.Equal(7, config.GetLong("missing", 7));
        Assert.Equal(7, config.GetLong("blank", 7));
        var error = Assert.Throws<CommandLineException>(() => config.GetLong("bad", 7));
        Assert.Contains("bad", error.Message, StringComparison.Ordinal);
        Assert.Throws<CommandLineException>(() => config.GetLong("low", 7, min: 10));
    }

    [Fact]
    public void A_missing_config_file_is_a_clear_error()
    {
        var error = Assert.Throws<CommandLineException>(() =>
            InstantConfiguration.From(CommandLine.Parse(["--config", _dir.PathOf("absent.properties")]), _ => null));
        Assert.Contains("absent.properties", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_configuration_value_stops_the_server_with_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<CommandLineException>(() =>
            InstantServer.StartAsync(["-h", "127.0.0.1", "0", "-o", "instant.ws.maxFrameSize=huge", "--http-log", _dir.PathOf("h.log"), "--debug-log", _dir.PathOf("d.log")]));
        Assert.Contains("instant.ws.maxFrameSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_config_file_and_environment_reach_the_running_server()
    {
        // maxCacheAge from the file, overridden by the environment when that is set.
        string file = _dir.Write("c.properties", "instant.http.maxCacheAge = 77\ninstant.cookies.insecure: yes\n");
        var options = CommandLine.Parse(["-h", "127.0.0.1", "0", "-C", file, "--http-log", _dir.PathOf("h.log"), "--debug-log", _dir.PathOf("d.log")]);
        await using (var server = await InstantServer.StartAsync(options, _ => null))
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync(new Uri(server.BaseUri, "/static/site.js"));
            Assert.Equal(TimeSpan.FromSeconds(77), response.Headers.CacheControl!.MaxAge);
            using var auth = await http.GetAsync(new Uri(server.BaseUri, "/api/auth"));
            Assert.DoesNotContain("Secure", auth.Headers.GetValues("Set-Cookie").Single(), StringComparison.Ordinal);
        }

        await using (var server = await InstantServer.StartAsync(options, name => name == "INSTANT_HTTP_MAXCACHEAGE" ? "88" : null))
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync(new Uri(server.BaseUri, "/static/site.js"));
            Assert.Equal(TimeSpan.FromSeconds(88), response.Headers.CacheControl!.MaxAge);
        }
    }
}
