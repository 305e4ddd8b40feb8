using System.Text.Json;
using System.Text.Json.Nodes;

namespace Instant.Plugins;

/// <summary>
/// Hooks on WebSocket connections. They run on the connection's actor, one call at a time per
/// connection and concurrently across connections: keep them short and thread-safe, and never block.
/// </summary>
public interface IMessageHook
{
    /// <summary>Before <c>identity</c> is sent; fields added to <paramref name="identityData"/> go into its <c>data</c>.</summary>
    void OnConnect(IConnectionContext connection, IDictionary<string, JsonNode?> identityData)
    {
    }

    /// <summary>A frame from the client; return true to consume it (the server then does nothing with it).</summary>
    bool OnMessage(IConnectionContext connection, ClientMessage message) => false;

    /// <summary>The connection has ended.</summary>
    void OnDisconnect(IConnectionContext connection)
    {
    }
}

/// <summary>One connection as a hook sees it.</summary>
public interface IConnectionContext
{
    /// <summary>The connection's id (16 hex digits).</summary>
    string Id { get; }

    /// <summary>The identity's UUID.</summary>
    string Uuid { get; }

    /// <summary>The room, or null for <c>/api/ws</c>.</summary>
    string? Room { get; }

    /// <summary>Milliseconds since the Unix epoch, by the server's clock.</summary>
    long Now { get; }

    /// <summary>A fresh id from the server's counter (16 hex digits), for messages a hook makes up.</summary>
    string NewId();

    /// <summary>Sends <paramref name="frame"/> to this connection's client; <c>timestamp</c> is added when missing.</summary>
    void Send(JsonObject frame);
}

/// <summary>A frame from a client: its type, and seq, to and data as raw JSON.</summary>
public sealed class ClientMessage(string? type, ReadOnlyMemory<byte> seq, string? to, ReadOnlyMemory<byte> data)
{
    public string? Type { get; } = type;

    /// <summary>The <c>to</c> member, for unicasts.</summary>
    public string? To { get; } = to;

    /// <summary>The <c>seq</c> member as raw JSON (empty when absent).</summary>
    public ReadOnlyMemory<byte> RawSeq { get; } = seq;

    /// <summary>The <c>data</c> member as raw JSON (empty when absent).</summary>
    public ReadOnlyMemory<byte> RawData { get; } = data;

    /// <summary>The <c>data</c> member parsed, or null when absent or not JSON.</summary>
    public JsonNode? Data()
    {
        if (RawData.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(RawData.Span);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
