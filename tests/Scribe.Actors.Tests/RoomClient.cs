using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Scribe.Actors.Tests;

/// <summary>A plain WebSocket participant for end-to-end tests: sends frames, reads frames as JSON.</summary>
public sealed class RoomClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _frames = Channel.CreateUnbounded<JsonObject>();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private long _seq;

    public string Id { get; private set; } = string.Empty;

    public string Uuid { get; private set; } = string.Empty;

    public static async Task<RoomClient> ConnectAsync(Uri url, CancellationToken cancellation)
    {
        var client = new RoomClient();
        await client._socket.ConnectAsync(url, cancellation);
        client._reader = client.ReadAsync();
        var identity = await client.ReceiveAsync(f => (string?)f["type"] == "identity", cancellation);
        client.Id = (string)identity["data"]!["id"]!;
        client.Uuid = (string)identity["data"]!["uuid"]!;
        return client;
    }

    public Task SendAsync(object frame, CancellationToken cancellation)
    {
        var node = JsonSerializer.SerializeToNode(frame)!.AsObject();
        node["seq"] = _seq++;
        return _socket.SendAsync(Encoding.UTF8.GetBytes(node.ToJsonString()), WebSocketMessageType.Text, true, cancellation);
    }

    public Task BroadcastAsync(object data, CancellationToken cancellation) => SendAsync(new { type = "broadcast", data }, cancellation);

    public Task UnicastAsync(string to, object data, CancellationToken cancellation) => SendAsync(new { type = "unicast", to, data }, cancellation);

    /// <summary>The next frame that matches, skipping others.</summary>
    public async Task<JsonObject> ReceiveAsync(Func<JsonObject, bool> match, CancellationToken cancellation)
    {
        while (true)
        {
            var frame = await _frames.Reader.ReadAsync(cancellation);
            if (match(frame))
            {
                return frame;
            }
        }
    }

    public static bool IsData(JsonObject frame, string dataType) => (string?)frame["data"]?["type"] == dataType && frame["data"] is JsonObject;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Abort();
        if (_reader is not null)
        {
            await _reader;
        }

        _socket.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    _frames.Writer.TryWrite(JsonNode.Parse(message.ToArray())!.AsObject());
                    message.SetLength(0);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        _frames.Writer.TryComplete();
    }
}
