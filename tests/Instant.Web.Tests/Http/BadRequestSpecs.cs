using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Http;

/// <summary>Requests no browser sends: answered 400 (not 500), with at most one log line.</summary>
public sealed class BadRequestSpecs
{
    [Theory]
    [InlineData("/room/x?a=\r")]
    [InlineData("/room/x?a=\u0001")]
    [InlineData("/room/x?a=\u007f")]
    [InlineData("/room/x?a=\u00e9")]
    [InlineData("/room/x?\t")]
    public async Task Control_characters_in_the_query_of_a_room_redirect_are_a_400_with_one_log_line_at_most(string target)
    {
        await using var server = await InstantTestServer.StartAsync();
        var response = await RawHttp.GetAsync(server.Port, target);
        Assert.Equal(400, response.Status);

        // The server is fine, and wrote no stack trace for it.
        Assert.Equal(301, (await RawHttp.GetAsync(server.Port, "/room/x?a=1")).Status);
        string debug = server.ReadDebugLog();
        Assert.DoesNotContain(" at ", debug, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", debug, StringComparison.Ordinal);
        Assert.True(debug.Split('\n').Count(l => l.Length > 0) <= 4, debug); // the three start-up lines, and one more at most
    }

    public static TheoryData<string, string> MalformedUpgrades()
    {
        string key = Convert.ToBase64String(new byte[16]);
        string rest = $"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n";
        return new()
        {
            { "a space before the colon", $"GET /room/x/ws HTTP/1.1\r\nHost: x\r\nUpgrade : websocket\r\n{rest}\r\n" },
            { "no Host", $"GET /room/x/ws HTTP/1.1\r\nUpgrade: websocket\r\n{rest}\r\n" },
            { "two Hosts", $"GET /room/x/ws HTTP/1.1\r\nHost: x\r\nHost: y\r\nUpgrade: websocket\r\n{rest}\r\n" },
            { "a tab in a header name", $"GET /api/ws HTTP/1.1\r\nHost: x\r\nUp\tgrade: websocket\r\n{rest}\r\n" },
            { "a NUL in a header value", $"GET /api/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nX-Junk: a\0b\r\n{rest}\r\n" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedUpgrades))]
    public async Task A_malformed_upgrade_is_a_400_as_Kestrel_would_answer_it(string what, string request)
    {
        await using var server = await InstantTestServer.StartAsync();
        var response = await RawHttp.SendAsync(server.Port, request);
        Assert.True(response.Status == 400, $"{what}: answered {response.StatusLine}");

        // The same upgrade, well formed, still connects on the lean path.
        string fixedRequest = $"GET /api/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Convert.ToBase64String(new byte[16])}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        using var tcp = new System.Net.Sockets.TcpClient(System.Net.Sockets.AddressFamily.InterNetwork);
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
        await tcp.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(fixedRequest));
        using var timeout = new CancellationTokenSource(TestSocket.DefaultTimeout);
        Assert.Equal(101, (await RawHttp.ReadHeadAsync(tcp.GetStream(), timeout.Token)).Status);
    }
}
