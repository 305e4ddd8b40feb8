using System.Text.RegularExpressions;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Http;

/// <summary>The HTTP access log (<c>--http-log</c>) and the debugging log (<c>--debug-log</c>).</summary>
public sealed partial class LogSpecs
{
    // ADDR - - [dd/Mon/yyyy:HH:mm:ss +zzzz] "REQUEST" STATUS LEN REFERER UA ["EXTRA"]
    [GeneratedRegex("""^(?<addr>\S+) - - \[(?<time>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "(?<request>[^"]*)" (?<status>\d{3}) (?<length>\d+|-) (?<referer>-|"[^"]*") (?<agent>-|"[^"]*")(?: "(?<extra>[^"]*)")?$""")]
    private static partial Regex CombinedLine();

    [Fact]
    public async Task Every_request_is_one_combined_format_line()
    {
        await using var server = await InstantTestServer.StartAsync();
        using var http = new HttpClient();
        using (var request = new HttpRequestMessage(HttpMethod.Get, server.Http("/static/version.js?x=1")))
        {
            request.Headers.Referrer = new Uri("http://example.org/from");
            request.Headers.UserAgent.ParseAdd("LogTest/1.0");
            using var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode);
        }

        using (var missing = await http.GetAsync(server.Http("/nothing/here")))
        {
        }

        using (var redirect = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }).GetAsync(server.Http("/room/abc")))
        {
        }

        var lines = await Eventually.SucceedsAsync(_ =>
        {
            var all = server.ReadHttpLog().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return Task.FromResult(all.Length >= 3 ? all : throw new InvalidOperationException($"{all.Length} lines"));
        });
        Assert.Equal(3, lines.Length);
        var matches = lines.Select(l => CombinedLine().Match(l)).ToList();
        Assert.All(matches, m => Assert.True(m.Success, m.Value));

        var version = matches[0];
        Assert.Equal("127.0.0.1", version.Groups["addr"].Value);
        Assert.Equal("GET /static/version.js?x=1 HTTP/1.1", version.Groups["request"].Value);
        Assert.Equal("200", version.Groups["status"].Value);
        Assert.Matches("^[1-9][0-9]*$", version.Groups["length"].Value);
        Assert.Equal("\"http://example.org/from\"", version.Groups["referer"].Value);
        Assert.Equal("\"LogTest/1.0\"", version.Groups["agent"].Value);
        Assert.False(version.Groups["extra"].Success);
        var time = DateTimeOffset.ParseExact(version.Groups["time"].Value, "dd/MMM/yyyy:HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None);
        Assert.InRange(time, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.Equal("GET /nothing/here HTTP/1.1", matches[1].Groups["request"].Value);
        Assert.Equal("404", matches[1].Groups["status"].Value);
        Assert.Equal("-", matches[1].Groups["referer"].Value);
        Assert.Equal("301", matches[2].Groups["status"].Value);
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task The_websocket_upgrade_is_logged_with_101_and_the_uuid_and_id(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("logged", via);
        var line = await Eventually.SucceedsAsync(_ => Task.FromResult(
            server.ReadHttpLog().Split('\n').Single(l => l.Contains("/room/logged/ws", StringComparison.Ordinal))));
        var match = CombinedLine().Match(line);
        Assert.True(match.Success, line);
        Assert.Equal("GET /room/logged/ws HTTP/1.1", match.Groups["request"].Value);
        Assert.Equal("101", match.Groups["status"].Value);
        Assert.Equal($"uuid={client.Uuid} id={client.ParticipantId}", match.Groups["extra"].Value);
    }

    [Fact]
    public async Task A_forwarded_address_is_logged_as_real_ip_without_spaces()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await TestSocket.ConnectLeanAsync(server.WebSocketUri("/api/ws"), null,
            o => o.SetRequestHeader("X-Forwarded-For", "203.0.113.7, 10.0.0.1"));
        await client.IdentityAsync();
        var line = await Eventually.SucceedsAsync(_ => Task.FromResult(
            server.ReadHttpLog().Split('\n').Single(l => l.Contains("/api/ws", StringComparison.Ordinal))));
        Assert.EndsWith($"\"real-ip=203.0.113.7,10.0.0.1 uuid={client.Uuid} id={client.ParticipantId}\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quotes_and_control_characters_in_logged_fields_are_escaped()
    {
        await using var server = await InstantTestServer.StartAsync();
        await RawHttp.SendAsync(server.Port, "GET /x HTTP/1.1\r\nHost: h\r\nUser-Agent: evil\" \\agent\r\nConnection: close\r\n\r\n");
        var line = await Eventually.SucceedsAsync(_ => Task.FromResult(
            server.ReadHttpLog().Split('\n').Single(l => l.Contains("GET /x ", StringComparison.Ordinal))));
        Assert.EndsWith("\"evil\\x22 \\x5Cagent\"", line, StringComparison.Ordinal);
        Assert.Matches(CombinedLine(), line);
    }

    [Fact]
    public async Task The_debug_log_has_the_startup_lines()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.ApiAsync();
        string log = server.ReadDebugLog();
        string version = client.Identity.Data.GetProperty("version").GetString()!;
        string hash = client.Identity.Data.GetProperty("configHash").GetString()!;
        string era = client.Identity.Data.GetProperty("era").GetString()!;
        Assert.Matches(@"\] Instant\.Actors " + Regex.Escape(version) + @"( \(.*\))?\n", log);
        Assert.Contains("Configuration hash: " + hash + "\n", log, StringComparison.Ordinal);
        Assert.Contains($"Serving era {era} on 127.0.0.1:{server.Port}", log, StringComparison.Ordinal);
        Assert.Matches(@"^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} INFO [^\]]+\] Instant\.Actors ", log);
        Assert.DoesNotContain("/room/", log, StringComparison.Ordinal); // requests go to the HTTP log only
    }

    [Fact]
    public async Task Both_logs_may_share_one_file()
    {
        using var dir = new TempDirectory();
        string path = dir.PathOf("both.log");
        await using var server = await InstantTestServer.StartAsync("--http-log", path, "--debug-log", path);
        using var http = new HttpClient();
        using (await http.GetAsync(server.Http("/static/site.js")))
        {
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        string text = await new StreamReader(stream).ReadToEndAsync();
        Assert.Contains("Serving era", text, StringComparison.Ordinal);
        Assert.Contains("\"GET /static/site.js HTTP/1.1\" 200", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OFF", false, false)]
    [InlineData("WARNING", false, true)]
    [InlineData("SEVERE", false, true)]
    [InlineData("INFO", true, true)]
    [InlineData("Information", true, true)]
    [InlineData("FINEST", true, true)]
    public async Task The_log_level_filters_the_debug_log(string level, bool infoLines, bool warningLines)
    {
        await using var server = await InstantTestServer.StartAsync("-L", level, "--startup-cmd", "/nonexistent/startup-probe");
        await using var client = await server.ApiAsync();
        string log = server.ReadDebugLog();
        Assert.Equal(infoLines, log.Contains("Serving era", StringComparison.Ordinal));
        bool warnings = log.Contains("startup-probe", StringComparison.Ordinal);
        Assert.Equal(warningLines && level is not "SEVERE", warnings);
        if (level == "FINEST")
        {
            Assert.DoesNotContain("/api/ws", log, StringComparison.Ordinal); // requests still go to the HTTP log only
        }
    }
}
