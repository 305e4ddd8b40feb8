using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Instant.Web.Cli;

/// <summary>
/// <c>--tls cert=FILE,key=FILE,ca=FILE</c>: the server certificate chain (leaf first) and its
/// key from PEM files, and optionally CAs to trust exclusively for required client certificates.
/// </summary>
public sealed record TlsSettings(X509Certificate2 Certificate, X509Certificate2Collection Chain, X509Certificate2Collection? ClientCas)
{
    public static TlsSettings? From(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        if (pairs.Count == 0)
        {
            return null;
        }

        // Later pairs win, as the lists are concatenated; unknown keys are ignored like the original.
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            map[key] = value;
        }

        map.TryGetValue("cert", out var certPath);
        map.TryGetValue("key", out var keyPath);
        map.TryGetValue("ca", out var caPath);
        if (certPath is null)
        {
            throw new CommandLineException("--tls needs cert=FILE (a PEM certificate, optionally with its private key)");
        }

        var chain = LoadCertificates(certPath, "cert");
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(certPath, keyPath ?? certPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: a key that does not belong to the certificate.
            throw new CommandLineException(keyPath is null
                ? $"--tls: no usable private key in {certPath} ({e.Message}); give one with key=FILE"
                : $"--tls: cannot use private key {keyPath} with certificate {certPath}: {e.Message}");
        }
        catch (IOException e)
        {
            throw new CommandLineException($"--tls: cannot read {keyPath ?? certPath}: {e.Message}");
        }

        // An ephemeral PEM key is re-exported so every platform's TLS stack can use it.
        var usable = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null);
        chain.RemoveAt(0);
        return new TlsSettings(usable, chain, caPath is null ? null : LoadCertificates(caPath, "ca"));
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of the exclusive CAs.</summary>
    public bool IsTrustedClient(X509Certificate2 certificate)
    {
        if (ClientCas is null)
        {
            return true;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ClientCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static X509Certificate2Collection LoadCertificates(string path, string key)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new CommandLineException($"--tls {key}={path}: {e.Message}");
        }

        if (collection.Count == 0)
        {
            throw new CommandLineException($"--tls {key}={path}: no PEM CERTIFICATE block in the file");
        }

        return collection;
    }
}
