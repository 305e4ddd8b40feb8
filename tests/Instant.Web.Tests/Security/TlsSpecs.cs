using System.Net;
using System.Net.WebSockets;
using Instant.Web.Cli;
using Instant.Web.Tests.Support;
using Xunit;

namespace Instant.Web.Tests.Security;

/// <summary><c>--tls cert=,key=,ca=</c>: HTTPS and WSS on the one port, with and without required client certificates.</summary>
public sealed class TlsSpecs : IDisposable
{
    private readonly TestCertificates _certs = new();

    public void Dispose() => _certs.Dispose();

    [Fact]
    public async Task Tls_serves_https_and_wss()
    {
        await using var server = await InstantTestServer.StartAsync("--tls", $"cert={_certs.ServerCertPath},key={_certs.ServerKeyPath}");
        Assert.Equal("https", server.BaseUri.Scheme);
        using var http = _certs.HttpClient();
        using var response = await http.GetAsync(server.Http("/static/version.js"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await using var a = await ConnectAsync(server, "/room/secure/ws", null);
        await using var b = await ConnectAsync(server, "/room/secure/ws", null);
        await b.SendAsync("""{"type":"broadcast","seq":1,"data":{"secret":true}}""");
        var relayed = await a.NextAsync("broadcast");
        Assert.Equal(b.ParticipantId, relayed.From);
        Assert.Equal("""{"secret":true}""", relayed.Member("data")!.Value.GetRawText());
    }

    [Fact]
    public async Task Plain_http_to_a_tls_port_gets_no_content()
    {
        await using var server = await InstantTestServer.StartAsync("--tls", $"cert={_certs.ServerCertPath},key={_certs.ServerKeyPath}");
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var failure = await Record.ExceptionAsync(async () =>
        {
            using var response = await plain.GetAsync($"http://127.0.0.1:{server.Port}/static/version.js");
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        });
        Assert.True(failure is null or HttpRequestException, failure?.ToString());
    }

    [Fact]
    public async Task A_certificate_file_holding_the_key_works_without_key()
    {
        await using var server = await InstantTestServer.StartAsync("-t", $"cert={_certs.CombinedPath}");
        using var http = _certs.HttpClient();
        using var response = await http.GetAsync(server.Http("/static/site.js"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var client = await ConnectAsync(server, "/api/ws", null);
        await client.PingAsync();
    }

    [Fact]
    public async Task With_ca_a_client_without_a_certificate_is_refused()
    {
        await using var server = await InstantTestServer.StartAsync("--tls", $"cert={_certs.ServerCertPath},key={_certs.ServerKeyPath},ca={_certs.CaPath}");
        using var http = _certs.HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            using var response = await http.GetAsync(server.Http("/static/version.js"));
        });
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var socket = await ConnectAsync(server, "/api/ws", null);
        });
    }

    [Fact]
    public async Task With_ca_a_client_certificate_signed_by_that_ca_gets_through()
    {
        await using var server = await InstantTestServer.StartAsync("--tls", $"cert={_certs.ServerCertPath},key={_certs.ServerKeyPath}", "-t", $"ca={_certs.CaPath}");
        using var http = _certs.HttpClient(_certs.Client);
        using var response = await http.GetAsync(server.Http("/static/version.js"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var a = await ConnectAsync(server, "/room/mtls/ws", _certs.Client);
        await a.NextAsync("joined");
        await a.PingAsync();
    }

    [Fact]
    public async Task With_ca_a_client_certificate_from_another_ca_is_refused()
    {
        using var strangers = new TestCertificates("Stranger");
        await using var server = await InstantTestServer.StartAsync("--tls", $"cert={_certs.ServerCertPath},key={_certs.ServerKeyPath},ca={_certs.CaPath}");
        using var http = _certs.HttpClient(strangers.Client);
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            using var response = await http.GetAsync(server.Http("/static/version.js"));
        });
    }

    [Fact]
    public async Task Bad_tls_settings_are_clear_errors()
    {
        var missing = await Assert.ThrowsAsync<CommandLineException>(() => InstantTestServer.StartAsync("--tls", $"cert={_certs.PathOf("absent.pem")}"));
        Assert.Contains("absent.pem", missing.Message, StringComparison.Ordinal);
        var noKey = await Assert.ThrowsAsync<CommandLineException>(() => InstantTestServer.StartAsync("--tls", $"cert={_certs.ServerCertPath}"));
        Assert.Contains("key", noKey.Message, StringComparison.Ordinal);
        var noCert = await Assert.ThrowsAsync<CommandLineException>(() => InstantTestServer.StartAsync("--tls", $"key={_certs.ServerKeyPath}"));
        Assert.Contains("cert", noCert.Message, StringComparison.Ordinal);
        string garbage = _certs.Write("garbage.pem", "not a certificate\n");
        await Assert.ThrowsAsync<CommandLineException>(() => InstantTestServer.StartAsync("--tls", $"cert={garbage},key={_certs.ServerKeyPath}"));
        var wrongKey = _certs.Write("wrong.key", _certs.ClientKeyPem + "\n");
        await Assert.ThrowsAsync<CommandLineException>(() => InstantTestServer.StartAsync("--tls", $"cert={_certs.ServerCertPath},key={wrongKey}"));
    }

    private async Task<TestSocket> ConnectAsync(InstantTestServer server, string path, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate)
    {
        var socket = await TestSocket.ConnectLeanAsync(server.WebSocketUri(path), null, options =>
        {
            options.RemoteCertificateValidationCallback = _certs.TrustsServer;
            if (clientCertificate is not null)
            {
                options.ClientCertificates = [clientCertificate];
            }
        });
        await socket.IdentityAsync();
        return socket;
    }
}
