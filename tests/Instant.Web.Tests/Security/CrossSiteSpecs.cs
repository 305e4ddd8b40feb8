using System.Net;
using System.Net.Sockets;
using System.Text;
using Instant.Web.Cli;
using Instant.Web.Tests.Http;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Security;

/// <summary>Cross-site WebSocket hijacking: <c>instant.ws.allowedOrigins</c> and the cookie's SameSite.</summary>
public sealed class CrossSiteSpecs
{
    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task With_allowed_origins_an_upgrade_from_another_origin_is_refused_with_403(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.ws.allowedOrigins=https://chat.example, http://localhost:8080/");
        await using var watcher = await server.JoinAsync("guarded");
        Assert.Equal(403, await UpgradeStatusAsync(server.Port, "/room/guarded/ws", "https://evil.example", via));
        Assert.Equal(403, await UpgradeStatusAsync(server.Port, "/api/ws", "null", via));
        Assert.Equal(403, await UpgradeStatusAsync(server.Port, "/room/guarded/ws", "https://chat.example:8443", via));
        Assert.Equal(101, await UpgradeStatusAsync(server.Port, "/room/guarded/ws", "https://chat.example", via));
        Assert.Equal(101, await UpgradeStatusAsync(server.Port, "/room/guarded/ws", "HTTPS://Chat.Example", via));
        Assert.Equal(101, await UpgradeStatusAsync(server.Port, "/api/ws", "http://localhost:8080", via));
        Assert.Equal(101, await UpgradeStatusAsync(server.Port, "/room/guarded/ws", null, via)); // a program, not a page

        // The refusals are in the access log; the room is unharmed.
        await watcher.PingAsync();
        Assert.Contains("\" 403 ", server.ReadHttpLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_any_origin_may_upgrade()
    {
        await using var server = await InstantTestServer.StartAsync();
        Assert.Equal(101, await UpgradeStatusAsync(server.Port, "/api/ws", "https://anywhere.example", ClientPath.Lean));
        Assert.Equal(101, await UpgradeStatusAsync(server.Port, "/api/ws", "https://anywhere.example", ClientPath.Pipeline));
    }

    [Theory]
    [InlineData("Strict", "Strict")]
    [InlineData("lax", "Lax")]
    [InlineData("NONE", "None")]
    public async Task The_uid_cookie_carries_the_configured_SameSite(string setting, string attribute)
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.cookies.sameSite=" + setting);
        await using var client = await server.JoinAsync("samesite");
        Assert.Equal(attribute, Cookies.Parse(client.SetCookie!)["SameSite"]);
        IdentityCookieSpecs.AssertUidCookie(client.SetCookie, secure: false);
        using var http = new HttpClient();
        using var auth = await http.GetAsync(server.Http("/api/auth"));
        Assert.Equal(attribute, Cookies.Parse(auth.Headers.GetValues("Set-Cookie").Single())["SameSite"]);
    }

    [Fact]
    public async Task Without_the_setting_the_cookie_has_no_SameSite_and_a_bad_value_stops_the_start()
    {
        await using (var server = await InstantTestServer.StartAsync())
        {
            await using var client = await server.JoinAsync("samesite");
            Assert.False(Cookies.Parse(client.SetCookie!).Has("SameSite"));
        }

        var error = await Assert.ThrowsAsync<CommandLineException>(() => InstantTestServer.StartAsync("-o", "instant.cookies.sameSite=sometimes"));
        Assert.Contains("instant.cookies.sameSite", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The status an upgrade with this Origin (none when null) is answered with, on either server path.</summary>
    private static async Task<int> UpgradeStatusAsync(int port, string path, string? origin, ClientPath via)
    {
        using var timeout = new CancellationTokenSource(TestSocket.DefaultTimeout);
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = tcp.GetStream();
        if (via == ClientPath.Pipeline)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /api/auth HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), timeout.Token);
            await RawHttp.ReadResponseAsync(stream, timeout.Token);
        }

        string originLine = origin is null ? string.Empty : $"Origin: {origin}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{originLine}Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {Convert.ToBase64String(new byte[16])}\r\nSec-WebSocket-Version: 13\r\n\r\n"), timeout.Token);
        return (await RawHttp.ReadHeadAsync(stream, timeout.Token)).Status;
    }
}
