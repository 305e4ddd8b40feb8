using System.Net.Sockets;
using System.Text;

namespace Instant.Run.Master;

/// <summary>A connection to a master process.</summary>
public sealed class MasterClient : IDisposable
{
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;

    private MasterClient(Socket socket)
    {
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
        _writer = new StreamWriter(_stream, new UTF8Encoding(false)) { NewLine = "\n" };
    }

    /// <summary>
    /// Connects, or returns null when no master listens: no socket file, or a stale one that
    /// refuses connections (the original crashed on the latter).
    /// </summary>
    public static Socket? TryConnect(string path)
    {
        if (!File.Exists(path)) return null;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable
                                            or SocketError.AddressFamilyNotSupported || e.ErrorCode == 2)
        {
            socket.Dispose();
            return null;
        }
    }

    public static MasterClient? Connect(string path) => TryConnect(path) is { } socket ? new MasterClient(socket) : null;

    /// <summary>Sends one command; report texts go to <paramref name="report"/>; returns the final line's words.</summary>
    public async Task<List<string>> SendAsync(IEnumerable<string> words, Action<string> report, CancellationToken cancellation = default)
    {
        await _writer.WriteLineAsync(WireLine.Format(words).AsMemory(), cancellation);
        await _writer.FlushAsync(cancellation);
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellation) ?? throw new IOException("The master closed the connection");
            var reply = WireLine.Parse(line);
            if (reply.Count == 2 && reply[0] == "<")
            {
                report(reply[1]);
                continue;
            }
            return reply;
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
        _stream.Dispose();
    }
}
