using System.Globalization;
using System.Net;
using System.Text;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Http;

/// <summary>PROTOCOL.md section 5: the signed <c>uid</c> cookie on upgrades and on <c>GET /api/auth</c>.</summary>
public sealed class IdentityCookieSpecs
{
    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task The_upgrade_sets_the_uid_cookie_with_path_httponly_and_a_two_year_expiry(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var client = await server.JoinAsync("cookie", via);
        AssertUidCookie(client.SetCookie, secure: false);
    }

    [Fact]
    public async Task The_cookie_is_Secure_unless_instant_cookies_insecure_is_set()
    {
        await using var server = await InstantTestServer.StartAsync("-o", "instant.cookies.insecure=no");
        await using var client = await server.JoinAsync("cookie");
        AssertUidCookie(client.SetCookie, secure: true);
        using var http = new HttpClient();
        using var auth = await http.GetAsync(server.Http("/api/auth"));
        AssertUidCookie(auth.Headers.GetValues("Set-Cookie").Single(), secure: true);
    }

    [Fact]
    public async Task Api_auth_sets_the_cookie_and_answers_a_random_token()
    {
        await using var server = await InstantTestServer.StartAsync();
        using var http = new HttpClient();
        using var first = await http.GetAsync(server.Http("/api/auth"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", first.Content.Headers.ContentType?.ToString());
        AssertUidCookie(first.Headers.GetValues("Set-Cookie").Single(), secure: false);
        string token = await first.Content.ReadAsStringAsync();
        Assert.Equal(32, token.Length);
        Assert.Equal(24, Convert.FromBase64String(token).Length);
        Assert.Equal("\"" + token + "\"", first.Headers.GetValues("X-Magic-Cookie").Single());

        using var second = await http.GetAsync(server.Http("/api/auth"));
        Assert.NotEqual(token, await second.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(ClientPath.Lean)]
    [InlineData(ClientPath.Pipeline)]
    public async Task Reconnecting_with_the_cookie_keeps_the_uuid(ClientPath via)
    {
        await using var server = await InstantTestServer.StartAsync();
        string cookie;
        string uuid;
        await using (var first = await server.JoinAsync("cookie", via))
        {
            cookie = first.CookieHeader!;
            uuid = first.Uuid;
        }

        await using var second = await server.JoinAsync("cookie", via, cookie);
        Assert.Equal(uuid, second.Uuid);
        await using var api = await TestSocket.ConnectAsync(server, "/api/ws", via, cookie);
        await api.IdentityAsync();
        Assert.Equal(uuid, api.Uuid);
        // The renewed cookie keeps the identity too.
        await using var third = await server.JoinAsync("cookie", ClientPath.Lean, second.CookieHeader);
        Assert.Equal(uuid, third.Uuid);
        // Fresh clients get fresh uuids; the connection ids differ anyway.
        await using var stranger = await server.JoinAsync("cookie", via);
        Assert.NotEqual(uuid, stranger.Uuid);
        Assert.NotEqual(second.ParticipantId, third.ParticipantId);
    }

    [Fact]
    public async Task The_cookie_from_api_auth_is_the_identity_of_later_websockets_and_sits_among_other_cookies()
    {
        await using var server = await InstantTestServer.StartAsync();
        using var http = new HttpClient();
        using var auth = await http.GetAsync(server.Http("/api/auth"));
        string cookie = Cookies.ToCookieHeader(auth.Headers.GetValues("Set-Cookie").Single());
        await using var a = await server.JoinAsync("cookie", ClientPath.Lean, "theme=dark; " + cookie + "; other=\"x y\"");
        await using var b = await server.JoinAsync("cookie", ClientPath.Pipeline, cookie);
        Assert.Equal(a.Uuid, b.Uuid);

        // /api/auth renews a valid cookie with the same uuid.
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Http("/api/auth"));
        request.Headers.Add("Cookie", cookie);
        using var renewed = await http.SendAsync(request);
        await using var c = await server.JoinAsync("cookie", ClientPath.Lean, Cookies.ToCookieHeader(renewed.Headers.GetValues("Set-Cookie").Single()));
        Assert.Equal(a.Uuid, c.Uuid);
    }

    public static TheoryData<string> BadCookies() => new()
    {
        "uid=garbage",
        "uid=",
        "uid=\"\"",
        "uid=\"a|b\"",
        "uid=\"|\"",
        "uid=\"e30=|AAAA\"",
        "uid=\"unterminated",
        "uid=%%%; =; ;;",
        "uid=" + new string('A', 3000),
        "uid=\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("[1,2]")) + "|AAAA\"",
    };

    [Theory]
    [MemberData(nameof(BadCookies))]
    public async Task A_malformed_cookie_gets_a_fresh_uuid_and_a_new_cookie_never_an_error(string cookie)
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var lean = await server.JoinAsync("cookie", ClientPath.Lean, cookie);
        AssertUidCookie(lean.SetCookie, secure: false);
        await using var pipeline = await server.JoinAsync("cookie", ClientPath.Pipeline, cookie);
        Assert.NotEqual(lean.Uuid, pipeline.Uuid);
        await using var again = await server.JoinAsync("cookie", ClientPath.Lean, lean.CookieHeader);
        Assert.Equal(lean.Uuid, again.Uuid);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Http("/api/auth"));
        request.Headers.TryAddWithoutValidation("Cookie", cookie);
        using var auth = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, auth.StatusCode);
        AssertUidCookie(auth.Headers.GetValues("Set-Cookie").Single(), secure: false);
    }

    [Fact]
    public async Task A_forged_cookie_gets_a_fresh_uuid()
    {
        await using var server = await InstantTestServer.StartAsync();
        await using var genuine = await server.JoinAsync("cookie");
        var value = Cookies.Parse(genuine.SetCookie!).Value.Trim('"').Replace("\\", string.Empty, StringComparison.Ordinal);
        var parts = value.Split('|');
        Assert.Equal(2, parts.Length);

        // The payload rewritten to claim another uuid, keeping the old signature.
        string claimed = "00000000-0000-1000-8000-000000000001";
        string forgedPayload = Convert.ToBase64String(Encoding.UTF8.GetBytes($$"""{"uuid":"{{claimed}}"}"""));
        await using var forged = await server.JoinAsync("cookie", ClientPath.Lean, $"uid=\"{forgedPayload}|{parts[1]}\"");
        Assert.NotEqual(claimed, forged.Uuid);
        Assert.NotEqual(genuine.Uuid, forged.Uuid);

        // The genuine payload with a tampered signature.
        var mac = Convert.FromBase64String(parts[1]);
        mac[0] ^= 1;
        await using var tampered = await server.JoinAsync("cookie", ClientPath.Pipeline, $"uid=\"{parts[0]}|{Convert.ToBase64String(mac)}\"");
        Assert.NotEqual(genuine.Uuid, tampered.Uuid);

        // A cookie signed by another server (another random key) is not honoured either.
        await using var otherServer = await InstantTestServer.StartAsync();
        await using var stranger = await otherServer.JoinAsync("cookie", ClientPath.Lean, genuine.CookieHeader);
        Assert.NotEqual(genuine.Uuid, stranger.Uuid);

        // Unescaped quoting is read the same as the escaped form the server writes.
        await using var plain = await server.JoinAsync("cookie", ClientPath.Lean, $"uid=\"{value}\"");
        Assert.Equal(genuine.Uuid, plain.Uuid);
    }

    public static TheoryData<string, byte[]> SignedButUnusable() => new()
    {
        { "invalid UTF-8", [.. "{\"uuid\":\""u8, 0xFF, 0xFE, .. "\"}"u8] },
        { "uuid twice", Encoding.UTF8.GetBytes("""{"uuid":"00000000-0000-1000-8000-000000000001","uuid":"00000000-0000-1000-8000-000000000002"}""") },
        { "any member twice", Encoding.UTF8.GetBytes("""{"x":1,"x":2,"uuid":"00000000-0000-1000-8000-000000000001"}""") },
        { "a lone surrogate", Encoding.UTF8.GetBytes("""{"uuid":"\ud800"}""") },
    };

    [Theory]
    [MemberData(nameof(SignedButUnusable))]
    public async Task A_correctly_signed_cookie_with_unusable_JSON_counts_as_no_cookie(string what, byte[] json)
    {
        using var dir = new TempDirectory();
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(64);
        string keyFile = dir.PathOf("cookie.key");
        await File.WriteAllBytesAsync(keyFile, key);
        await using var server = await InstantTestServer.StartAsync("-o", "instant.cookies.keyfile=" + keyFile);
        string cookie = "uid=" + Convert.ToBase64String(json) + "|" + Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData(key, json));

        using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Http("/api/auth"));
        request.Headers.Add("Cookie", cookie);
        using var auth = await http.SendAsync(request);
        Assert.True(HttpStatusCode.OK == auth.StatusCode, $"{what}: /api/auth answered {auth.StatusCode}");
        AssertUidCookie(auth.Headers.GetValues("Set-Cookie").Single(), secure: false);

        foreach (var via in new[] { ClientPath.Lean, ClientPath.Pipeline })
        {
            await using var client = await server.JoinAsync("cookie", via, cookie);
            Assert.DoesNotContain(client.Uuid, new[] { "00000000-0000-1000-8000-000000000001", "00000000-0000-1000-8000-000000000002" });
        }

        Assert.DoesNotContain("Exception", server.ReadDebugLog(), StringComparison.Ordinal);
    }

    internal static void AssertUidCookie(string? header, bool secure)
    {
        Assert.NotNull(header);
        var cookie = Cookies.Parse(header);
        Assert.Equal("uid", cookie.Name);
        Assert.StartsWith("\"", cookie.Value, StringComparison.Ordinal);
        Assert.Contains("|", cookie.Value, StringComparison.Ordinal);
        Assert.Equal("/", cookie["Path"]);
        Assert.True(cookie.Has("HttpOnly"), header);
        Assert.Equal(secure, cookie.Has("Secure"));
        var expires = DateTimeOffset.ParseExact(cookie["Expires"]!, "r", CultureInfo.InvariantCulture);
        var inTwoYears = DateTimeOffset.UtcNow.AddDays(730);
        Assert.InRange(expires, inTwoYears.AddDays(-3), inTwoYears.AddDays(3));
    }
}
