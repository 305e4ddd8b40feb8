using System.Buffers;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Scribe.Actors.Logging;
using Scribe.Actors.Protocol;

namespace Scribe.Actors.Client;

/// <summary>
/// The standalone Scribe's connection loop: connects to the room's WebSocket, hands every
/// frame to the <see cref="ScribeActor"/>, and reconnects with backoff and jitter whenever
/// the connection fails or ends, until Scribe says it is done (<c>--dont-stay</c>) or the
/// process is stopped. Cookies (the identity) are sent on every upgrade and saved after
/// every successful connect.
/// </summary>
public sealed class ScribeClient
{
    private const int MaxFrameBytes = 64 * 1024 * 1024;
    private readonly Uri _url;
    private readonly IActorRef _scribe;
    private readonly CookieJar? _cookies;
    private readonly IReadOnlyDictionary<string, string> _tls;
    private readonly LogfileWriter _log;

    public ScribeClient(Uri url, IActorRef scribe, CookieJar? cookies, IReadOnlyDictionary<string, string> tls, LogfileWriter log)
    {
        _url = url;
        _scribe = scribe;
        _cookies = cookies;
        _tls = tls;
        _log = log;
    }

    /// <summary>Runs until Scribe finishes (returns true) or <paramref name="stop"/> fires (returns false).</summary>
    public async Task<bool> RunAsync(CancellationToken stop)
    {
        int failures = 0;
        while (!stop.IsCancellationRequested)
        {
            _log.Write("CONNECT", ("url", _url.ToString()));
            using var socket = CreateSocket();
            try
            {
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                connectTimeout.CancelAfter(TimeSpan.FromSeconds(30));
                await socket.ConnectAsync(_url, connectTimeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or System.Net.Http.HttpRequestException)
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                failures++;
                _log.Write("ERROR", ("reason", $"{e.GetType().Name}({e.Message})"));
                await DelayAsync(Backoff(failures), stop);
                continue;
            }

            failures = 0;
            SaveCookies(socket);
            _log.Write("OPENED");
            bool? final = await RunSessionAsync(socket, stop);
            _log.Write("CLOSED", ("final", final == true));
            if (final == true)
            {
                return true;
            }

            // The server went away or the connection died: come back after a pause with jitter,
            // so a restarted server is not hit by every bot at the same instant.
            await DelayAsync(TimeSpan.FromSeconds(1 + Random.Shared.NextDouble()), stop);
        }

        return false;
    }

    private async Task<bool?> RunSessionAsync(ClientWebSocket socket, CancellationToken stop)
    {
        var transport = new WebSocketTransport(socket);
        _scribe.Tell(new ScribeConnected(transport));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, transport.Closed);
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                var result = await socket.ReceiveAsync(memory, linked.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                buffer.Advance(result.Count);
                if (buffer.WrittenCount > MaxFrameBytes)
                {
                    _log.Write("ERROR", ("reason", "frame from server too large"));
                    break;
                }

                if (result.EndOfMessage)
                {
                    if (result.MessageType == WebSocketMessageType.Text)
                    {
                        _scribe.Tell(new ServerFrame(buffer.WrittenSpan.ToArray()));
                    }

                    buffer.Clear();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            if (transport.ClosedFinal is null && !stop.IsCancellationRequested)
            {
                _log.Write("ERROR", ("reason", $"{e.GetType().Name}({e.Message})"));
            }
        }

        transport.Close(final: false);
        _scribe.Tell(new ScribeDisconnected(transport.ClosedFinal == true));
        if (transport.ClosedFinal == true)
        {
            // Let the send loop deliver what Scribe queued last (e.g. log-done) before closing.
            await Task.WhenAny(transport.SendLoop, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        }

        transport.Abort();
        socket.Abort();
        return transport.ClosedFinal;
    }

    private ClientWebSocket CreateSocket()
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        // Notice a dead server even on an idle room.
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(60);
        if (_cookies?.CookieHeader(HttpUri(_url)) is { } cookie)
        {
            socket.Options.SetRequestHeader("Cookie", cookie);
        }

        ConfigureTls(socket.Options);
        return socket;
    }

    private void ConfigureTls(ClientWebSocketOptions options)
    {
        if (_tls.TryGetValue("cert", out var cert))
        {
            var certificate = _tls.TryGetValue("key", out var key)
                ? X509Certificate2.CreateFromPemFile(cert, key)
                : X509Certificate2.CreateFromPemFile(cert);
            options.ClientCertificates.Add(certificate);
        }

        if (_tls.TryGetValue("ca", out var ca))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(ca);
            // The given CAs are the only trusted ones; the host name is still checked.
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }
    }

    private void SaveCookies(ClientWebSocket socket)
    {
        if (_cookies is null)
        {
            return;
        }

        if (socket.HttpResponseHeaders is { } headers)
        {
            foreach (var (name, values) in headers)
            {
                if (string.Equals(name, "Set-Cookie", StringComparison.OrdinalIgnoreCase))
                {
                    _cookies.Receive(HttpUri(_url), values);
                }
            }
        }

        try
        {
            _cookies.Save();
        }
        catch (IOException e)
        {
            _log.Write("WARNING", ("reason", "cannot save cookies: " + e.Message));
        }
    }

    private static Uri HttpUri(Uri ws) => new UriBuilder(ws) { Scheme = ws.Scheme == "wss" ? "https" : "http" }.Uri;

    /// <summary>Exponential backoff capped at 30 s, with ±50 % jitter.</summary>
    internal static TimeSpan Backoff(int failures)
    {
        double seconds = Math.Min(30, Math.Pow(2, Math.Min(failures, 10) - 1));
        return TimeSpan.FromSeconds(seconds * (0.5 + Random.Shared.NextDouble()));
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
