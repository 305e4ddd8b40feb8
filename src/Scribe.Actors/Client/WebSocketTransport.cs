using System.Net.WebSockets;
using System.Threading.Channels;
using Scribe.Actors.Protocol;

namespace Scribe.Actors.Client;

/// <summary>
/// Scribe's frames over a client WebSocket: a bounded queue drained by one send loop (a
/// WebSocket allows one outstanding send), so the actor never blocks on the network.
/// </summary>
internal sealed class WebSocketTransport : IScribeTransport
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<byte[]> _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(65536)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly CancellationTokenSource _closed = new();

    public WebSocketTransport(ClientWebSocket socket)
    {
        _socket = socket;
        SendLoop = Task.Run(RunSendLoopAsync);
    }

    /// <summary>Set once Scribe asked to close; Final says whether to stay away.</summary>
    public bool? ClosedFinal { get; private set; }

    public Task SendLoop { get; }

    public CancellationToken Closed => _closed.Token;

    public void Send(byte[] frame)
    {
        if (!_outbox.Writer.TryWrite(frame))
        {
            // The server stopped reading us for 65536 frames: the connection is as good as dead.
            Close(final: false);
        }
    }

    public void Close(bool final)
    {
        ClosedFinal ??= final;
        _outbox.Writer.TryComplete();
    }

    public void Abort()
    {
        _outbox.Writer.TryComplete();
        _closed.Cancel();
    }

    private async Task RunSendLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(_closed.Token))
            {
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _closed.Token);
            }

            if (ClosedFinal is not null && _socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The receive loop notices the broken socket and ends the session.
        }
        finally
        {
            if (ClosedFinal is not null)
            {
                _closed.Cancel();
            }
        }
    }
}
