using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Instant.Browser.Tests;

/// <summary>A bare WebSocket participant speaking the protocol by hand, to check what the page sends and answers.</summary>
public sealed class RawPeer : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private int _seq;

    public string Id { get; private set; } = "";

    public static async Task<RawPeer> ConnectAsync(Uri baseUri, string room, CancellationToken cancellation)
    {
        var peer = new RawPeer();
        var uri = new UriBuilder(baseUri) { Scheme = "ws", Path = $"/room/{room}/ws" }.Uri;
        await peer._socket.ConnectAsync(uri, cancellation);
        var identity = await peer.ReceiveAsync(f => (string?)f["type"] == "identity", cancellation);
        peer.Id = (string)identity["data"]!["id"]!;
        return peer;
    }

    public Task BroadcastAsync(JsonObject data, CancellationToken cancellation)
        => SendAsync(new JsonObject { ["type"] = "broadcast", ["seq"] = _seq++, ["data"] = data }, cancellation);

    public Task UnicastAsync(string to, JsonObject data, CancellationToken cancellation)
        => SendAsync(new JsonObject { ["type"] = "unicast", ["seq"] = _seq++, ["to"] = to, ["data"] = data }, cancellation);

    private async Task SendAsync(JsonObject frame, CancellationToken cancellation)
        => await _socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, cancellation);

    /// <summary>The next incoming frame that satisfies <paramref name="wanted"/>; others are skipped.</summary>
    public async Task<JsonObject> ReceiveAsync(Func<JsonObject, bool> wanted, CancellationToken cancellation)
    {
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, cancellation);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException("socket closed");
                }

                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var frame = JsonNode.Parse(message.ToArray())!.AsObject();
            if (wanted(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>The next broadcast/unicast whose payload has the given client-level type.</summary>
    public Task<JsonObject> ReceiveDataAsync(string dataType, CancellationToken cancellation)
        => ReceiveAsync(f => f["data"] is JsonObject d && (string?)d["type"] == dataType
            && (string?)f["type"] is "broadcast" or "unicast", cancellation);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, limit.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            // already gone
        }

        _socket.Dispose();
    }

    /// <summary>
    /// Acts as a history holder: answers log-query with log-info and every log-request with at
    /// most <paramref name="maxLength"/> posts ending at its `to` (as Scribe with --maxlen does),
    /// recording the requests. Runs until cancelled.
    /// </summary>
    public async Task ServeHistoryAsync(IReadOnlyList<JsonObject> history, int maxLength, List<JsonObject> requests, CancellationToken cancellation)
    {
        await Task.Yield();
        while (true)
        {
            var frame = await ReceiveAsync(f => f["data"] is JsonObject d && (string?)d["type"] is "log-query" or "log-request", cancellation);
            var from = (string)frame["from"]!;
            var data = frame["data"]!.AsObject();
            if ((string?)data["type"] == "log-query")
            {
                await UnicastAsync(from, new JsonObject
                {
                    ["type"] = "log-info", ["from"] = (string)history[0]["id"]!, ["to"] = (string)history[^1]["id"]!, ["length"] = history.Count,
                }, cancellation);
                continue;
            }

            lock (requests)
            {
                requests.Add(data);
            }

            var to = (string?)data["to"];
            var selected = history.Where(p => to is null || string.CompareOrdinal((string)p["id"]!, to) <= 0).TakeLast(maxLength);
            var reply = new JsonObject { ["type"] = "log", ["data"] = Array(selected), ["uuids"] = new JsonObject() };
            foreach (var key in new[] { "from", "to", "key" })
            {
                if (data[key] is not null)
                {
                    reply[key] = data[key]!.DeepClone();
                }
            }

            await UnicastAsync(from, reply, cancellation);
        }
    }

    public static JsonObject Post(string id, string? parent, string nick, string text, string from) => new()
    {
        ["id"] = id, ["parent"] = parent, ["timestamp"] = 1_700_000_000_000L, ["from"] = from, ["nick"] = nick, ["text"] = text,
    };

    public static JsonArray Array(IEnumerable<JsonObject> items) => new(items.Select(i => (JsonNode)i.DeepClone()).ToArray());

    public static string Json(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
