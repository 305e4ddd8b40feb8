using System.Text.Json;
using System.Text.Json.Nodes;
using Instant.Plugins;
using Microsoft.AspNetCore.Http;

[assembly: PluginConfiguration("rooms-api.pingReply", "pong!")]

namespace Instant.Samples.RoomsApi;

/// <summary>
/// Lists the rooms of this server at <c>GET /api/rooms</c> (<c>{"rooms":[{"name","connections"}]}</c>),
/// tells each client where that list is in its <c>identity</c>, and answers a post of exactly
/// <c>!ping</c> with a reply only its sender sees (the <c>!ping</c> itself is not relayed).
/// </summary>
public sealed class RoomsApiPlugin : IInstantPlugin
{
    public void Initialize(IPluginApi api)
    {
        var rooms = api.Rooms;
        api.AddRequestHook(context => ListRoomsAsync(context, rooms));
        api.AddMessageHook(new PingHook(api.GetConfiguration("rooms-api.pingReply") ?? "pong!"));
    }

    private static async Task<bool> ListRoomsAsync(HttpContext context, IRoomDirectory rooms)
    {
        if (context.Request.Path != "/api/rooms")
        {
            return false;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET";
            return true;
        }

        var list = new JsonArray();
        foreach (var (name, connections) in rooms.Snapshot().OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            list.Add(new JsonObject { ["name"] = name, ["connections"] = connections });
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(new JsonObject { ["rooms"] = list }.ToJsonString());
        return true;
    }

    private sealed class PingHook(string reply) : IMessageHook
    {
        // One made-up sender for every answer, so that clients show one "ping" user.
        private string? _botId;

        public void OnConnect(IConnectionContext connection, IDictionary<string, JsonNode?> identityData)
            => identityData["roomsApi"] = "/api/rooms";

        public bool OnMessage(IConnectionContext connection, ClientMessage message)
        {
            if (message.Type != "broadcast" || connection.Room is null || message.Data() is not JsonObject data
                || data["type"]?.GetValueKind() != JsonValueKind.String || (string?)data["type"] != "post"
                || data["text"]?.GetValueKind() != JsonValueKind.String || ((string?)data["text"])?.Trim() != "!ping")
            {
                return false;
            }

            _botId ??= connection.NewId();
            connection.Send(new JsonObject
            {
                ["type"] = "unicast",
                ["id"] = connection.NewId(),
                ["from"] = _botId,
                ["to"] = connection.Id,
                ["data"] = new JsonObject
                {
                    ["type"] = "post",
                    ["nick"] = "ping",
                    ["text"] = reply,
                    ["parent"] = data["parent"]?.DeepClone(),
                },
            });
            return true;
        }
    }
}
