using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Instant.Web.Tests.Support;

/// <summary>
/// A WebSocket client written by hand on a bare socket: it can stop reading entirely (a
/// stalled reader) and send frames no library would (unmasked, reserved bits, bad opcodes).
/// </summary>
public sealed class RawWebSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawWebSocket(Socket socket, RawResponse handshake)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        Handshake = handshake;
    }

    public RawResponse Handshake { get; }

    /// <summary>Connects and upgrades (<paramref name="via"/> either server path); <paramref name="receiveBuffer"/> shrinks the kernel's receive buffer (and so the TCP window).</summary>
    public static async Task<RawWebSocket> ConnectAsync(int port, string path, int? receiveBuffer = null, CancellationToken cancellation = default, ClientPath via = ClientPath.Lean)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TestSocket.DefaultTimeout);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (receiveBuffer is { } size)
            {
                socket.ReceiveBufferSize = size;
            }

            await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = new NetworkStream(socket, ownsSocket: false);
            if (via == ClientPath.Pipeline)
            {
                // An ordinary request first, so the upgrade goes through the HTTP pipeline.
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /api/auth HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"), timeout.Token);
                await RawHttp.ReadResponseAsync(stream, timeout.Token);
            }

            string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"), timeout.Token);
            var head = await RawHttp.ReadHeadAsync(stream, timeout.Token);
            if (head.Status != 101)
            {
                throw new InvalidOperationException("upgrade answered " + head.StatusLine);
            }

            string expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            if (head.Header("Sec-WebSocket-Accept") != expected)
            {
                throw new InvalidOperationException("wrong Sec-WebSocket-Accept: " + head.Header("Sec-WebSocket-Accept"));
            }

            return new RawWebSocket(socket, head);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Builds one client frame: FIN, opcode, optional mask and reserved bits, as given.</summary>
    public static byte[] BuildFrame(byte opcode, ReadOnlySpan<byte> payload, bool fin = true, bool masked = true, byte reservedBits = 0)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | (reservedBits << 4) | opcode) };
        byte maskBit = masked ? (byte)0x80 : (byte)0;
        if (payload.Length < 126)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.Add((byte)(maskBit | 126));
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(length, payload.Length);
            frame.AddRange(length);
        }

        var mask = masked ? RandomNumberGenerator.GetBytes(4) : [];
        frame.AddRange(mask);
        for (int i = 0; i < payload.Length; i++)
        {
            frame.Add(masked ? (byte)(payload[i] ^ mask[i & 3]) : payload[i]);
        }

        return frame.ToArray();
    }

    public async Task SendRawAsync(byte[] bytes, CancellationToken cancellation = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TestSocket.DefaultTimeout);
        await _stream.WriteAsync(bytes, timeout.Token);
    }

    public Task SendTextAsync(string text, CancellationToken cancellation = default)
        => SendRawAsync(BuildFrame(0x1, Encoding.UTF8.GetBytes(text)), cancellation);

    /// <summary>Reads server frames until a close frame (its code) or the end of the stream (null).</summary>
    public async Task<(ushort? CloseCode, List<string> Texts)> ReadUntilCloseAsync(CancellationToken cancellation = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TestSocket.DefaultTimeout);
        var texts = new List<string>();
        while (await ReadFrameAsync(timeout.Token) is { } frame)
        {
            if (frame.Opcode == 0x8)
            {
                return (frame.Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(frame.Payload) : (ushort)1005, texts);
            }

            if (frame.Opcode == 0x1)
            {
                texts.Add(Encoding.UTF8.GetString(frame.Payload));
            }
        }

        return (null, texts);
    }

    /// <summary>The next server frame, any opcode; null when the stream ends (closed or reset).</summary>
    public async Task<(byte Opcode, byte[] Payload)?> ReadFrameAsync(CancellationToken cancellation)
    {
        try
        {
            var header = new byte[2];
            await _stream.ReadExactlyAsync(header, cancellation);
            long length = header[1] & 0x7F;
            if (length == 126)
            {
                var ext = new byte[2];
                await _stream.ReadExactlyAsync(ext, cancellation);
                length = BinaryPrimitives.ReadUInt16BigEndian(ext);
            }
            else if (length == 127)
            {
                var ext = new byte[8];
                await _stream.ReadExactlyAsync(ext, cancellation);
                length = BinaryPrimitives.ReadInt64BigEndian(ext);
            }

            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, cancellation);
            return ((byte)(header[0] & 0x0F), payload);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}
