using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Instant.Web.Tests.Support;

/// <summary>Which server code path a test client's upgrade takes.</summary>
public enum ClientPath
{
    /// <summary>A fresh connection whose first request is the upgrade: the lean transport-level path.</summary>
    Lean,

    /// <summary>An upgrade as the second request of a kept-alive connection: ASP.NET Core's WebSocket pipeline.</summary>
    Pipeline,
}

/// <summary>
/// A real WebSocket client for the tests: connects (with or without a <c>uid</c> cookie),
/// sends text, JSON or raw bytes, and receives frames with a timeout as parsed JSON.
/// </summary>
public sealed class TestSocket : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly WebSocket _socket;
    private readonly IDisposable? _transport;
    private Frame? _identity;

    private TestSocket(WebSocket socket, string? setCookie, IDisposable? transport)
    {
        _socket = socket;
        SetCookie = setCookie;
        _transport = transport;
    }

    /// <summary>The Set-Cookie header of the upgrade response, if any.</summary>
    public string? SetCookie { get; }

    /// <summary>A Cookie header value that sends back the uid cookie this connection was given.</summary>
    public string? CookieHeader => SetCookie is null ? null : Cookies.ToCookieHeader(SetCookie);

    public WebSocketState State => _socket.State;

    /// <summary>Why <see cref="ExpectClosedAsync"/> saw a reset instead of a close frame, for diagnostics.</summary>
    public Exception? LastCloseError { get; private set; }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The identity frame (read by <see cref="IdentityAsync"/>).</summary>
    public Frame Identity => _identity ?? throw new InvalidOperationException("identity not read yet");

    /// <summary>This connection's participant id, from its identity frame.</summary>
    public string ParticipantId => Identity.Data.GetProperty("id").GetString()!;

    public string Uuid => Identity.Data.GetProperty("uuid").GetString()!;

    public static Task<TestSocket> ConnectAsync(InstantTestServer server, string path, ClientPath via = ClientPath.Lean, string? cookie = null, CancellationToken cancellation = default)
        => via == ClientPath.Lean
            ? ConnectLeanAsync(server.WebSocketUri(path), cookie, null, cancellation)
            : ConnectThroughPipelineAsync(server.BaseUri, path, cookie, cancellation);

    /// <summary>Connects with <see cref="ClientWebSocket"/>; the upgrade is the connection's first request.</summary>
    public static async Task<TestSocket> ConnectLeanAsync(Uri uri, string? cookie, Action<ClientWebSocketOptions>? configure, CancellationToken cancellation = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (cookie is not null)
        {
            socket.Options.SetRequestHeader("Cookie", cookie);
        }

        configure?.Invoke(socket.Options);
        using var timeout = Timeout(cancellation);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        string? setCookie = socket.HttpResponseHeaders?.TryGetValue("Set-Cookie", out var values) == true ? values.Single() : null;
        return new TestSocket(socket, setCookie, null);
    }

    /// <summary>
    /// Connects over a raw TCP connection that first makes an ordinary request (GET /api/auth)
    /// and then upgrades, so the server's HTTP pipeline, not the lean path, takes the upgrade.
    /// </summary>
    public static async Task<TestSocket> ConnectThroughPipelineAsync(Uri baseUri, string path, string? cookie, CancellationToken cancellation = default)
    {
        using var timeout = Timeout(cancellation);
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, baseUri.Port, timeout.Token);
            var stream = tcp.GetStream();
            string cookieLine = cookie is null ? string.Empty : $"Cookie: {cookie}\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /api/auth HTTP/1.1\r\nHost: 127.0.0.1:{baseUri.Port}\r\n{cookieLine}\r\n"), timeout.Token);
            var auth = await RawHttp.ReadResponseAsync(stream, timeout.Token);
            if (auth.Status != 200)
            {
                throw new InvalidOperationException($"GET /api/auth answered {auth.Status}");
            }

            string key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{baseUri.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{cookieLine}\r\n"), timeout.Token);
            var head = await RawHttp.ReadHeadAsync(stream, timeout.Token);
            if (head.Status != 101)
            {
                throw new WebSocketException($"upgrade through the pipeline answered {head.Status}");
            }

            var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
            return new TestSocket(socket, head.Header("Set-Cookie"), tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Reads the identity frame, which must come first.</summary>
    public async Task<Frame> IdentityAsync(CancellationToken cancellation = default)
    {
        var frame = await ReceiveAsync(cancellation);
        if (frame.Type != "identity")
        {
            throw new InvalidOperationException("the first frame is not identity: " + frame.Raw);
        }

        _identity = frame;
        return frame;
    }

    public Task SendAsync(string text, CancellationToken cancellation = default)
        => SendBytesAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, cancellation);

    /// <summary>Sends an object serialized as JSON.</summary>
    public Task SendJsonAsync(object message, CancellationToken cancellation = default)
        => SendAsync(JsonSerializer.Serialize(message), cancellation);

    /// <summary>Sends bytes as one message of the given type, unchecked (ClientWebSocket validates nothing on send).</summary>
    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type, CancellationToken cancellation = default)
    {
        using var timeout = Timeout(cancellation);
        await _socket.SendAsync(bytes, type, endOfMessage: true, timeout.Token);
    }

    /// <summary>Sends one fragment of a text message (the first one opens it, <paramref name="last"/> ends it).</summary>
    public async Task SendFragmentAsync(byte[] bytes, bool last, CancellationToken cancellation = default)
    {
        using var timeout = Timeout(cancellation);
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, last, timeout.Token);
    }

    /// <summary>The next frame; throws <see cref="TimeoutException"/> when none comes in time, or when the socket closes.</summary>
    public async Task<Frame> ReceiveAsync(CancellationToken cancellation = default)
    {
        var (frame, close) = await ReceiveOrCloseAsync(cancellation);
        return frame ?? throw new WebSocketException($"the server closed the connection ({close}) while a frame was expected");
    }

    /// <summary>The next frame, or null and the close status when the server closes the connection.</summary>
    public async Task<(Frame? Frame, WebSocketCloseStatus? Close)> ReceiveOrCloseAsync(CancellationToken cancellation = default)
    {
        using var timeout = Timeout(cancellation);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new TimeoutException($"no frame within {DefaultTimeout.TotalSeconds} s");
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (null, _socket.CloseStatus);
            }

            if (result.MessageType != WebSocketMessageType.Text)
            {
                throw new InvalidDataException("the server sent a binary frame");
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (new Frame(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length)), null);
            }
        }
    }

    /// <summary>Skips frames until one of <paramref name="type"/> arrives.</summary>
    public Task<Frame> NextAsync(string type, CancellationToken cancellation = default)
        => NextAsync(f => f.Type == type, cancellation);

    /// <summary>Skips frames until one matches <paramref name="match"/>.</summary>
    public async Task<Frame> NextAsync(Func<Frame, bool> match, CancellationToken cancellation = default)
    {
        using var timeout = Timeout(cancellation);
        while (true)
        {
            var frame = await ReceiveAsync(timeout.Token);
            if (match(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>Reads (and drops) frames until the server closes the connection; returns the close status.</summary>
    public async Task<WebSocketCloseStatus?> ExpectClosedAsync(CancellationToken cancellation = default)
    {
        using var timeout = Timeout(cancellation);
        while (true)
        {
            try
            {
                var (frame, close) = await ReceiveOrCloseAsync(timeout.Token);
                if (frame is null)
                {
                    // Answer the close as browsers do, completing the handshake.
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                    }

                    return close;
                }
            }
            catch (WebSocketException e)
            {
                LastCloseError = e;
                return null; // reset rather than closed: closed all the same
            }
        }
    }

    /// <summary>A ping round trip: proves the connection is open and everything sent before was handled.</summary>
    public async Task<Frame> PingAsync(string seq = "\"sync\"", CancellationToken cancellation = default)
    {
        await SendAsync($$"""{"type":"ping","seq":{{seq}}}""", cancellation);
        return await NextAsync(f => f.Type == "pong" && f.SeqText == seq, cancellation);
    }

    /// <summary>Closes from the client side and waits for the server's close frame.</summary>
    public async Task CloseAsync(CancellationToken cancellation = default)
    {
        using var timeout = Timeout(cancellation);
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        }

        // Drain until the server's close arrives, so the server has seen ours.
        while (_socket.State is WebSocketState.CloseSent)
        {
            var result = await _socket.ReceiveAsync(new byte[4096].AsMemory(), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }
        }
    }

    public void Abort() => _socket.Abort();

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _transport?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static CancellationTokenSource Timeout(CancellationToken cancellation)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        cts.CancelAfter(DefaultTimeout);
        return cts;
    }
}
