using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Instant.Web.Tests.Support;

/// <summary>
/// A throw-away CA with a server certificate for 127.0.0.1/localhost and a client certificate,
/// written as PEM files into a temporary directory.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TestCertificates(string name = "Instant Test")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name} CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        (Server, ServerKeyPem) = Issue("CN=localhost", "1.3.6.1.5.5.7.3.1", server: true);
        (Client, ClientKeyPem) = Issue($"CN={name} client", "1.3.6.1.5.5.7.3.2", server: false);

        CaPath = _dir.Write("ca.pem", Ca.ExportCertificatePem() + "\n");
        ServerCertPath = _dir.Write("server.pem", Server.ExportCertificatePem() + "\n");
        ServerKeyPath = _dir.Write("server.key", ServerKeyPem + "\n");
        CombinedPath = _dir.Write("combined.pem", Server.ExportCertificatePem() + "\n" + ServerKeyPem + "\n");
    }

    public X509Certificate2 Ca { get; }

    /// <summary>The server certificate (public part only).</summary>
    public X509Certificate2 Server { get; }

    /// <summary>A client certificate with its private key, signed by <see cref="Ca"/>.</summary>
    public X509Certificate2 Client { get; }

    public string ServerKeyPem { get; }

    public string ClientKeyPem { get; }

    public string CaPath { get; }

    public string ServerCertPath { get; }

    public string ServerKeyPath { get; }

    /// <summary>The server certificate followed by its key, in one file.</summary>
    public string CombinedPath { get; }

    public string PathOf(string name) => _dir.PathOf(name);

    public string Write(string name, string content) => _dir.Write(name, content);

    /// <summary>A validation callback that trusts exactly this CA.</summary>
    public bool TrustsServer(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(Ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    /// <summary>An HttpClient that trusts this CA and optionally presents <paramref name="clientCertificate"/>.</summary>
    public HttpClient HttpClient(X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = TrustsServer;
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
        _dir.Dispose();
    }

    private (X509Certificate2 Certificate, string KeyPem) Issue(string subject, string usage, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var issued = request.Create(Ca, now.AddHours(-1), now.AddDays(10), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS#12, so every platform's TLS stack accepts the key.
        var usable = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (server ? X509CertificateLoader.LoadCertificate(issued.RawData) : usable, key.ExportPkcs8PrivateKeyPem());
    }
}
